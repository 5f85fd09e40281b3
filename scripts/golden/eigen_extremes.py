"""Golden extreme eigenvalues for src/linalg/lanczos.ts and src/linalg/enclosure.ts (numpy eigvalsh,
LAPACK syevd), on the spectra that are hard for Lanczos:

* H∞ of data with near-parallel rows (pairs x, normalize(x + δ·noise)), δ chosen by the script so
  that κ = λmax/λmin is about 1e2, 1e4 and 1e6 (stored as X; the test rebuilds H∞ with gramInfinity);
  H∞_ij = x_i·x_j (π − θ_ij)/(2π) with θ_ij = 2·atan2(‖x̂_i − x̂_j‖, ‖x̂_i + x̂_j‖) (the half-angle form,
  accurate for nearly parallel rows where arccos loses half the digits).
* random symmetric matrices Q·diag(λ)·Qᵀ (Q from a QR of a Gaussian matrix) with clustered extremes:
  a bottom cluster 1e-10 apart, a top cluster 1e-9 apart, an indefinite one with both (stored whole).

Writes test/golden/eigen_extremes.json. Run: python3 scripts/golden/eigen_extremes.py
"""
import json
import os

import numpy as np

rng = np.random.default_rng(20261202)
cases = []


def h_infinity(X):
    nr = np.linalg.norm(X, axis=1)
    U = X / nr[:, None]
    G = X @ X.T
    dm = np.linalg.norm(U[:, None, :] - U[None, :, :], axis=2)
    dp = np.linalg.norm(U[:, None, :] + U[None, :, :], axis=2)
    theta = 2 * np.arctan2(dm, dp)
    H = G * (np.pi - theta) / (2 * np.pi)
    return (H + H.T) / 2


def near_parallel(n, d, delta, seed):
    r = np.random.default_rng(seed)
    base = r.standard_normal((n // 2, d))
    base /= np.linalg.norm(base, axis=1, keepdims=True)
    twin = base + delta * r.standard_normal(base.shape)
    twin /= np.linalg.norm(twin, axis=1, keepdims=True)
    X = np.empty((n, d))
    X[0::2] = base
    X[1::2] = twin
    return X


def r12(M):
    """Round to 12 significant digits (a smaller JSON); the rounded array is the one solved."""
    return np.array([float(f"{v:.12g}") for v in M.reshape(-1)]).reshape(M.shape)


def add_hinf(name, X):
    X = r12(X)
    H = h_infinity(X)
    ev = np.linalg.eigvalsh(H)
    cases.append({
        "name": name, "kind": "h-infinity", "n": int(X.shape[0]), "d": int(X.shape[1]),
        "X": X.reshape(-1).tolist(),
        "lambdaMin": float(ev[0]), "lambdaMax": float(ev[-1]),
        "secondMin": float(ev[1]), "secondMax": float(ev[-2]),
        "maxAbsEntry": float(np.abs(H).max()),
    })
    print(f"{name}: n={X.shape[0]} λmin={ev[0]:.6e} λmax={ev[-1]:.6e} κ={ev[-1] / ev[0]:.3e}")


def add_matrix(name, A):
    A = r12((A + A.T) / 2)
    A = np.tril(A) + np.tril(A, -1).T
    ev = np.linalg.eigvalsh(A)
    cases.append({
        "name": name, "kind": "matrix", "n": int(A.shape[0]),
        "A": A.reshape(-1).tolist(),
        "lambdaMin": float(ev[0]), "lambdaMax": float(ev[-1]),
        "secondMin": float(ev[1]), "secondMax": float(ev[-2]),
    })
    print(f"{name}: n={A.shape[0]} λmin={ev[0]:.12e} λmax={ev[-1]:.12e}")


# Well-conditioned reference: sphere data.
X = rng.standard_normal((300, 8))
X /= np.linalg.norm(X, axis=1, keepdims=True)
add_hinf("hinf-sphere-300x8", X)

# Near-parallel pairs: pick δ on a grid so that κ lands closest to each target.
n, d = 240, 6
for target in (1e2, 1e4, 1e6):
    best = None
    for delta in np.logspace(-5, 0, 41):
        X = near_parallel(n, d, delta, seed=11)
        ev = np.linalg.eigvalsh(h_infinity(X))
        score = abs(np.log10(ev[-1] / ev[0]) - np.log10(target))
        if best is None or score < best[0]:
            best = (score, delta, X)
    ev = np.linalg.eigvalsh(h_infinity(best[2]))
    add_hinf(f"hinf-near-parallel-kappa{ev[-1] / ev[0]:.0e}-{n}x{d}".replace("+0", ""), best[2])


def rotated(spectrum):
    m = len(spectrum)
    Q, _ = np.linalg.qr(rng.standard_normal((m, m)))
    return Q @ np.diag(spectrum) @ Q.T


m = 60
bottom = np.concatenate([1.0 + 1e-10 * np.arange(6), np.linspace(1.5, 10.0, m - 6)])
add_matrix("clustered-bottom-60", rotated(bottom))
top = np.concatenate([np.linspace(0.1, 50.0, m - 8), 100.0 * (1 + 1e-9 * np.arange(8))])
add_matrix("clustered-top-60", rotated(top))
both = np.concatenate([-5.0 - 1e-9 * np.arange(5), np.linspace(-4.0, 4.0, m - 10), 7.0 + 1e-9 * np.arange(5)])
add_matrix("indefinite-clustered-both-60", rotated(both))

out = os.path.join(os.path.dirname(__file__), "..", "..", "test", "golden", "eigen_extremes.json")
with open(out, "w") as f:
    json.dump({"source": "numpy.linalg.eigvalsh " + np.__version__, "cases": cases}, f)
print("wrote", os.path.normpath(out), len(cases), "cases")
