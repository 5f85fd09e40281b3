#!/usr/bin/env python3
"""Golden ODE limits for test/symbolic: an independent SymPy derivation.

Each method's update rule is written here by hand (not read from dynview's specs), sequence values
x[k+j] are replaced by their Taylor series X(t + j h), auxiliaries by their (shifted) definitions,
grad(X + d) by G + H d (first order: the second-order terms are O(h^2) times the step, beyond the
orders kept), k by (t - t0)/h, and SymPy's series() expands in h. The leading power with a
derivative term gives the low-resolution ODE, the next power the high-resolution one; the highest
derivative of the low-resolution ODE is normalised to 1 (dividing by its full coefficient and
re-expanding, as Shi, Du, Jordan & Su do).

Run: python3 scripts/golden/derive.py  (writes test/golden/derive.json)
"""
import json
import os
import sympy as sp

h, t = sp.symbols('h t', positive=True)
NDER = 6
Xs = sp.symbols('X0:%d' % NDER)          # X, X', X'', ...
HXs = sp.symbols('HX0:%d' % NDER)        # hess f(X) X^(j)
G = sp.Symbol('G')                       # grad f(X)
HG = sp.Symbol('HG')                     # hess f(X) grad f(X)


def X(j):
    """Taylor series of X(t + j h)."""
    return sum((j * h) ** n / sp.factorial(n) * Xs[n] for n in range(NDER))


def grad(Y):
    """grad f(Y) for Y = X + d, to first order in d (d must vanish as h -> 0)."""
    Y = sp.expand(Y)
    a0 = Y.coeff(Xs[0])
    assert sp.simplify(sp.limit(a0, h, 0) - 1) == 0, 'argument of grad must tend to X'
    out = G + (a0 - 1) * HXs[0]
    for n in range(1, NDER):
        out += Y.coeff(Xs[n]) * HXs[n]
    out += Y.coeff(G) * HG
    return out


def key_of(sym):
    if sym in Xs:
        return 'X' + "'" * Xs.index(sym)
    if sym in HXs:
        return 'hess*X' + "'" * HXs.index(sym)
    return {G: 'grad', HG: 'hess*grad'}[sym]


BASIS = list(Xs) + list(HXs) + [G, HG]


def derive(E, h_text_sym, R):
    """E: x[k+1] - RHS in h; h_text_sym: h in params; R = 0 (low) or 1 (high)."""
    N = 6
    ser = sp.expand(sp.series(E, h, 0, N).removeO())
    coeffs = {b: [sp.simplify(ser.coeff(b).coeff(h, n)) for n in range(N)] for b in BASIS}
    lead = None
    for n in range(N):
        present = [b for b in BASIS if coeffs[b][n] != 0]
        if any(b in Xs[1:] for b in present):
            lead = n
            break
        assert not present, 'lower order without derivative: %s' % present
    assert lead is not None and lead + R < N
    top = max(j for j in range(1, NDER) if coeffs[Xs[j]][lead] != 0)
    norm = sum(coeffs[Xs[top]][lead + i] * h ** i for i in range(R + 1))
    terms = {}
    for b in BASIS:
        poly = sum(coeffs[b][lead + i] * h ** i for i in range(R + 1))
        if poly == 0:
            continue
        q = sp.series(poly / norm, h, 0, R + 1).removeO()
        q = sp.simplify(q.subs(h, h_text_sym))
        if q != 0:
            terms[key_of(b)] = q
    return lead, terms


def to_text(e):
    return str(e).replace('**', '^')


cases = []


def add(name, time, resolution, E, h_sym, note=''):
    R = 1 if resolution == 'high' else 0
    lead, terms = derive(E, h_sym, R)
    cases.append({'method': name, 'time': time, 'resolution': resolution, 'lead': lead,
                  'terms': {k: to_text(v) for k, v in terms.items()}, 'note': note})


eta, gamma, beta, s, r, mu, beta1, beta2 = sp.symbols('eta gamma beta s r mu beta1 beta2', positive=True)

for res in ('low', 'high'):
    # gd: x[k+1] = x[k] - eta grad(x[k]), t = k eta  (h = eta)
    add('gd', 'k*eta', res, (X(1) - X(0) + h * grad(X(0))), eta)
    # hb with beta = 1 - gamma sqrt(eta), t = k sqrt(eta)  (eta = h^2)
    b = 1 - gamma * h
    add('hb', 'k*sqrt(eta)', res, X(1) - X(0) + h ** 2 * grad(X(0)) - b * (X(0) - X(-1)), sp.sqrt(eta))
    # hb-fixed: fixed beta, t = k eta
    add('hb-fixed', 'k*eta', res, X(1) - X(0) + h * grad(X(0)) - beta * (X(0) - X(-1)), eta)
    # hm: two momenta, t = k eta
    add('hm', 'k*eta', res,
        X(1) - X(0) - beta1 * (X(0) - X(-1)) - beta2 * (X(-1) - X(-2)) + h * grad(X(0)), eta)
    # nag-c: y[k] = x[k] + (k-1)/(k+r-1)(x[k]-x[k-1]); x[k+1] = y[k] - s grad(y[k])
    for time, t0 in (('k*sqrt(s)', 0), ('(k+1/2)*sqrt(s)', h / 2)):
        k = (t - t0) / h
        m = (k - 1) / (k + r - 1)
        y = X(0) + m * (X(0) - X(-1))
        add('nag-c' if t0 == 0 else 'nag-c-half', time, res, X(1) - y + h ** 2 * grad(y), sp.sqrt(s))
    # nag-sc (Shi et al.): z[k] = x[k] - s grad(x[k]); x[k+1] = z[k] + a (z[k] - z[k-1])
    a = (1 - sp.sqrt(mu) * h) / (1 + sp.sqrt(mu) * h)
    z0 = X(0) - h ** 2 * grad(X(0))
    z1 = X(-1) - h ** 2 * grad(X(-1))
    add('nag-sc', 'k*sqrt(s)', res, X(1) - z0 - a * (z0 - z1), sp.sqrt(s))
    # heavy ball with Shi et al.'s alpha (test fixture hb-shi)
    add('hb-shi', 'k*sqrt(s)', res, X(1) - X(0) + h ** 2 * grad(X(0)) - a * (X(0) - X(-1)), sp.sqrt(s))

# PyTorch's momentum buffer: v[k] = beta v[k-1] + grad(x[k]); x[k+1] = x[k] - eta v[k].
# Eliminated by hand here: v[k-j] = (x[k-j] - x[k+1-j]) / eta, and v's equation is expanded.
for res in ('low', 'high'):
    v = lambda j: (X(-j) - X(1 - j)) / h
    add('sgd-momentum', 'k*eta', res, v(0) - beta * v(1) - grad(X(0)), eta)
    # PyTorch's Nesterov: x[k+1] = x[k] - eta (grad(x[k]) + b v[k]), b = 1 - gamma sqrt(eta), t = k sqrt(eta)
    b = 1 - gamma * h
    vn = lambda j: (X(-j) - X(1 - j) - h ** 2 * grad(X(-j))) / (h ** 2 * b)
    add('torch-nesterov', 'k*sqrt(eta)', res, vn(0) - b * vn(1) - grad(X(0)), sp.sqrt(eta))

out = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'golden', 'derive.json')
with open(out, 'w') as f:
    json.dump({'source': 'scripts/golden/derive.py (SymPy %s)' % sp.__version__, 'cases': cases}, f, indent=1)
for c in cases:
    print(c['method'], c['time'], c['resolution'], c['terms'])
