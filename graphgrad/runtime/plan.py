"""Compiles a (fetches, feeds, targets) signature into a pruned, ordered list of kernel steps."""
import heapq
from functools import partial

import numpy as np

from .. import errors
from ..graph.tensor import Tensor

# Ops with no kernel step: constants are preloaded, feeds written in, NoOps only order things.
_PRELOADED = ("Const",)
_NO_STEP = ("NoOp",)
# Ops whose output is a variable's buffer: as with TF's ref tensors, each consumer reads the value
# when it runs, so a read ordered after an assign (by a control dependency) sees the new value.
_REF_SOURCES = ("VariableV2",)


def _variable_read(t, fed):
    """The VariableV2 op whose buffer `t` aliases (the op itself, or an Identity of it), or None.

    TF1's `Variable/read` aliases the buffer, so `tf.identity(v)` under control_dependencies([v
    .assign(...)]) sees the assigned value; consumers re-read the variable when they run.
    """
    if t in fed:
        return None
    op = t.op
    if op.type == "Identity" and op.inputs[0] not in fed:
        op = op.inputs[0].op
    return op if op.type in _REF_SOURCES else None


def value_inputs(op):
    """The inputs whose values the op's kernel reads (not the variables it only writes)."""
    refs = op.opdef.ref_inputs
    if not refs:
        return op.inputs
    return tuple(t for i, t in enumerate(op.inputs) if i not in refs)


def needed_ops(fetch_tensors, target_ops, fed):
    """The ops the fetches and targets need, stopping at fed tensors."""
    seen = set()
    stack = [t.op for t in fetch_tensors if t not in fed] + list(target_ops)
    while stack:
        op = stack.pop()
        if op in seen:
            continue
        seen.add(op)
        stack.extend(t.op for t in value_inputs(op) if t not in fed and t.op not in seen)
        stack.extend(c for c in op.control_inputs if c not in seen)
    return seen


