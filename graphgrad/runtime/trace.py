"""Per-op step statistics for `RunOptions(trace_level=FULL_TRACE)`: what fills
`RunMetadata.step_stats` (TF's StepStats, DeviceStepStats, NodeExecStats, as plain records).

The timeline exporter and the text summary that read these live in graphgrad/debug/timeline.py.
"""
import time
from dataclasses import dataclass, field

import numpy as np

from ..errors import site

DEVICE = "/job:localhost/replica:0/task:0/device:CPU:0"


@dataclass
class NodeOutput:
    """One output of a traced op: its slot, dtype name, shape and size in bytes."""
    slot: int
    dtype: str
    shape: tuple
    requested_bytes: int


@dataclass
class NodeExecStats:
    """One kernel call, as TF's NodeExecStats: times in microseconds since the epoch
    (`all_start_micros`) and relative to it (`*_rel_micros`); the `_nanos` forms keep the
    sub-microsecond precision that NumPy kernels need."""
    node_name: str
    op_type: str
    timeline_label: str
    all_start_micros: int
    op_start_rel_micros: int
    op_end_rel_micros: int
    all_end_rel_micros: int
    all_start_nanos: int
    all_end_rel_nanos: int
    inputs: list = field(default_factory=list)
    output: list = field(default_factory=list)
    location: str = "<unknown>"
    thread_id: int = 0
    rewrites: list = field(default_factory=list)  # graphgrad's: the plan rewrites of this step

    @property
    def duration_micros(self):
        return self.all_end_rel_nanos / 1000.0


@dataclass
class DeviceStepStats:
    device: str
    node_stats: list = field(default_factory=list)


@dataclass
class StepStats:
    """`run_metadata.step_stats`: one DeviceStepStats per device (graphgrad has one, the CPU)."""
    dev_stats: list = field(default_factory=list)


def traced_run(plan, feed_arrays):
    """Runs `plan` step by step, timing each kernel; returns (fetched values, StepStats)."""
    records = []
    clock = time.perf_counter_ns

    def run_step(step, args):
        start = clock()
        result = step.call(*args)
        records.append((step, start, clock() - start, result))
        return result

    epoch_ns = time.time_ns() - clock()
    values = plan.run_stepwise(feed_arrays, run_step)
    node_stats = [_node_stats(step, epoch_ns + start, dur, result)
                  for step, start, dur, result in records]
    return values, StepStats(dev_stats=[DeviceStepStats(DEVICE, node_stats)])


def _node_stats(step, start_ns, dur_ns, result):
    op = step.op
    outs = [result] if len(step.outs) == 1 else list(result) if step.outs else []
    inputs = [t.name for t in op.inputs]
    dur_us = dur_ns // 1000
    return NodeExecStats(
        node_name=op.name, op_type=op.type,
        timeline_label=f"{op.name} = {op.type}({', '.join(inputs)})",
        all_start_micros=start_ns // 1000, op_start_rel_micros=0, op_end_rel_micros=dur_us,
        all_end_rel_micros=dur_us, all_start_nanos=start_ns, all_end_rel_nanos=dur_ns,
        inputs=inputs, output=[_output(i, v) for i, v in enumerate(outs)], location=site(op),
        rewrites=list(step.tags))


def _output(slot, value):
    arr = value if hasattr(value, "dtype") and hasattr(value, "nbytes") else np.asarray(value)
    return NodeOutput(slot, arr.dtype.name, tuple(arr.shape), int(arr.nbytes))
