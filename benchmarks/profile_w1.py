"""Where a W1 step (softmax regression 784->10, batch 100, SGD) spends its time: each compiled
step's kernel timed alone, against the whole `sess.run`; the rest is engine overhead.

    OPENBLAS_NUM_THREADS=1 python benchmarks/profile_w1.py [--steps N] [--no-rewrites]
Microseconds of process CPU time per training step (preemption on a busy machine is not
counted), each the best block of 200 steps: the whole `sess.run`, and the same `sess.run` with
every kernel swapped for a stub returning its recorded output (= the engine's own cost: Session
fast path, feed checks, generated plan, memo checks, fetch handling). Kernel list: medians of
single-kernel replays (noisier; for ranking).
"""
import argparse
import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402
import workloads  # noqa: E402

from graphgrad.runtime import rewrite  # noqa: E402
from graphgrad.runtime.codegen import generate  # noqa: E402

clock = time.process_time


def best_block(run, blocks):
    times = []
    for _ in range(blocks):
        t0 = clock()
        for _ in range(200):
            run()
        times.append((clock() - t0) / 200 * 1e6)
    return min(times)


def stubbed(plan, feeds):
    """The plan's generated function with each kernel replaced by its recorded output."""
    values = dict(plan.template)
    values.update(zip(plan.feed_slots, feeds))
    stubs = []
    with np.errstate(all="ignore"):
        for st in plan.steps:
            out = st.call(*[values[s] if isinstance(s, int) else s[1]() for s in st.ins])
            outs = [out] if len(st.outs) == 1 else list(out or ())
            values.update(zip(st.outs, outs))
            stubs.append(rewrite.Step(st.op, lambda *a, _r=out: _r, st.ins, st.outs))
    return generate(stubs, plan.template, plan.feed_slots, plan.fetch_slots)[0]


def kernel_times(plan, feeds, repeats):
    """Per-step kernel CPU time (us), replaying the plan's steps one by one outside the engine."""
    values = dict(plan.template)
    values.update(zip(plan.feed_slots, feeds))
    times = [[] for _ in plan.steps]
    timer_cost = min(-clock() + clock() for _ in range(1000))
    with np.errstate(all="ignore"):
        for _ in range(repeats):
            for i, st in enumerate(plan.steps):
                args = [values[s] if isinstance(s, int) else s[1]() for s in st.ins]
                t0 = clock()
                out = st.call(*args)
                times[i].append(clock() - t0 - timer_cost)
                outs = [out] if len(st.outs) == 1 else list(out or ())
                values.update(zip(st.outs, outs))
    return [float(np.median(t)) * 1e6 for t in times]


def main(argv=None):
    workloads.steady_state()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--no-rewrites", action="store_true")
    args = parser.parse_args(argv)
    rewrites = {k: False for k in rewrite.ENABLED} if args.no_rewrites else None
    sess, train, feed = workloads.w1_session(rewrites)
    for _ in range(100):
        sess.run(train, feed)
    blocks = max(1, args.steps // 200)
    total = best_block(lambda: sess.run(train, feed), blocks)
    plan = next(p for p in sess._plans.values() if train in p.fetches)
    feeds = [feed[t] for t in plan.feeds]
    real_fn, plan._fn = plan._fn, stubbed(plan, feeds)
    engine = best_block(lambda: sess.run(train, feed), blocks)
    plan._fn = real_fn
    per_step = kernel_times(plan, feeds, max(5, args.steps // 4))
    memo = sum(1 for s in plan.steps if s.memo)
    print(f"W1 step: {total:.1f} us CPU total; engine overhead {engine:.1f} us "
          f"({engine / total:.0%}), kernels {total - engine:.1f} us; {len(plan.order)} ops in the "
          f"pruned graph, {len(plan.steps)} steps after rewrites ({memo} memoized shape steps)")
    ranked = sorted(zip(per_step, plan.steps), key=lambda p: -p[0])
    for t, st in ranked[:12]:
        print(f"  {t:7.1f} us  {st.op.type:<22} {st.op.name}{' [memo]' if st.memo else ''}")
    return {"total_us": total, "engine_us": engine}


if __name__ == "__main__":
    main()
