"""Golden spectral radii of the linearised one-step maps, written independently of dynview with numpy.

For one eigenmode lambda (gradient z -> lambda z) each method's step is a small matrix on its state:
  gd:     x' = (1 - eta lam) x
  hb:     state (x_k, x_{k-1}),  x' = (1 + beta - eta lam) x_k - beta x_{k-1}
  nag-sc: state (x_k, z_{k-1}),  z_k = (1 - s lam) x_k,  x' = (1 + beta) z_k - beta z_{k-1}
  hm:     state (x_k, x_{k-1}, x_{k-2}),
          x' = (1 + b1 - eta lam) x_k + (b2 - b1) x_{k-1} - b2 x_{k-2}
  nag-c (k -> infinity, momentum -> 1): x' = (1 - s lam)(2 x_k - x_{k-1})
The worst mode over [mu, L] is a dense numpy grid maximum. Also: the closed-form optima
(Polyak heavy ball, GD with 2/(mu+L), Nesterov constant momentum) evaluated on the same matrices.
Writes test/golden/rates.json. Run: python3 scripts/golden/rates.py
"""
import json
import os

import numpy as np


def T(method, p, lam):
    if method == "gd":
        return np.array([[1 - p["eta"] * lam]])
    if method in ("hb", "hb-fixed"):
        b = p["beta"] if "beta" in p else 1 - p["gamma"] * np.sqrt(p["eta"])
        return np.array([[1 + b - p["eta"] * lam, -b], [1.0, 0.0]])
    if method == "nag-sc":
        s = p["s"]
        b = p["beta"] if "beta" in p else (1 - np.sqrt(p["mu"] * s)) / (1 + np.sqrt(p["mu"] * s))
        q = 1 - s * lam
        return np.array([[(1 + b) * q, -b], [q, 0.0]])
    if method == "hm":
        e, b1, b2 = p["eta"], p["beta1"], p["beta2"]
        return np.array([[1 + b1 - e * lam, b2 - b1, -b2], [1.0, 0, 0], [0, 1.0, 0]])
    if method == "nag-c-inf":
        q = 1 - p["s"] * lam
        return np.array([[2 * q, -q], [1.0, 0.0]])
    raise ValueError(method)


def rho(M):
    return float(max(abs(np.linalg.eigvals(M))))


def worst(method, p, mu, L, n=20001):
    lams = np.geomspace(mu, L, n)
    vals = [rho(T(method, p, l)) for l in lams]
    i = int(np.argmax(vals))
    return float(vals[i]), float(lams[i])


cases = [
    ("gd", {"eta": 0.1}), ("gd", {"eta": 0.45}),
    ("hb", {"eta": 0.01, "gamma": 1.0}), ("hb", {"eta": 0.2, "beta": 0.5}), ("hb", {"eta": 0.05, "beta": 0.9}),
    ("nag-sc", {"s": 0.1, "mu": 0.1}), ("nag-sc", {"s": 0.25, "beta": 0.7}),
    ("hm", {"eta": 0.1, "beta1": 0.2, "beta2": 0.2}), ("hm", {"eta": 0.1, "beta1": 0.2, "beta2": 0.5}),
    ("hm", {"eta": 0.3, "beta1": 0.5, "beta2": -0.1}),
]
lams = [0.01, 0.1, 0.5, 1.0, 2.0, 3.9]
modes = []
for m, p in cases:
    for l in lams:
        modes.append({"method": m, "params": p, "lambda": l, "rho": rho(T(m, p, l))})
nagc = [{"s": s, "lambda": l, "rho": rho(T("nag-c-inf", {"s": s}, l))} for s in (0.01, 0.1) for l in (0.1, 1.0, 5.0)]

spectra = [(0.1, 10.0), (0.05749, 4.098), (1.0, 100.0)]
worsts = []
for m, p in cases:
    for mu, L in spectra[:2]:
        r, l = worst(m, p, mu, L)
        worsts.append({"method": m, "params": p, "mu": mu, "L": L, "rho": r, "lambda": l})

optima = []
for mu, L in spectra:
    k = L / mu
    sk = np.sqrt(k)
    polyak = {"eta": 4 / (np.sqrt(L) + np.sqrt(mu)) ** 2, "beta": ((sk - 1) / (sk + 1)) ** 2}
    gd = {"eta": 2 / (mu + L)}
    nes = {"s": 1 / L, "beta": (sk - 1) / (sk + 1)}
    optima.append({
        "mu": mu, "L": L,
        "polyak": {"params": polyak, "rho": worst("hb", polyak, mu, L)[0], "formula": (sk - 1) / (sk + 1)},
        "gd": {"params": gd, "rho": worst("gd", gd, mu, L)[0], "formula": (k - 1) / (k + 1)},
        "nesterov": {"params": nes, "rho": worst("nag-sc", nes, mu, L)[0], "formula": 1 - 1 / sk,
                     "rhoAtMu": rho(T("nag-sc", nes, mu))},
    })
    # the closed forms hold on the matrices (up to the double-root sensitivity ~ sqrt(eps))
    assert abs(optima[-1]["polyak"]["rho"] - optima[-1]["polyak"]["formula"]) < 1e-6
    assert abs(optima[-1]["gd"]["rho"] - optima[-1]["gd"]["formula"]) < 1e-12
    assert abs(optima[-1]["nesterov"]["rhoAtMu"] - optima[-1]["nesterov"]["formula"]) < 1e-6

out = {"modes": modes, "nagCInfinity": nagc, "worst": worsts, "optima": optima}
path = os.path.join(os.path.dirname(__file__), "..", "..", "test", "golden", "rates.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
print("wrote", path)
