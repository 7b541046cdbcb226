"""Reading traced runs: a Chrome trace / Perfetto JSON exporter (TF1's
`tensorflow.python.client.timeline.Timeline`) and a text summary of the slowest ops.

The step statistics themselves are recorded by runtime/trace.py.
"""
import json


class Timeline:
    """A timeline of one traced run (TF1 `timeline.Timeline(step_stats, graph=None)`).

    Write `generate_chrome_trace_format()` to a .json file and open it in chrome://tracing or
    https://ui.perfetto.dev.
    """

    def __init__(self, step_stats, graph=None):
        self._step_stats = step_stats
        self._graph = graph

    def generate_chrome_trace_format(self, show_dataflow=True, show_memory=False):
        """The trace as a JSON string: one complete ("X") event per op, on one row per device,
        with arrows from each tensor's producer to its consumers when `show_dataflow`; with
        `show_memory`, a counter track of the bytes each op's outputs take.

        Differs from TF: no allocator tracks; `show_memory` plots output bytes per op.
        """
        events = []
        stats = _all_node_stats(self._step_stats)
        base = min((ns.all_start_nanos for _, ns in stats), default=0)
        devices = []
        for dev, _ in stats:
            if dev not in devices:
                devices.append(dev)
        for pid, dev in enumerate(devices):
            events.append({"name": "process_name", "ph": "M", "pid": pid,
                           "args": {"name": f"{dev} Compute"}})
        produced = {}
        for dev, ns in stats:
            pid = devices.index(dev)
            ts = (ns.all_start_nanos - base) / 1000.0
            dur = ns.all_end_rel_nanos / 1000.0
            args = {"name": ns.node_name, "op": ns.op_type, "location": ns.location}
            for i, name in enumerate(ns.inputs):
                args[f"input{i}"] = name
            for out in ns.output:
                args[f"output{out.slot}"] = f"{out.dtype}{list(out.shape)} {out.requested_bytes}B"
            events.append({"name": ns.op_type, "cat": "Op", "ph": "X", "pid": pid,
                           "tid": ns.thread_id, "ts": ts, "dur": dur, "args": args})
            if show_dataflow:
                _flows(events, produced, ns, pid, ts, dur)
            if show_memory:
                events.append({"name": "Output bytes", "ph": "C", "pid": pid, "ts": ts,
                               "args": {"bytes": sum(o.requested_bytes for o in ns.output)}})
        return json.dumps({"traceEvents": events, "displayTimeUnit": "ns"})


def _flows(events, produced, ns, pid, ts, dur):
    """Flow arrows: an "s" event when a tensor is produced, a "t" event where it is used."""
    for name in ns.inputs:
        start = produced.get(name)
        if start is not None:
            flow_id = len(events)
            events.append(dict(start, id=flow_id))
            events.append({"name": name, "cat": "DataFlow", "ph": "t", "pid": pid,
                           "tid": ns.thread_id, "ts": ts, "id": flow_id, "bp": "e"})
    for out in ns.output:
        produced[f"{ns.node_name}:{out.slot}"] = {
            "name": f"{ns.node_name}:{out.slot}", "cat": "DataFlow", "ph": "s", "pid": pid,
            "tid": ns.thread_id, "ts": ts + dur}


def _all_node_stats(step_stats):
    step_stats = getattr(step_stats, "step_stats", step_stats)  # a RunMetadata is fine too
    if step_stats is None:
        raise ValueError("No step stats: run with options=tf.RunOptions(trace_level="
                         "tf.RunOptions.FULL_TRACE) and run_metadata=tf.RunMetadata().")
    return [(dev.device, ns) for dev in step_stats.dev_stats for ns in dev.node_stats]


def profile_summary(run_metadata, top=10):
    """Text table of the `top` ops that took the most time in a traced run, then the time per
    op type. `run_metadata` is a RunMetadata filled by a FULL_TRACE run (or its step_stats)."""
    stats = [ns for _, ns in _all_node_stats(run_metadata)]
    total = sum(ns.all_end_rel_nanos for ns in stats) or 1
    lines = [f"{len(stats)} ops ran in {total / 1e6:.3f} ms of kernel time. "
             f"Top {min(top, len(stats))} by time:",
             f"  {'ms':>9} {'%':>6}  {'op':<40} {'type':<22} output  (created at)"]
    for ns in sorted(stats, key=lambda n: -n.all_end_rel_nanos)[:top]:
        out = ", ".join(f"{o.dtype}{list(o.shape)}" for o in ns.output) or "-"
        nanos = ns.all_end_rel_nanos
        lines.append(f"  {nanos / 1e6:9.3f} {100 * nanos / total:5.1f}%"
                     f"  {ns.node_name:<40} {ns.op_type:<22} {out}  ({ns.location})")
    by_type = {}
    for ns in stats:
        count, nanos = by_type.get(ns.op_type, (0, 0))
        by_type[ns.op_type] = (count + 1, nanos + ns.all_end_rel_nanos)
    lines.append("By op type:")
    for op_type, (count, nanos) in sorted(by_type.items(), key=lambda kv: -kv[1][1])[:top]:
        lines.append(f"  {nanos / 1e6:9.3f} {100 * nanos / total:5.1f}%  {op_type:<22} x{count}")
    return "\n".join(lines)
