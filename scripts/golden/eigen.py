"""Golden eigenvalues for src/linalg/eigen.ts, from numpy.linalg.eigvalsh (LAPACK syevd).

Writes test/golden/eigen.json: a list of {name, n, A (row-major), eigenvalues (ascending)}.
Run: python3 scripts/golden/eigen.py
"""
import json
import os

import numpy as np

rng = np.random.default_rng(20261127)
cases = []


def add(name, A):
    A = np.asarray(A, dtype=np.float64)
    A = (A + A.T) / 2
    cases.append({
        "name": name,
        "n": int(A.shape[0]),
        "A": A.reshape(-1).tolist(),
        "eigenvalues": np.linalg.eigvalsh(A).tolist(),
    })


def h_infinity(X):
    G = X @ X.T
    nr = np.sqrt(np.diag(G))
    c = np.clip(G / np.outer(nr, nr), -1.0, 1.0)
    np.fill_diagonal(c, 1.0)
    return G * (np.pi - np.arccos(c)) / (2 * np.pi)


add("1x1", [[2.5]])
add("2x2", [[2.0, 1.0], [1.0, 2.0]])
add("diagonal-with-negatives", np.diag([3.0, -1.0, 0.5, 7.0, -4.0]))
B = rng.standard_normal((12, 12))
add("gaussian-12", B + B.T)
B = rng.standard_normal((40, 40))
add("gaussian-40", B + B.T)
Q, _ = np.linalg.qr(rng.standard_normal((30, 30)))
ev = np.concatenate([np.full(10, 1.0), np.full(10, 1.0 + 1e-9), np.linspace(2, 5, 10)])
add("clustered-30", Q @ np.diag(ev) @ Q.T)
add("hilbert-8", [[1.0 / (i + j + 1) for j in range(8)] for i in range(8)])
X = rng.standard_normal((25, 6))
X /= np.linalg.norm(X, axis=1, keepdims=True)
add("h-infinity-sphere-25x6", h_infinity(X))
add("tridiagonal-toeplitz-20", np.diag(np.full(20, 2.0)) + np.diag(np.full(19, -1.0), 1) + np.diag(np.full(19, -1.0), -1))
add("rank-one-10", np.outer(np.arange(1, 11.0), np.arange(1, 11.0)))

out = os.path.join(os.path.dirname(__file__), "..", "..", "test", "golden", "eigen.json")
with open(out, "w") as f:
    json.dump({"source": "numpy.linalg.eigvalsh " + np.__version__, "cases": cases}, f)
print("wrote", os.path.normpath(out), len(cases), "matrices")
