#!/usr/bin/env python3
"""Naive numpy reference of dynview's training loop, for `dynview bench`.

The same network and loop as the direct engine, written the obvious numpy way: every step
Z = W Xᵀ, masks Z ≥ 0, u = relu(Z)ᵀ a / √m, e = u − y, G = ((mask ∘ e) a / √m) X, then the
method's update (gd, hb, hb-fixed, nag-c, nag-sc, hm) on W. Reads a JSON job on stdin:
  {"X": [[...]...], "y": [...], "width": m, "method": "hb", "params": {...}, "steps": K, "seed": s}
and prints {"stepsPerSecond", "steps", "seconds", "finalLoss", "losses", "numpy"} as JSON
("losses": the loss at every step). "seconds" is the whole run: the weights' initialisation and
every step (what dynview's side of the benchmark times too). The initial weights are numpy's own (seeded) unless the job
gives "W0" (m rows) and "a" (m signs): then the losses are dynview's, which the tests check.
{"jobs": [job, ...]} runs several jobs and prints a list.
"""
import json
import sys
import time

import numpy as np


def run(job):
    X = np.asarray(job["X"], dtype=np.float64)
    y = np.asarray(job["y"], dtype=np.float64)
    n, d = X.shape
    m = int(job["width"])
    t0 = time.perf_counter()
    rng = np.random.default_rng(int(job.get("seed", 1)))
    W = rng.standard_normal((m, d))
    a = rng.choice([-1.0, 1.0], size=m)
    if "W0" in job:
        W = np.asarray(job["W0"], dtype=np.float64).reshape(m, d)
        a = np.asarray(job["a"], dtype=np.float64)
    s = 1.0 / np.sqrt(m)
    method = job["method"]
    p = job["params"]

    def grad(Wz):
        Z = Wz @ X.T                      # m × n
        mask = Z >= 0
        u = (np.where(mask, Z, 0.0) * a[:, None]).sum(axis=0) * s
        e = u - y
        G = ((mask * e[None, :]) * (a[:, None] * s)) @ X
        return G, 0.5 * float(e @ e)

    hist = [W.copy(), W.copy(), W.copy()]  # x[k], x[k-1], x[k-2]
    z_prev = W.copy()
    loss = None
    k = 0

    def step():
        nonlocal hist, z_prev, loss, k
        x, x1, x2 = hist
        if method == "gd":
            g, loss = grad(x)
            nxt = x - p["eta"] * g
        elif method in ("hb", "hb-fixed"):
            beta = p["beta"] if "beta" in p else 1 - p["gamma"] * np.sqrt(p["eta"])
            g, loss = grad(x)
            nxt = x - p["eta"] * g + beta * (x - x1)
        elif method == "nag-c":
            r = p.get("r", 3)
            yk = x + (k - 1) / (k + r - 1) * (x - x1)
            g, loss = grad(yk)
            nxt = yk - p["s"] * g
        elif method == "nag-sc":
            beta = p["beta"] if "beta" in p else (1 - np.sqrt(p["mu"] * p["s"])) / (1 + np.sqrt(p["mu"] * p["s"]))
            g, loss = grad(x)
            zk = x - p["s"] * g
            if k == 0:
                z_prev = zk
            nxt = zk + beta * (zk - z_prev)
            z_prev = zk
        elif method == "hm":
            g, loss = grad(x)
            nxt = x + p["beta1"] * (x - x1) + p["beta2"] * (x1 - x2) - p["eta"] * g
        else:
            raise SystemExit(f"reference.py: unknown method {method}")
        hist = [nxt, x, x1]
        k += 1

    steps = int(job["steps"])
    losses = []
    for _ in range(steps):
        step()
        losses.append(loss)
    sec = time.perf_counter() - t0
    return {"stepsPerSecond": steps / sec, "steps": steps, "seconds": sec, "finalLoss": loss, "losses": losses,
            "numpy": np.__version__}


if __name__ == "__main__":
    job = json.load(sys.stdin)
    if "jobs" in job:
        print(json.dumps([run(j) for j in job["jobs"]]))
    else:
        print(json.dumps(run(job)))
