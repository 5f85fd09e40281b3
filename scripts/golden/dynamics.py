"""Golden values for src/dynamics (bessel.ts, modes.ts) from SciPy/NumPy, independent of dynview.

Writes test/golden/dynamics.json:
- besselJ: scipy.special.jv(nu, x) on a grid x in [0, 200] for nu in {0, 0.5, 1, 1.5, 2.5, 3.5}
  plus a few larger orders and points near zeros;
- nagCMode: Gamma(nu+1) (2/(sqrt(lam) t))^nu J_nu(sqrt(lam) t), nu = (r-1)/2, checked here against
  a numerical ODE solution of e'' + (r/t) e' + lam e = 0 (scipy solve_ivp, series start at t0);
- modeRates: the decay rate -max Re(roots) of s^2 + c s + lam for hb-like modes (numpy.roots).
Run: python3 scripts/golden/dynamics.py
"""
import json
import os

import numpy as np
from scipy import special
from scipy.integrate import solve_ivp

out = {}

nus = [0.0, 0.5, 1.0, 1.5, 2.5, 3.5, 4.0, 7.5, 9.5]
xs = sorted(set(
    [0.0, 1e-8, 1e-3, 0.1, 0.5, 1.0, 1.999, 2.0, 2.001, 3.0]
    + list(np.round(np.linspace(0.0, 200.0, 401), 10))
    + list(np.round(np.geomspace(1e-4, 200.0, 60), 12))
    + [24.9, 25.0, 25.1, 49.9, 50.1, 99.99, 199.99]
))
rows = []
for nu in nus:
    for x in xs:
        rows.append([nu, float(x), float(special.jv(nu, x))])
    # points next to the first few zeros (absolute accuracy matters there)
    if float(nu).is_integer():
        zs = special.jn_zeros(int(nu), 5)
        for z in zs:
            for dx in (-1e-3, 0.0, 1e-3):
                rows.append([nu, float(z + dx), float(special.jv(nu, z + dx))])
out["besselJ"] = rows

nag = []
for r in (2.0, 3.0, 6.0, 8.0):
    nu = (r - 1) / 2
    for lam in (0.01, 0.3, 1.0, 4.0):
        for t in (0.0, 0.5, 1.0, 5.0, 20.0, 60.0):
            z = np.sqrt(lam) * t
            if z == 0:
                v = 1.0
            else:
                v = special.gamma(nu + 1) * (2.0 / z) ** nu * special.jv(nu, z)
            nag.append([r, lam, t, float(v)])
    # independent check of the closed form: integrate the ODE from t0 with the series start
    lam = 1.0
    t0 = 1e-3
    e0 = 1 - lam * t0 ** 2 / (2 * (r + 1))
    de0 = -lam * t0 / (r + 1)
    sol = solve_ivp(lambda t, y: [y[1], -(r / t) * y[1] - lam * y[0]], (t0, 20.0), [e0, de0],
                    rtol=1e-11, atol=1e-13, dense_output=True)
    for t in (1.0, 5.0, 20.0):
        z = np.sqrt(lam) * t
        closed = special.gamma(nu + 1) * (2.0 / z) ** nu * special.jv(nu, z)
        assert abs(sol.sol(t)[0] - closed) < 1e-7, (r, t, sol.sol(t)[0], closed)
out["nagCMode"] = nag

rates = []
for c in (0.1, 0.5, 1.0, 2.0):
    for lam in (0.01, 0.05, 0.2, 1.0, 3.0):
        roots = np.roots([1.0, c, lam])
        rates.append([c, lam, float(-max(roots.real))])
out["hbModeRates"] = rates

path = os.path.join(os.path.dirname(__file__), "..", "..", "test", "golden", "dynamics.json")
with open(path, "w") as f:
    json.dump(out, f)
print("wrote", path, len(rows), "bessel values")
