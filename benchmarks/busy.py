"""The busy-machine check at each library's *default* thread settings (run.py's main tables use
one thread everywhere): every implementation runs alone in a fresh process, since BLAS and OpenMP
pools are per process and graphgrad's one-BLAS-thread default applies process-wide; inside it,
quiet and busy blocks (a process spinning on one core) alternate, giving its busy/quiet ratio.

    python benchmarks/busy.py IMPL [--reps N] [--seconds S] [--only W1,W4]  # one child: JSON
"""
import argparse
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HERE = os.path.join(ROOT, "benchmarks")
THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS",
               "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS", "XLA_FLAGS")


def default_env(base):
    """`base` without any thread setting, marked so the peer modules keep their defaults."""
    env = {k: v for k, v in base.items() if k not in THREAD_VARS}
    env.update(BENCH_THREADS="default", JAX_PLATFORMS="cpu", TF_CPP_MIN_LOG_LEVEL="2",
               PYTHONPATH=os.pathsep.join([ROOT, HERE]))
    return env


def run_children(impls, reps, seconds, warmup, base_env, only="W1,W2,W3,W4"):
    """{workload: {impl: medians with busy_ratio}}, one child process per implementation;
    `only` names the workloads by prefix."""
    out = {}
    for impl in impls:
        proc = subprocess.run([sys.executable, os.path.abspath(__file__), impl, "--reps",
                               str(reps), "--seconds", str(seconds), "--warmup", str(warmup),
                               "--only", only],
                              env=default_env(base_env), capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"busy.py {impl} failed:\n{proc.stderr[-3000:]}")
        for name, entry in json.loads(proc.stdout.splitlines()[-1]).items():
            out.setdefault(name, {})[impl] = entry
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("impl")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=0.3)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--only", default="W1,W2,W3,W4", help="workload prefixes to run")
    args = parser.parse_args(argv)
    sys.path[:0] = [ROOT, HERE]
    import timing
    import workloads
    workloads.steady_state()
    spinner = timing.Spinner(True)
    try:
        rows = {name: timing.time_workload({args.impl: factories[args.impl]}, args.reps,
                                           args.seconds, spinner, args.warmup)[args.impl]
                for name, factories in workloads.WORKLOADS.items()
                if name.split()[0] in args.only.split(",")}
    finally:
        spinner.close()
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
