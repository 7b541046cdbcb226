"""Known behavioural differences from TF 1.x that `python -m graphgrad.check` reports on use.

Each entry is keyed by the canonical TF name (without the `tf.` root). An entry with a `when`
predicate fires only for calls whose arguments match it. Differences written in docstrings
("Differs from TF: ...") are reported too; this table holds the ones no docstring can carry.
"""
import ast
from dataclasses import dataclass
from typing import Callable, Optional


def _call_arg(call, index, keyword):
    """The AST node of argument `keyword` (or positional `index`) of `call`, or None."""
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    if index is not None and len(call.args) > index:
        return call.args[index]
    return None


def _remote_target(call):
    node = _call_arg(call, 0, "target")
    if node is None:
        return False
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value != ""
    return True  # a computed target: most likely a cluster address


def _gpu_options(call):
    return any(kw.arg == "gpu_options" for kw in call.keywords)


@dataclass(frozen=True)
class Difference:
    name: str
    message: str
    when: Optional[Callable] = None


DIFFERENCES = [
    Difference("Session", "a non-empty `target` (e.g. 'grpc://host:port') is ignored: graphgrad "
               "runs every graph in this process; for data-parallel training over machines use "
               "graphgrad.distributed (Horovod-style, MPI)", _remote_target),
    Difference("InteractiveSession", "a non-empty `target` is ignored: graphgrad runs in this "
               "process", _remote_target),
    Difference("ConfigProto", "gpu_options (allow_growth, per_process_gpu_memory_fraction, "
               "visible_device_list) are accepted and have no effect: CuPy's memory pool "
               "allocates GPU memory as it is needed", _gpu_options),
    Difference("device", "ops placed on a GPU run through CuPy (pip install "
               "'graphgrad[gpu]'); where that GPU is missing they run on the CPU with one "
               "warning per session, where TF raises unless allow_soft_placement is set"),
    Difference("py_func", "your function runs in the session's thread with NumPy arrays, as in "
               "TF1; it has no gradient unless you pass `grad=` or register one with "
               "gradient_override_map({'PyFunc': ...})"),
    Difference("train.Saver", "writes graphgrad's own `<prefix>.tensors` checkpoints, which "
               "TensorFlow cannot read: weights move between the two as NumPy arrays "
               "(tf.train.load_variable, Variable.load), see docs/from_tf1.md"),
    Difference("train.import_meta_graph", "reads TensorFlow's MetaGraphDefs (binary or text; "
               "needs the protobuf package), but drops their save/restore subgraph (the Saver "
               "it returns works outside the graph), imports no function libraries, and raises "
               "ValueError naming the first node whose op graphgrad does not have"),
    Difference("gather", "its gradient is a dense tensor where TF gives IndexedSlices: "
               "memory grows with the full params shape for big embedding tables"),
]

BY_NAME = {d.name: d for d in DIFFERENCES}
