"""Golden values for src/train/mlp-standard.ts and the bu2021 optimizer specs (src/experiments/specs.ts).

An independent numpy implementation of the authors' model, f(x) = a . relu(W x + b) with W in
PyTorch's (m, d) layout, L = mean((f(x_i) - y_i)^2), and of torch.optim.SGD's algorithm as the
PyTorch docs write it (momentum buffer b = g at the first step, then b = mu*b + g; nesterov uses
g + mu*b), with the notebook's NAG momentum (e-1)/(e+d-1) at epoch e = 1, 2, ...  The gradient is
also checked here against central finite differences.

theta is written in dynview's layout [W input-major (theta[j*m + r] = W[r, j]) | b | a].
Run: python3 scripts/golden/mlp.py  (writes test/golden/mlp.json)
"""
import json
import os
import numpy as np

rng = np.random.default_rng(20210)
n, d, m = 5, 6, 4
X = rng.uniform(0, 1, size=(n, d))
X[rng.uniform(size=(n, d)) < 0.5] = 0.0  # sparse rows like MNIST
X[0, :] = 0.0
X[0, 2] = 0.7
y = np.arange(n, dtype=float)
W0 = rng.normal(0, 1.0, size=(m, d))
b0 = rng.uniform(-0.3, 0.3, size=m)
a0 = rng.uniform(-1, 1, size=m)


def pack(W, b, a):
    return np.concatenate([W.T.reshape(-1), b, a])


def unpack(t):
    W = t[: m * d].reshape(d, m).T
    return W, t[m * d : m * d + m], t[m * d + m :]


def outputs(t):
    W, b, a = unpack(t)
    return np.maximum(X @ W.T + b, 0.0) @ a


def loss(t):
    return float(np.mean((outputs(t) - y) ** 2))


def grad(t):
    W, b, a = unpack(t)
    Z = X @ W.T + b
    H = np.maximum(Z, 0.0)
    e = H @ a - y
    g = 2.0 / n * e
    ga = H.T @ g
    D = np.outer(g, a) * (Z > 0)
    gb = D.sum(axis=0)
    gW = D.T @ X
    return pack(gW, gb, ga)


theta0 = pack(W0, b0, a0)
fd = np.zeros_like(theta0)
for i in range(theta0.size):
    h = 1e-6
    tp = theta0.copy(); tp[i] += h
    tm = theta0.copy(); tm[i] -= h
    fd[i] = (loss(tp) - loss(tm)) / (2 * h)
assert np.max(np.abs(fd - grad(theta0))) < 1e-6, np.max(np.abs(fd - grad(theta0)))

eta = 0.05
STEPS = 3


def run_gd():
    t = theta0.copy(); out = []
    for _ in range(STEPS):
        t = t - eta * grad(t); out.append(t.tolist())
    return out


def run_sgd(momentum_at, nesterov):
    t = theta0.copy(); buf = None; out = []
    for epoch in range(1, STEPS + 1):
        mu = momentum_at(epoch)
        g = grad(t)
        buf = g.copy() if buf is None else mu * buf + g
        step = g + mu * buf if nesterov else buf
        t = t - eta * step; out.append(t.tolist())
    return out


def run_hm(b1, b2):
    hist = [theta0.copy(), theta0.copy(), theta0.copy()]  # x[k], x[k-1], x[k-2]; at rest before the start
    out = []
    for _ in range(STEPS):
        xk, xk1, xk2 = hist
        nxt = xk + b1 * (xk - xk1) + b2 * (xk1 - xk2) - eta * grad(xk)
        hist = [nxt, xk, xk1]; out.append(nxt.tolist())
    return out


golden = {
    "n": n, "d": d, "m": m,
    "X": X.reshape(-1).tolist(), "y": y.tolist(),
    "theta0": theta0.tolist(),
    "u0": outputs(theta0).tolist(),
    "loss0": loss(theta0),
    "grad0": grad(theta0).tolist(),
    "eta": eta,
    "gd": run_gd(),
    "momentum": {"beta": 0.5, "steps": run_sgd(lambda e: 0.5, False)},
    "nesterov": {"d": 3, "steps": run_sgd(lambda e: (e - 1) / (e + 3 - 1), True)},
    "hm": {"beta1": 0.2, "beta2": 0.5, "steps": run_hm(0.2, 0.5)},
}
path = os.path.join(os.path.dirname(__file__), "..", "..", "test", "golden", "mlp.json")
with open(path, "w") as f:
    json.dump(golden, f, indent=1)
print("wrote", os.path.normpath(path))
