"""graphgrad's speed side by side with a hand-written NumPy loop, TensorFlow 1.x (compat.v1
Session), PyTorch (eager) and JAX (jit), the peers when importable.

    python benchmarks/run.py            # full run (minutes), writes benchmarks/results.json
    python benchmarks/run.py --quick    # smoke mode: seconds, tiny blocks (CI)
    /tmp/bench-venv/bin/python benchmarks/run.py   # the same, in a venv with the peers

Workloads W1-W4 (benchmarks/workloads.py) run interleaved: every repetition times one block of
each implementation in turn, so a busy machine slows all of them alike; then (unless --no-busy)
the same blocks again while a spinning process saturates one core, to give each implementation's
busy/quiet speed ratio; and (benchmarks/busy.py) the same busy/quiet ratio for each
implementation alone in a fresh process at its library's default thread settings. The tables show
medians over repetitions (wall clock; process CPU time in the JSON) and graphgrad's ratio to each
peer. Also: import time per library (fresh interpreter each, median), peak extra memory of one
step (graphgrad's plan via graphgrad.debug.peak_memory, and the NumPy loop's), and
graph-building and gradient-construction time for deep models. The main tables use one thread
for everyone (env set before NumPy loads; TF ConfigProto pools of 1; torch.set_num_threads(1);
XLA_FLAGS for JAX), as the issue's anchors were measured, and the timing process is confined
to one CPU (--no-pin to lift that) so that no runtime's helper threads use the second core.
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

USER_ENV = dict(os.environ)
ONE_THREAD = {"BENCH_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
              "MKL_NUM_THREADS": "1",
              "TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1",
              "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1",
              "JAX_PLATFORMS": "cpu", "TF_CPP_MIN_LOG_LEVEL": "2"}
for _var, _value in ONE_THREAD.items():
    os.environ.setdefault(_var, _value)
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "benchmarks"))

import busy  # noqa: E402
import numpy as np  # noqa: E402
import report  # noqa: E402
import timing  # noqa: E402
import workloads  # noqa: E402

IMPORTS = {"numpy": "numpy", "graphgrad": "graphgrad", "tf": "tensorflow.compat.v1",
           "torch": "torch", "jax": "jax, jax.numpy"}


def peers():
    """{peer: version} of the peers importable here."""
    found = {}
    for name, module in (("tf", "tensorflow"), ("torch", "torch"), ("jax", "jax")):
        try:
            found[name] = __import__(module).__version__
        except ImportError:
            continue
    return found


def compiled_kernels():
    """numba's version when graphgrad's compiled kernels are in use here, else None."""
    from graphgrad.kernels import compiled
    return compiled._numba().__version__ if compiled.available() else None


def time_all(impls, reps, seconds, warmup, with_busy, pin):
    """{workload: {impl: medians}} of every workload, one thread each, quiet (and busy).

    With `pin`, this process (so every library's threads) is confined to one CPU while it
    times: one core each, whatever helper threads a runtime starts (JAX's XLA runtime uses a
    second core despite its one-thread flags). The spinner, started before, may use any CPU."""
    results = {}
    spinner = timing.Spinner(with_busy)
    cpus = os.sched_getaffinity(0) if pin and hasattr(os, "sched_setaffinity") else None
    if cpus:
        _pin_threads({min(cpus)})
    try:
        for name, factories in workloads.WORKLOADS.items():
            row = timing.time_workload({k: factories[k] for k in impls}, reps, seconds, spinner,
                                       warmup)
            print(name, {k: round(v["wall_median"], 1) for k, v in row.items()}, flush=True)
            results[name] = row
    finally:
        spinner.close()
        if cpus:
            _pin_threads(cpus)
    return results


def _pin_threads(cpus):
    """Every thread of this process onto `cpus`: the peers started their thread pools when
    they were imported, and a thread keeps its own CPU mask (new ones inherit their creator's)."""
    for tid in os.listdir("/proc/self/task"):
        try:
            os.sched_setaffinity(int(tid), cpus)
        except OSError:  # the thread has ended
            pass


def import_time(reps, libraries):
    """Median seconds of `import <library>` in fresh interpreters, as users get it: from the
    bytecode caches, which one unmeasured import per library writes first."""
    code = "import time; t = time.perf_counter(); import {m}; print(time.perf_counter() - t)"
    env = dict(os.environ, PYTHONPATH=ROOT)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # set, it would time compiling from source

    def timed(lib):
        return float(subprocess.run([sys.executable, "-c", code.format(m=IMPORTS[lib])],
                                    env=env, capture_output=True, text=True,
                                    check=True).stdout.split()[-1])
    out = {}
    for lib in libraries:
        timed(lib)
        out[lib] = statistics.median(timed(lib) for _ in range(reps))
    return out


def peak_memory(names):
    """Peak extra bytes of one steady-state step: graphgrad's plan, and the NumPy loop's."""
    import hand_numpy

    import graphgrad as tf
    from graphgrad.debug.memory import traced_peak
    out = {}
    for name in names:
        sess, fetch, feed = workloads.SESSIONS[name]()
        mem = tf.debug.peak_memory(sess, fetch, feed)
        step = getattr(hand_numpy, "w" + name[1])()
        step()
        out[name] = {"graphgrad": mem.peak_bytes, "graphgrad_retained": mem.retained_bytes,
                     "numpy": traced_peak(step)[1].peak_bytes}
    return out


def build_times(depths, reps=3):
    """Seconds to build a `depth`-layer model and its gradients (medians of `reps`, after a
    small warm-up build, so first-use costs such as lazy imports are not charged to a depth)."""
    import graphgrad as tf

    def once(depth):
        t0 = time.perf_counter()
        graph, loss, params = workloads.deep_model(depth)
        t1 = time.perf_counter()
        with graph.as_default():
            tf.gradients(loss, params)
        return t1 - t0, time.perf_counter() - t1

    once(5)
    rows = []
    for depth in depths:
        times = [once(depth) for _ in range(reps)]
        build = statistics.median(t[0] for t in times)
        grads = statistics.median(t[1] for t in times)
        rows.append({"layers": depth, "build_s": build, "gradients_s": grads,
                     "build_us_per_layer": build / depth * 1e6,
                     "gradients_us_per_layer": grads / depth * 1e6})
    return rows


def build_times_fresh(depths, reps):
    """build_times in a fresh interpreter with graphgrad alone: in this process the peers'
    millions of objects make each full garbage collection cost a big share of a build."""
    code = (f"import json, sys; sys.path[:0] = [{ROOT!r}, {os.path.join(ROOT, 'benchmarks')!r}]; "
            f"import run; print(json.dumps(run.build_times({tuple(depths)!r}, {reps})))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    return json.loads(out.splitlines()[-1])


def main(argv=None):
    workloads.steady_state()
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smoke mode, a few seconds")
    parser.add_argument("--reps", type=int, default=None)
    parser.add_argument("--seconds", type=float, default=None, help="seconds per block")
    parser.add_argument("--no-busy", action="store_true",
                        help="skip the busy-machine blocks (a process spinning on one core), "
                        "both in one-thread mode and with default threads (benchmarks/busy.py)")
    parser.add_argument("--only", default=None, help="comma-separated implementations to run")
    parser.add_argument("--no-pin", action="store_true",
                        help="do not confine the one-thread timings to one CPU")
    parser.add_argument("--out", default=os.path.join(ROOT, "benchmarks", "results.json"))
    args = parser.parse_args(argv)
    reps = args.reps or (2 if args.quick else 9)
    seconds = args.seconds or (0.02 if args.quick else 0.5)
    found = peers()
    compiled = compiled_kernels()
    impls = (["graphgrad"] + (["graphgrad_numpy"] if compiled else []) + ["numpy"]
             + [p for p in workloads.PEERS if p in found])
    if args.only:
        impls = [k for k in impls if k in args.only.split(",")]
    warmup = 0 if args.quick else 3
    load_before = os.getloadavg()
    results = time_all(impls, reps, seconds, warmup, with_busy=not args.no_busy,
                       pin=not args.no_pin)
    default_busy = {}
    if not args.no_busy:
        default_busy = busy.run_children(impls, reps, seconds, warmup, USER_ENV,
                                         "W1,W4" if args.quick else "W1,W2,W3,W4")
        print("busy/quiet at default threads", {n: {k: round(v["busy_ratio"], 2)
                                                    for k, v in r.items()}
                                                for n, r in default_busy.items()}, flush=True)
    out = {
        "command": " ".join([os.path.basename(sys.executable)] + sys.argv),
        "quick": args.quick, "python": platform.python_version(), "numpy": np.__version__,
        "peers": found, "compiled_kernels": compiled, "threads": ONE_THREAD,
        "busy": not args.no_busy, "one_cpu": not args.no_pin,
        "machine": {"cpus": os.cpu_count(), "load_before": load_before,
                    "load_after": os.getloadavg()},
        "implementations": impls, "workloads": results, "ratios": report.ratios(results),
        "busy_ratios": {} if args.no_busy else report.ratios(results, "busy_wall_median"),
        "busy_default_threads": default_busy,
        "import_s": import_time(1 if args.quick else 5, [k for k in IMPORTS
                                                         if k in impls or k == "numpy"]),
        "peak_memory_bytes": peak_memory([workloads.W1, workloads.W2, workloads.W3]),
        "graph_build": build_times_fresh((10, 20) if args.quick else (250, 500, 1000),
                                         1 if args.quick else 3),
    }
    text = report.table(out)
    print(text)
    out["table"] = text
    with open(args.out, "w") as f:
        json.dump(out, f, indent=1)
    return out


if __name__ == "__main__":
    main()
