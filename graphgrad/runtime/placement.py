"""Which device each op runs on: `tf.device` requests, TF's default rule, CPU-only ops, soft
placement with one warning per session, and the `log_device_placement` lines.

The rule (decided once per plan compile, never per run):
- an op with `tf.device('/gpu:N')` (any spelling TF accepts: '/GPU:N', '/device:GPU:N',
  '/job:localhost/replica:0/task:0/device:GPU:N', or a device function returning one) runs on
  GPU N when that GPU exists; '/cpu:0' runs on the CPU;
- an op with no device type runs, as in TF, on GPU 0 when a GPU exists, else on the CPU;
- ops that change a variable, or read it, run where the variable lives (TF colocates them);
- host-only ops (per-session host resources: random streams, queues, iterators, Python
  functions, summary writers, sub-plans; string tensors) always run on the CPU;
- a GPU that does not exist (no CuPy, no CUDA device, index out of range, or hidden by
  `ConfigProto(device_count={'GPU': 0})`) means the CPU, with one warning per session.

Differs from TF: TF raises InvalidArgumentError for a missing device unless
`allow_soft_placement=True`; graphgrad always places softly (a script written for a GPU runs
on a laptop) and, when `allow_soft_placement` is False, says in the warning that TF would fail.
Random ops draw on the host from their seeded NumPy streams, so a seeded program gives the same
numbers on the CPU and on a GPU; their values cross to the GPU at the boundary.
"""
import inspect
import re
import sys
import warnings

from . import backend
from .backend import CPU, Device

# Kernel arguments read as Python values (shapes, axes, sizes): TF's HostMemory inputs. A GPU
# kernel gets them as host arrays; every other input arrives in device memory.
HOST_ARGS = frozenset(("s", "s0", "s1", "shape", "dims", "multiples", "paddings", "filter_sizes",
                       "input_sizes", "orig_input_shape", "begin", "end", "strides", "size",
                       "size_splits", "k", "depth", "num", "num_samples", "axis", "perm"))
# Ops that read only their inputs' shapes: they run the host kernel on device arrays, no copy.
METADATA_OPS = frozenset(("Shape", "ShapeN", "Size", "Rank"))
# Host-only ops that bind no session resource (those that do are found by their `bind`).
CPU_ONLY = frozenset(("Assert", "Print", "PrintV2", "CheckNumerics", "Unique", "DynamicStitch",
                      "ReverseSequence", "Where"))
_VARIABLE_OPS = frozenset(("VariableV2",))
_HOST_INT = ("int32", "int64")
_SPEC = re.compile(r"(?:^|/)(?:device:)?(cpu|gpu|CPU|GPU|XLA_CPU|XLA_GPU):(\d+|\*)")


class DevicePlacementWarning(UserWarning):
    """Ops asked for a device this machine does not have and run on the CPU instead."""


def parse(spec):
    """('CPU'|'GPU'|None, index) from a TF device string ('' and '/job:ps': (None, 0))."""
    if spec is None:
        return None, 0
    if not isinstance(spec, str):
        spec = spec.to_string() if hasattr(spec, "to_string") else str(spec)
    m = _SPEC.search(spec)
    if m is None:
        return None, 0
    kind = "GPU" if "GPU" in m.group(1).upper() else "CPU"
    return kind, 0 if m.group(2) == "*" else int(m.group(2))


def requested(op):
    """The device string the user asked for (a device function is called with the op)."""
    spec = op.device
    if callable(spec):
        spec = spec(op)
    return spec or ""


def host_only(op):
    """Ops that have no GPU kernel here: they run on the CPU wherever they are placed."""
    d = op.opdef
    if op.type in CPU_ONLY or d.kernel is None and op.type not in ("Const", "NoOp",
                                                                    "Placeholder"):
        return True
    if d.bind is not None and not d.ref_inputs and op.type not in _VARIABLE_OPS:
        return True
    return any(t.dtype.name in ("string", "variant", "resource")
               for t in tuple(op.inputs) + tuple(op.outputs))


_PARAMS = {}


