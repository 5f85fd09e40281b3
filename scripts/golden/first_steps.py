"""First steps of every built-in optimizer on a tiny two-layer ReLU net, written out by hand in numpy
(independent of dynview's method specs and compiled stepper).

Net: f(x) = (1/sqrt(m)) sum_r a_r relu(w_r . x), L = 1/2 ||u - y||^2, gradient
g_r = (a_r/sqrt(m)) sum_i e_i 1{w_r . x_i >= 0} x_i. n = 2, d = 2, m = 3.
Conventions: k starts at 0; every sequence before the start equals its start value (x[-1] = x[0],
z[-1] = z[0]). Writes test/golden/first_steps.json. Run: python3 scripts/golden/first_steps.py
"""
import json
import os

import numpy as np

X = np.array([[0.6, 0.8], [1.0, 0.0]])
y = np.array([1.0, -0.5])
W0 = np.array([[0.3, -0.5], [-0.2, 0.9], [1.1, 0.4]])
a = np.array([1.0, -1.0, 1.0])
m = W0.shape[0]
STEPS = 3


def forward(W):
    Z = W @ X.T  # m x n
    return (a @ np.maximum(Z, 0.0)) / np.sqrt(m), Z


def loss(W):
    u, _ = forward(W)
    return 0.5 * float(np.sum((u - y) ** 2))


def grad(W):
    u, Z = forward(W)
    e = u - y
    mask = (Z >= 0).astype(float)  # m x n
    return (a[:, None] / np.sqrt(m)) * ((mask * e[None, :]) @ X)


def gd(eta):
    xs = [W0.copy()]
    for _ in range(STEPS):
        xs.append(xs[-1] - eta * grad(xs[-1]))
    return xs


def hb(eta, beta):
    xs = [W0.copy()]
    prev = W0.copy()
    for _ in range(STEPS):
        x = xs[-1]
        nxt = x - eta * grad(x) + beta * (x - prev)
        prev = x
        xs.append(nxt)
    return xs


def nag_c(s, r):
    xs = [W0.copy()]
    prev = W0.copy()
    for k in range(STEPS):
        x = xs[-1]
        yk = x + (k - 1) / (k + r - 1) * (x - prev)
        prev = x
        xs.append(yk - s * grad(yk))
    return xs


def nag_sc(s, beta):
    xs = [W0.copy()]
    zprev = None
    for _ in range(STEPS):
        x = xs[-1]
        z = x - s * grad(x)
        if zprev is None:
            zprev = z
        xs.append(z + beta * (z - zprev))
        zprev = z
    return xs


def hm(eta, b1, b2):
    xs = [W0.copy()]
    for k in range(STEPS):
        x = xs[k]
        x1 = xs[k - 1] if k >= 1 else W0
        x2 = xs[k - 2] if k >= 2 else W0
        xs.append(x + b1 * (x - x1) + b2 * (x1 - x2) - eta * grad(x))
    return xs


eta = 0.4
gamma = 2.0
mu = 0.1
cases = [
    ("gd", {"eta": eta}, gd(eta)),
    ("hb", {"eta": eta, "beta": 0.5}, hb(eta, 0.5)),
    ("hb", {"eta": eta, "gamma": gamma}, hb(eta, 1 - gamma * np.sqrt(eta))),
    ("hb-fixed", {"eta": eta, "beta": 0.3}, hb(eta, 0.3)),
    ("nag-c", {"s": eta}, nag_c(eta, 3.0)),
    ("nag-c", {"s": eta, "r": 5}, nag_c(eta, 5.0)),
    ("nag-sc", {"s": eta, "beta": 0.6}, nag_sc(eta, 0.6)),
    ("nag-sc", {"s": eta, "mu": mu}, nag_sc(eta, (1 - np.sqrt(mu * eta)) / (1 + np.sqrt(mu * eta)))),
    ("hm", {"eta": eta, "beta1": 0.2, "beta2": 0.5}, hm(eta, 0.2, 0.5)),
]
out_cases = [{
    "method": name, "params": params,
    "W": [x.reshape(-1).tolist() for x in xs],
    "loss": [loss(x) for x in xs],
} for name, params, xs in cases]

# The activation pattern changes within these steps for some method (a flip is exercised).
flips = {c[0] + str(c[1]): int(np.sum((c[2][-1] @ X.T >= 0) != (W0 @ X.T >= 0))) for c in cases}
print("flips after 3 steps:", flips)
out = os.path.join(os.path.dirname(__file__), "..", "..", "test", "golden", "first_steps.json")
with open(out, "w") as f:
    json.dump({"X": X.reshape(-1).tolist(), "y": y.tolist(), "W0": W0.reshape(-1).tolist(), "a": a.tolist(),
               "n": 2, "d": 2, "m": 3, "cases": out_cases}, f, indent=1)
print("wrote", os.path.normpath(out))
