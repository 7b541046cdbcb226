"""Tracing of cond branches and loop bodies into the same graph (functional control flow).

A branch's ops live in the graph but nothing outside consumes them: the If/While op that owns
the branch runs them as a sub-plan, fed with the outer tensors they capture (its inputs).
The kernels reach the session through `bind`; this module never touches arrays.
"""
import contextlib
import weakref

from ..graph.tensor import Tensor

# op -> the If/While op whose branch holds it (set once that op is built).
_OWNER = weakref.WeakKeyDictionary()
# ops already claimed by an inner trace, so an outer trace leaves them alone.
_CLAIMED = weakref.WeakSet()
# While ops whose gradient body is being traced: their body tensors are fed per step.
_TRANSPARENT = []
# op type -> f(op, tensor) giving an output of `op` that carries its branch tensor `tensor`.
EXPORTERS = {}


class Branch:
    """One traced function: its ops, the tensors fed per call (loop variables), its outputs
    (tensors or ops), the (inner, outer) captures, and the intermediates exported to gradients.
    """

    def __init__(self, ops, inputs, outputs):
        self.ops = ops
        self.inputs = list(inputs)
        self.outputs = list(outputs)
        self.captures = []
        self.exports = []

    def export_index(self, tensor):
        """Position of `tensor` among the values the branch hands out beyond its outputs."""
        for i, t in enumerate(self.exports):
            if t is tensor:
                return i
        self.exports.append(tensor)
        return len(self.exports) - 1


def trace(graph, fn):
    """Runs `fn()` (which builds the branch) collecting the ops it creates; (result, ops)."""
    start = len(graph._ops)
    with graph.as_default(), graph.control_dependencies(None):
        result = fn()
    ops = {op for op in graph._ops[start:] if op not in _CLAIMED}
    _CLAIMED.update(ops)
    return result, ops


@contextlib.contextmanager
def feeding_body_of(op):
    """While tracing `op`'s gradient body, its body tensors stay as they are (no export)."""
    _TRANSPARENT.append(op)
    try:
        yield
    finally:
        _TRANSPARENT.pop()


def needed_inputs(op):
    refs = op.opdef.ref_inputs
    return [t for i, t in enumerate(op.inputs) if i not in refs]


def resolve(tensor):
    """The outer tensor that carries `tensor`: an intermediate of an already built If/While
    branch is handed out by that op (recursively, for nested constructs)."""
    while tensor.op in _OWNER:
        owner = _OWNER[tensor.op]
        if any(owner is t for t in _TRANSPARENT):
            return tensor
        tensor = EXPORTERS[owner.type](owner, tensor)
    return tensor


def find_captures(branch, local=None):
    """Fills `branch.captures` with the outer tensors its outputs need; returns the outer ops
    its ops had control dependencies on (moved to the owning op, so sub-plans never run them).
    `local(t)` may claim a tensor first (loop gradients feed forward intermediates per step)."""
    seen = set()
    stack = [o.op if isinstance(o, Tensor) else o for o in branch.outputs if o is not None]
    stack = [op for op in stack if op in branch.ops]
    control = []
    inner = {}
    for t in branch.outputs:
        if isinstance(t, Tensor) and t.op not in branch.ops:
            inner.setdefault(t, None)
    while stack:
        op = stack.pop()
        if op in seen:
            continue
        seen.add(op)
        for t in needed_inputs(op):
            if t.op in branch.ops:
                stack.append(t.op)
            else:
                inner.setdefault(t, None)
        for c in op.control_inputs:
            if c in branch.ops:
                stack.append(c)
            else:
                op._control_inputs.remove(c)
                control.append(c)
    for t in sorted(inner, key=lambda x: (x.op._id, x.value_index)):
        if local is not None and local(t):
            continue
        branch.captures.append((t, resolve(t)))
    return control


def outer_captures(branches):
    """The outer tensors `branches` capture, each once, in first-seen order (the owning op's
    extra inputs)."""
    caps = []
    for branch in branches:
        for _, outer in branch.captures:
            if not any(outer is c for c in caps):
                caps.append(outer)
    return caps


def own(op, branches):
    for b in branches:
        for o in b.ops:
            _OWNER[o] = op


def is_variable_read(t):
    """True for a variable's buffer or its `read` Identity: sub-plans re-read the variable
    themselves, so an assign earlier in the branch is seen (TF's ref semantics)."""
    op = t.op
    if op.type == "Identity":
        op = op.inputs[0].op
    return op.type == "VariableV2"


def runner(state, branch, input_index, extra_feeds=()):
    """`run(op_arrays, per_call_values) -> fetched values` for `branch` in this session.

    per-call values feed `branch.inputs` then `extra_feeds`; captures come from the owning op's
    input arrays at `input_index[outer tensor]`.
    """
    feeds = list(branch.inputs) + list(extra_feeds)
    picks = []
    for inner, outer in branch.captures:
        if not is_variable_read(inner):
            feeds.append(inner)
            picks.append(input_index[outer])
    fetches = [o for o in branch.outputs if o is not None] + list(branch.exports)
    run = state.compile(fetches, feeds)

    def call(op_arrays, values):
        return run(list(values) + [op_arrays[i] for i in picks])
    return call


def input_index(op, start=0):
    """Outer tensor -> its position among `op.inputs` (from `start`)."""
    index = {}
    for i, t in enumerate(op.inputs):
        if i >= start:
            index.setdefault(t, i)
    return index


# --- nested structures (TF's nest, for lists, tuples, namedtuples and dicts) ---
def is_sequence(x):
    return isinstance(x, (list, tuple, dict))


def flatten(structure):
    if isinstance(structure, dict):
        return [leaf for k in sorted(structure) for leaf in flatten(structure[k])]
    if isinstance(structure, (list, tuple)):
        return [leaf for item in structure for leaf in flatten(item)]
    return [structure]


def pack_sequence_as(structure, flat):
    leaves = iter(flat)

    def pack(s):
        if isinstance(s, dict):
            return type(s)((k, pack(s[k])) for k in sorted(s))
        if isinstance(s, (list, tuple)):
            items = [pack(x) for x in s]
            return type(s)(*items) if hasattr(s, "_fields") else type(s)(items)
        return next(leaves)
    return pack(structure)


def same_structure(a, b):
    """True when `a` and `b` nest alike (lists and tuples count as the same kind)."""
    if isinstance(a, dict) or isinstance(b, dict):
        return (isinstance(a, dict) and isinstance(b, dict) and sorted(a) == sorted(b)
                and all(same_structure(a[k], b[k]) for k in a))
    seq_a, seq_b = isinstance(a, (list, tuple)), isinstance(b, (list, tuple))
    if seq_a != seq_b:
        return False
    if not seq_a:
        return True
    return len(a) == len(b) and all(same_structure(x, y) for x, y in zip(a, b))
