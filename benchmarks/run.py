"""graphgrad's speed side by side with a hand-written NumPy loop and PyTorch (when installed).

    python benchmarks/run.py            # full run (a few minutes), writes benchmarks/results.json
    python benchmarks/run.py --quick    # smoke mode: seconds, tiny blocks (CI)
    /tmp/bench-venv/bin/python benchmarks/run.py   # the same, in a venv that has torch

Workloads W1, W2, W4 (benchmarks/workloads.py) run interleaved: every repetition times one block
of each implementation in turn, so a busy machine slows all of them alike; the table shows
medians over repetitions (wall clock and process CPU time) and graphgrad's ratio to each peer.
Also: `import graphgrad` time, and graph-building and gradient-construction time for deep models.
One BLAS thread everywhere (set before NumPy loads), as the issue's anchors were measured.
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
import workloads  # noqa: E402


def _peers():
    try:
        import torch
    except ImportError:
        return {}
    torch.set_num_threads(1)
    return {"torch": torch.__version__}


def _calibrate(step, seconds):
    n, t = 1, 0.0
    while True:
        t0 = time.perf_counter()
        for _ in range(n):
            step()
        t = time.perf_counter() - t0
        if t >= seconds / 4 or n >= 1 << 20:
            return max(1, int(n * seconds / max(t, 1e-9)))
        n *= 4


def time_workloads(reps, seconds, peers, log):
    results = {}
    for name, impls in workloads.WORKLOADS.items():
        steps = {k: make() for k, make in impls.items() if k in ("graphgrad", "numpy") or
                 k in peers}
        for step in steps.values():
            for _ in range(3):
                step()
        counts = {k: _calibrate(s, seconds) for k, s in steps.items()}
        wall = {k: [] for k in steps}
        cpu = {k: [] for k in steps}
        for _ in range(reps):
            for k, step in steps.items():
                n = counts[k]
                c0, t0 = time.process_time(), time.perf_counter()
                for _ in range(n):
                    step()
                t1, c1 = time.perf_counter(), time.process_time()
                wall[k].append(n / (t1 - t0))
                cpu[k].append(n / max(c1 - c0, 1e-9))
        row = {k: {"wall_median": statistics.median(wall[k]),
                   "cpu_median": statistics.median(cpu[k]), "reps": reps, "block": counts[k]}
               for k in steps}
        results[name] = row
        log(name, row)
    return results


def import_time(reps):
    code = ("import time; t = time.perf_counter(); import {m}; "
            "print(time.perf_counter() - t)")
    env = dict(os.environ, PYTHONPATH=ROOT)
    out = {}
    for module in ("numpy", "graphgrad"):
        times = [float(subprocess.run([sys.executable, "-c", code.format(m=module)], env=env,
                                      capture_output=True, text=True, check=True).stdout)
                 for _ in range(reps)]
        out[module] = statistics.median(times)
    return out


def build_times(depths):
    import graphgrad as tf
    rows = []
    for depth in depths:
        t0 = time.perf_counter()
        graph, loss, params = workloads.deep_model(depth)
        t1 = time.perf_counter()
        with graph.as_default():
            tf.gradients(loss, params)
        t2 = time.perf_counter()
        rows.append({"layers": depth, "build_s": t1 - t0, "gradients_s": t2 - t1,
                     "build_us_per_layer": (t1 - t0) / depth * 1e6,
                     "gradients_us_per_layer": (t2 - t1) / depth * 1e6})
    return rows


def ratios(results):
    out = {}
    for name, row in results.items():
        gg = row["graphgrad"]["wall_median"]
        out[name] = {f"graphgrad/{k}": gg / v["wall_median"] for k, v in row.items()
                     if k != "graphgrad"}
    return out


def table(report):
    lines = ["| workload | " + " | ".join(report["implementations"]) + " | ratios (wall) |",
             "|---|" + "---|" * (len(report["implementations"]) + 1)]
    for name, row in report["workloads"].items():
        cells = []
        for k in report["implementations"]:
            v = row.get(k)
            cells.append("-" if v is None else
                         f"{v['wall_median']:,.0f} (cpu {v['cpu_median']:,.0f})")
        rat = ", ".join(f"{k} {v:.2f}x" for k, v in report["ratios"][name].items())
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {rat} |")
    imp = report["import_s"]
    lines.append(f"\nimport time (median): graphgrad {imp['graphgrad']:.3f} s "
                 f"(numpy alone {imp['numpy']:.3f} s)")
    for r in report["graph_build"]:
        lines.append(f"{r['layers']:>5} layers: build {r['build_s']:.3f} s "
                     f"({r['build_us_per_layer']:.0f} us/layer), gradients "
                     f"{r['gradients_s']:.3f} s ({r['gradients_us_per_layer']:.0f} us/layer)")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smoke mode, a few seconds")
    parser.add_argument("--reps", type=int, default=None)
    parser.add_argument("--seconds", type=float, default=None, help="seconds per block")
    parser.add_argument("--out", default=os.path.join(ROOT, "benchmarks", "results.json"))
    args = parser.parse_args(argv)
    reps = args.reps or (2 if args.quick else 9)
    seconds = args.seconds or (0.02 if args.quick else 0.5)
    peers = _peers()

    def log(name, row):
        print(name, {k: round(v["wall_median"]) for k, v in row.items()}, flush=True)

    results = time_workloads(reps, seconds, peers, log)
    report = {
        "command": " ".join([os.path.basename(sys.executable)] + sys.argv),
        "quick": args.quick, "python": platform.python_version(), "numpy": np.__version__,
        "peers": peers, "machine": {"cpus": os.cpu_count(), "load": os.getloadavg()},
        "implementations": ["graphgrad", "numpy"] + sorted(peers),
        "workloads": results, "ratios": ratios(results),
        "import_s": import_time(1 if args.quick else 7),
        "graph_build": build_times((10, 20) if args.quick else (250, 500, 1000)),
    }
    text = table(report)
    print(text)
    report["table"] = text
    with open(args.out, "w") as f:
        json.dump(report, f, indent=1)
    return report


if __name__ == "__main__":
    main()
