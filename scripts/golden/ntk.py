"""Golden H-infinity kernels and their spectra for src/ntk/gram.ts (numpy, independent code).

H∞_ij = x_i·x_j (π − θ_ij)/(2π), θ_ij = arccos(clip(x_i·x_j/(‖x_i‖‖x_j‖), −1, 1)), θ_ii = 0.
Also a Monte-Carlo cross-check of the formula as E_w[x_i·x_j 1{w·x_i ≥ 0} 1{w·x_j ≥ 0}] (printed,
not stored). Writes test/golden/ntk.json. Run: python3 scripts/golden/ntk.py
"""
import json
import os

import numpy as np

rng = np.random.default_rng(7)


def h_infinity(X):
    G = X @ X.T
    nr = np.sqrt(np.diag(G))
    c = np.clip(G / np.outer(nr, nr), -1.0, 1.0)
    np.fill_diagonal(c, 1.0)
    return G * (np.pi - np.arccos(c)) / (2 * np.pi)


cases = []


def add(name, X):
    H = h_infinity(X)
    ev = np.linalg.eigvalsh(H)
    cases.append({
        "name": name, "n": int(X.shape[0]), "d": int(X.shape[1]),
        "X": X.reshape(-1).tolist(),
        "H": H.reshape(-1).tolist(),
        "lambda0": float(ev[0]), "lambdaMax": float(ev[-1]),
    })
    # Monte-Carlo check of the closed form (independent of the formula).
    W = rng.standard_normal((200000, X.shape[1]))
    A = (W @ X.T >= 0).astype(np.float64)
    Hmc = (X @ X.T) * (A.T @ A) / W.shape[0]
    print(name, "max |H_mc - H| =", np.abs(Hmc - H).max())


X = rng.standard_normal((16, 4))
X /= np.linalg.norm(X, axis=1, keepdims=True)
add("unit-16x4", X)
add("raw-12x3", rng.standard_normal((12, 3)) * 2.0)
X = rng.standard_normal((8, 5))
X /= np.linalg.norm(X, axis=1, keepdims=True)
X[5] = -X[2]  # antiparallel pair: H∞ stays non-singular
add("antiparallel-8x5", X)

out = os.path.join(os.path.dirname(__file__), "..", "..", "test", "golden", "ntk.json")
with open(out, "w") as f:
    json.dump({"source": "numpy " + np.__version__, "cases": cases}, f)
print("wrote", os.path.normpath(out))