def schedule(ops):
    """Topological order; ops that write variables wait until nothing else is ready, so a fetched
    loss sees the weights from before the update (creation order breaks ties)."""
    pending = {}
    consumers = {}
    for op in ops:
        deps = {t.op for t in value_inputs(op) if t.op in ops}
        deps |= {c for c in op.control_inputs if c in ops}
        pending[op] = len(deps)
        for d in deps:
            consumers.setdefault(d, []).append(op)
    ready = [(op.opdef.writes, op._id, op) for op, n in pending.items() if n == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        _, _, op = heapq.heappop(ready)
        order.append(op)
        for c in consumers.get(op, ()):
            pending[c] -= 1
            if pending[c] == 0:
                heapq.heappush(ready, (c.opdef.writes, c._id, c))
    return order


def _missing_placeholders(ops, fed, fetches):
    missing = sorted((op for op in ops if op.type == "Placeholder" and op.outputs[0] not in fed),
                     key=lambda o: o._id)
    if not missing:
        return
    lines = []
    for op in missing:
        needer = _first_fetch_needing(op, fetches, fed)
        lines.append(f"  {errors.describe_tensor(op.outputs[0])}, which "
                     f"'{needer}' needs")
    first = missing[0].outputs[0]
    if len(missing) == 1:
        head = (f"You must feed a value for placeholder tensor '{first.op.name}' with dtype "
                f"{first.dtype.name} and shape {first.shape.short()}:")
    else:
        head = ("You must feed a value for placeholder tensors "
                + ", ".join(f"'{op.name}'" for op in missing) + ":")
    raise errors.InvalidArgumentError(
        None, missing[0],
        head + "\n" + "\n".join(lines) +
        "\nAdd it to feed_dict (for example feed_dict={" + missing[0].name + ": ...}), or use "
        "tf.placeholder_with_default for values such as keep_prob that have a natural default.")


def _first_fetch_needing(op, fetches, fed):
    for f in fetches:
        start = [f.op] if isinstance(f, Tensor) else [f]
        if op in needed_ops([], start, fed):
            return f.name
    return "?"


class Plan:
    """A compiled run: feeds go into slots, steps run kernels slot to slot, fetches come out."""

    def __init__(self, state, xp, fetches, feeds):
        self.fetches = fetches
        self.feeds = feeds
        self._store = state.variables
        fed = set(feeds)
        fetch_tensors = [f for f in fetches if isinstance(f, Tensor)]
        targets = [f for f in fetches if not isinstance(f, Tensor)]
        ops = needed_ops(fetch_tensors, targets, fed)
        _missing_placeholders(ops, fed, fetches)
        self.order = schedule(ops)
        slot = {}
        for t in feeds:
            slot[t] = len(slot)
        for op in self.order:
            for t in op.outputs:
                if t not in slot:
                    slot[t] = len(slot)
        # An op that runs for another output must not overwrite a fed output: it writes elsewhere.
        write = dict(slot)
        size = len(slot)
        for t in feeds:
            if t.op in ops:
                write[t] = size
                size += 1
        template = [None] * size
        steps = []
        for op in self.order:
            if op.type in _PRELOADED:
                if op.outputs[0] not in fed:
                    template[slot[op.outputs[0]]] = xp.asarray(op.attrs["value"])
                continue
            if op.type in _NO_STEP or op.type == "Placeholder":
                continue
            if op.type in _REF_SOURCES and op.outputs[0] not in fetch_tensors:
                continue
            steps.append(self._step(op, slot, write, state, xp, fed))
        self.template = template
        self.steps = steps
        self.feed_slots = [slot[t] for t in feeds]
        self.fetch_slots = [slot[f] if isinstance(f, Tensor) else None for f in fetches]

    @staticmethod
    def _step(op, slot, write, state, xp, fed):
        fn = _bound_kernel(op, state, xp)
        inputs = value_inputs(op)
        sources = [_variable_read(t, fed) for t in inputs]
        reads = tuple((i, _bound_kernel(src, state, xp)) for i, src in enumerate(sources)
                      if src is not None)
        if reads:
            fn = partial(_with_fresh_reads, fn, reads)
        ins = tuple(slot[t] for t in inputs)
        outs = tuple(write[t] for t in op.outputs)
        return (fn, ins, outs[0] if len(outs) == 1 else outs, len(outs) != 1, op)

    def run(self, feed_arrays):
        vals = list(self.template)
        for s, a in zip(self.feed_slots, feed_arrays):
            vals[s] = a
        step = None
        try:
            with np.errstate(all="ignore"):
                for step in self.steps:
                    fn, ins, out, multi, _ = step
                    result = fn(*[vals[i] for i in ins])
                    if multi:
                        for o, v in zip(out, result):
                            vals[o] = v
                    else:
                        vals[out] = result
        except errors.OpError:
            raise
        except Exception as e:  # a kernel failed: say which op, where it was made, on what
            raise _kernel_error(step[4], [vals[i] for i in step[1]], e) from e
        stored = {id(v) for v in self._store.values()}
        return [None if s is None else _private(vals[s], stored) for s in self.fetch_slots]


def _private(value, stored):
    """A fetched array the caller may change: a kernel may have returned a variable's buffer, a
    constant, or a view of one of them, and TF always hands back a fresh array."""
    if isinstance(value, np.ndarray) and (
            id(value) in stored or not value.flags.owndata or not value.flags.writeable):
        return value.copy()
    return value


def _bound_kernel(op, state, xp):
    """The op's kernel with xp, its attrs and its per-session bindings filled in."""
    opdef = op.opdef
    attrs = {k: v for k, v in op.attrs.items() if not k.startswith("_")}
    if opdef.bind is not None:
        attrs.update(opdef.bind(op, state))
    return partial(opdef.kernel, xp, **attrs)


def _with_fresh_reads(fn, reads, *args):
    args = list(args)
    for i, read in reads:
        args[i] = read()
    return fn(*args)


def _kernel_error(op, arrays, exc):
    shapes = ", ".join(f"{getattr(a, 'dtype', type(a).__name__)}{list(np.shape(a))}"
                       for a in arrays)
    return errors.InvalidArgumentError(
        None, op,
        f"{type(exc).__name__}: {exc}\n  in op {errors.describe_op(op)}\n"
        f"  with inputs: {shapes}")
