"""Golden both-layer NTKs for src/ntk/both-layers.ts (numpy, independent code).

Both layers of f(x) = (1/sqrt(m)) sum_r a_r relu(w_r.x) trained: H = H_W + K1 with
  H_W_ij = x_i.x_j (pi - theta)/(2 pi)                       (first layer),
  K1_ij  = |x_i||x_j| (sin theta + (pi - theta) cos theta)/(2 pi)  (second layer, arc-cosine deg 1),
theta = arccos(clip(cos, -1, 1)). Hidden bias = the same kernels on x~ = (x, 1).
Also a Monte-Carlo check of K1 as E_w[relu(w.x_i) relu(w.x_j)] (printed, not stored).
Writes test/golden/ntk_both.json. Run: python3 scripts/golden/ntk_both.py
"""
import json
import os

import numpy as np

rng = np.random.default_rng(11)


def angles(X):
    G = X @ X.T
    nr = np.sqrt(np.diag(G))
    c = np.clip(G / np.outer(nr, nr), -1.0, 1.0)
    np.fill_diagonal(c, 1.0)
    return G, nr, np.arccos(c)


def h_first(X):
    G, _, th = angles(X)
    return G * (np.pi - th) / (2 * np.pi)


def k_second(X):
    G, nr, th = angles(X)
    return np.outer(nr, nr) * (np.sin(th) + (np.pi - th) * np.cos(th)) / (2 * np.pi)


cases = []


def add(name, X, bias):
    Xm = np.hstack([X, np.ones((X.shape[0], 1))]) if bias else X
    HW = h_first(Xm)
    K1 = k_second(Xm)
    H = HW + K1
    ev = np.linalg.eigvalsh(H)
    evW = np.linalg.eigvalsh(HW)
    cases.append({
        "name": name, "n": int(X.shape[0]), "d": int(X.shape[1]), "bias": bias,
        "X": X.reshape(-1).tolist(),
        "K1": K1.reshape(-1).tolist(),
        "H": H.reshape(-1).tolist(),
        "lambda0": float(ev[0]), "lambdaMax": float(ev[-1]),
        "lambda0First": float(evW[0]),
    })
    W = rng.standard_normal((200000, Xm.shape[1]))
    Z = np.maximum(W @ Xm.T, 0.0)
    Kmc = Z.T @ Z / W.shape[0]
    print(name, "max |K1_mc - K1| =", np.abs(Kmc - K1).max())


X = rng.standard_normal((12, 4))
X /= np.linalg.norm(X, axis=1, keepdims=True)
add("unit-12x4", X, False)
add("unit-12x4-bias", X, True)
add("raw-10x3", rng.standard_normal((10, 3)) * 1.5, False)
X = rng.standard_normal((8, 5))
X /= np.linalg.norm(X, axis=1, keepdims=True)
X[5] = -X[2]
add("antiparallel-8x5", X, False)

out = os.path.join(os.path.dirname(__file__), "..", "..", "test", "golden", "ntk_both.json")
with open(out, "w") as f:
    json.dump({"source": "numpy " + np.__version__, "cases": cases}, f)
print("wrote", os.path.normpath(out))
