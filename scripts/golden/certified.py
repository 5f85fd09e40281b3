"""Golden exact rates for the certified verdicts (src/certify), computed independently with numpy.

For spectra [lambda0, lambdaMax] with condition numbers up to 1e6, the worst mode's loss rate per unit
of the method's ODE time t, by brute force: the per-mode characteristic polynomial written out by hand
from the update rule (not from dynview), its roots by mpmath.polyroots at 40 digits, the worst over a dense log grid of
lambda plus both ends (and, for heavy ball, its critical point). Written to test/golden/certified.json.

  python3 scripts/golden/certified.py
"""
import json
import math
import os

import mpmath
import numpy as np

mpmath.mp.dps = 40  # double roots (critical damping, NAG-SC at lambda = mu) need more than float64


def worst(rate_of_mode, l0, l1, extra=()):
    grid = np.exp(np.linspace(math.log(l0), math.log(l1), 1001))
    pts = np.concatenate([[l0, l1], grid, [x for x in extra if l0 <= x <= l1]])
    rates = np.array([rate_of_mode(l) for l in pts])
    i = int(np.argmin(rates))
    return float(rates[i]), float(pts[i])


def roots(coeffs):
    return mpmath.polyroots([mpmath.mpf(c) for c in coeffs], maxsteps=200, extraprec=200)


def ode_rate(coeffs):
    """loss rate of e ~ exp(z t): -2 max Re z over the roots (coeffs: highest power first)."""
    return float(-2 * max(mpmath.re(z) for z in roots(coeffs)))


def disc_rate(coeffs, h):
    """loss rate per unit t of a discrete mode: -2 ln(max |z|) / h."""
    return float(-2 * mpmath.log(max(abs(z) for z in roots(coeffs))) / h)


cases = []
spectra = [(0.083, 0.9), (1e-3, 1.0), (2e-5, 2.0), (1e-6, 1.0)]  # kappa ~ 11, 1e3, 1e5, 1e6
for l0, l1 in spectra:
    # gradient flow e' + lambda e = 0
    r, at = worst(lambda l: ode_rate([1.0, l]), l0, l1)
    cases.append(dict(method="gd", regime="ode", params={}, lambda0=l0, lambdaMax=l1, rate=r, at=at))
    # GD x+ = x - eta*lambda*x, t = k*eta
    eta = 0.5 / l1
    r, at = worst(lambda l: disc_rate([1.0, -(1 - eta * l)], eta), l0, l1)
    cases.append(dict(method="gd", regime="discrete", params={"eta": eta}, lambda0=l0, lambdaMax=l1, rate=r, at=at))
    # heavy ball ODE e'' + gamma e' + lambda e = 0, gamma = 3*sqrt(lambda0) (overdamped at lambda0)
    g = 3 * math.sqrt(l0)
    r, at = worst(lambda l: ode_rate([1.0, g, l]), l0, l1, extra=[g * g / 4])
    cases.append(dict(method="hb", regime="ode", params={"gamma": g}, lambda0=l0, lambdaMax=l1, rate=r, at=at))
    # heavy ball discrete: x+ = x - eta*lambda*x + beta (x - x-), beta = 1 - gamma sqrt(eta), t = k sqrt(eta)
    eta = 0.25 / l1
    beta = 1 - g * math.sqrt(eta)
    r, at = worst(lambda l: disc_rate([1.0, -(1 + beta - eta * l), beta], math.sqrt(eta)), l0, l1)
    cases.append(dict(method="hb", regime="discrete", params={"gamma": g, "eta": eta}, lambda0=l0, lambdaMax=l1, rate=r, at=at))
    # NAG-SC: z = x - s lambda x; x+ = z + beta (z - z-), beta = (1 - sqrt(mu s))/(1 + sqrt(mu s)), mu = lambda0
    s = 0.5 / l1
    b = (1 - math.sqrt(l0 * s)) / (1 + math.sqrt(l0 * s))
    r, at = worst(lambda l: disc_rate([1.0, -(1 + b) * (1 - s * l), b * (1 - s * l)], math.sqrt(s)), l0, l1)
    cases.append(dict(method="nag-sc", regime="discrete", params={"mu": l0, "s": s}, lambda0=l0, lambdaMax=l1, rate=r, at=at))
    # NAG-C, limit k -> infinity of (k-1)/(k+r-1) = 1: x+ = (2 - 2 s lambda) x - (1 - s lambda) x-
    r, at = worst(lambda l: disc_rate([1.0, -(2 - 2 * s * l), 1 - s * l], math.sqrt(s)), l0, l1)
    cases.append(dict(method="nag-c", regime="discrete", params={"r": 3, "s": s}, lambda0=l0, lambdaMax=l1, rate=r, at=at))

out = os.path.join(os.path.dirname(__file__), "..", "..", "test", "golden", "certified.json")
with open(out, "w") as f:
    json.dump({"source": "scripts/golden/certified.py (numpy %s, mpmath %s at 40 digits)" % (np.__version__, mpmath.__version__), "cases": cases}, f, indent=1)
    f.write("\n")
print("wrote", out, len(cases), "cases")
