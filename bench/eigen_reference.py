#!/usr/bin/env python3
"""numpy reference for the extreme eigenvalues of H∞ (the bench target: λ0 and λmax of H∞ at n = 2000 within 2×
numpy eigvalsh), for `dynview bench` and scripts/bench-eigen.ts.

Two ways to call it:
  * JSON job on stdin: {"n": n, "d": d, "X": [n·d row-major floats], "repeat": r}: builds H∞ of exactly
    these rows (H∞_ij = x_i·x_j (π − θ_ij)/(2π), θ by the half-angle formula as src/ntk/gram.ts), then
    times np.linalg.eigvalsh(H) r times (best of r) and prints JSON
    {"eigvalshSeconds", "eigvalshCpuSeconds" (all threads), "buildSeconds", "lambdaMin", "lambdaMax", "numpy", "threads"} on stdout.
  * Stand-alone: python3 bench/eigen_reference.py --n 2000 --d 10 --seed 1 [--repeat 3]: the same on
    unit-norm Gaussian rows drawn by numpy from the seed (not dynview's rows: timing only).
Threads: numpy's BLAS uses all cores unless OMP_NUM_THREADS/OPENBLAS_NUM_THREADS say otherwise; the
count is reported (threadpoolctl when installed, else the environment).
"""
import argparse
import json
import os
import sys
import time

import numpy as np


def h_infinity(X):
    nr = np.linalg.norm(X, axis=1)
    U = X / np.where(nr > 0, nr, 1.0)[:, None]
    G = X @ X.T
    C = np.clip(U @ U.T, -1.0, 1.0)
    # half-angle: θ = 2·atan2(‖u−v‖, ‖u+v‖), with ‖u∓v‖² = 2 ∓ 2c only where that is accurate
    theta = np.arccos(C)
    near = np.abs(C) > 0.5
    if near.any():
        ii, jj = np.nonzero(near)
        dm = np.linalg.norm(U[ii] - U[jj], axis=1)
        dp = np.linalg.norm(U[ii] + U[jj], axis=1)
        theta[ii, jj] = 2 * np.arctan2(dm, dp)
    H = G * (np.pi - theta) / (2 * np.pi)
    return (H + H.T) / 2


def threads():
    try:
        from threadpoolctl import threadpool_info

        return max((p.get("num_threads", 0) for p in threadpool_info()), default=None)
    except Exception:  # noqa: BLE001 - optional dependency
        return os.environ.get("OMP_NUM_THREADS") or os.environ.get("OPENBLAS_NUM_THREADS") or "default"


def run(X, repeat):
    t = time.perf_counter()
    H = h_infinity(X)
    build = time.perf_counter() - t
    best = float("inf")
    best_cpu = float("inf")
    ev = None
    for _ in range(max(1, repeat)):
        t = time.perf_counter()
        c = time.process_time()
        ev = np.linalg.eigvalsh(H)
        best = min(best, time.perf_counter() - t)
        best_cpu = min(best_cpu, time.process_time() - c)
    return {
        "n": int(X.shape[0]),
        "eigvalshSeconds": best,
        "eigvalshCpuSeconds": best_cpu,
        "buildSeconds": build,
        "lambdaMin": float(ev[0]),
        "lambdaMax": float(ev[-1]),
        "numpy": np.__version__,
        "threads": threads(),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int)
    ap.add_argument("--d", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=1)
    a = ap.parse_args()
    if a.n is None:
        job = json.load(sys.stdin)
        X = np.asarray(job["X"], dtype=np.float64).reshape(int(job["n"]), int(job["d"]))
        print(json.dumps(run(X, int(job.get("repeat", 1)))))
        return
    X = np.random.default_rng(a.seed).standard_normal((a.n, a.d))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    print(json.dumps(run(X, a.repeat)))


if __name__ == "__main__":
    main()