def host_inputs(op):
    """Positions of the op's value inputs that a GPU kernel reads on the host (HOST_ARGS)."""
    from .plan import value_inputs
    n = len(value_inputs(op))
    kernel = op.opdef.kernel
    names = _PARAMS.get(kernel)
    if names is None:
        try:
            params = list(inspect.signature(kernel).parameters.values())[1:]
        except (TypeError, ValueError):
            params = []
        names = []
        for p in params:
            if p.kind == p.VAR_POSITIONAL:
                break
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
                names.append(p.name)
        _PARAMS[kernel] = names = tuple(names)
    return frozenset(i for i, name in enumerate(names[:n]) if name in HOST_ARGS)


class Placer:
    """A session's placement policy: GPU count, soft placement, logging and its one warning."""

    def __init__(self, config=None, graph=None):
        self.graph = graph
        hidden = getattr(config, "device_count", None) or {}
        count = backend.gpu_count()
        if "GPU" in hidden:
            count = min(count, int(hidden["GPU"]))
        self.gpus = count
        self.log = bool(getattr(config, "log_device_placement", False))
        self.soft = bool(getattr(config, "allow_soft_placement", False))
        self.warned = False
        self._devices = {}

    def device(self, op):
        """The op's device (cached: every plan of the session agrees on it)."""
        dev = self._devices.get(op)
        if dev is None:
            dev = self._devices[op] = self._decide(op)
        return dev

    def _decide(self, op):
        var = _colocated_variable(op)
        if var is not None and var is not op:
            return self.device(var)
        kind, index = parse(requested(op))
        if kind == "CPU" or host_only(op):
            return CPU
        if kind is None:
            return Device("GPU", 0) if self.gpus else CPU
        return Device("GPU", index) if index < self.gpus else CPU

    def missing(self, op):
        """The GPU string `op` asked for when that GPU does not exist here, else None."""
        spec = requested(op)
        kind, index = parse(spec)
        if kind != "GPU" or index < self.gpus or host_only(op):
            return None
        return spec

    def place(self, ops):
        """{op: Device} for a plan's ops; warns (once per session) about missing GPUs."""
        placed = {op: self.device(op) for op in ops}
        if not self.warned:
            lost = [(op, spec) for op in ops for spec in [self.missing(op)] if spec]
            if lost:
                self.warned = True
                warnings.warn(self._message(lost), DevicePlacementWarning, stacklevel=4)
        return placed

    def _message(self, lost):
        specs = sorted({spec for _, spec in lost})
        names = ", ".join(f"'{op.name}' ({op.type})" for op, _ in lost[:8])
        more = f" and {len(lost) - 8} more" if len(lost) > 8 else ""
        have = (f"{self.gpus} GPU(s)" if self.gpus else
                "no GPU (install CuPy with `pip install graphgrad[gpu]` on a CUDA machine)")
        strict = (" TF would raise InvalidArgumentError here since allow_soft_placement is "
                  "False; graphgrad places softly." if not self.soft else "")
        return (f"Device {', '.join(repr(s) for s in specs)} is not available (this machine has "
                f"{have}): {len(lost)} op(s) run on {CPU.name} instead: {names}{more}.{strict}")

    def log_lines(self, ops, ran_on):
        """TF's log_device_placement lines, to stderr: `name: (Type): /job:.../device:X:N`
        (the device each kernel runs on; constants and feeds show their placement)."""
        if not self.log:
            return
        lines = [f"{op.name}: ({op.type}): {(ran_on.get(op) or self.device(op)).name}"
                 for op in ops]
        if lines:
            print("\n".join(lines), file=sys.stderr)


def _colocated_variable(op):
    """The VariableV2 op that `op` writes, checks or reads directly (TF colocates them)."""
    if op.type in _VARIABLE_OPS:
        return op
    refs = op.opdef.ref_inputs
    if refs:
        return op.inputs[refs[0]].op if op.inputs[refs[0]].op.type in _VARIABLE_OPS else None
    if op.type == "Identity" and op.inputs and op.inputs[0].op.type in _VARIABLE_OPS:
        return op.inputs[0].op
    return None


def host_int(op, input_devices):
    """An integer-valued op whose inputs all live on the host runs there (TF keeps int32
    tensors in host memory on GPUs): shape arithmetic never round-trips through the device."""
    if op.opdef.stateful or op.opdef.bind is not None or any(d.is_gpu for d in input_devices):
        return False
    return bool(op.outputs) and all(t.dtype.name in _HOST_INT for t in op.outputs)
