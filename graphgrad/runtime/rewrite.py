"""Plan-time rewrites of a pruned step list (Grappler's role): they never touch the user's graph.

Each pass takes the compiled steps and returns fewer or cheaper ones; each can be switched off
through `ENABLED` (module default) or `Session(config=ConfigProto(graph_options=GraphOptions(
rewrite_options={"constant_folding": False})))`.
"""
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from ..kernels import fused
from .specialize import direct_update, gradient_buffers, specialize_kernels  # noqa: F401 (plan)

ENABLED = {
    "remove_identity": True,     # Identity steps become aliases of their input slot
    "constant_folding": True,    # steps whose inputs are all constants run once, at compile time
    "cse": True,                 # one step for identical (type, attrs, inputs)
    "shape_memo": True,          # shape-only subgraphs rerun only when their input shapes change
    "specialize_kernels": True,  # 2-D float MatMul/Sum/Softmax/SumToShape: BLAS-friendly kernels
    "fuse_softmax_grad": True,   # the gradient of log(softmax(x)) as one kernel
    "log_softmax": True,         # log(softmax(x)): log-softmax where softmax underflows to 0
    "inplace_updates": True,     # optimizer updates write into the variables' own buffers
    "prune_dead": True,          # pure steps whose values nothing reads any more are dropped
    "shape_only_stand_ins": True,  # values only Shape/Size read: their shape, not their values
    "gradient_buffers": True,    # a weight gradient only its SGD update reads: a reused buffer
    "inplace_elementwise": True,  # bias adds, ReLU and its gradient write into fresh inputs
    "compiled_kernels": True,    # with numba installed: optimizer updates as one compiled loop
}

# Ops whose kernels always return a new array (never an input or a view of one).
FRESH_OUTPUT = frozenset(("MatMul", "Add", "AddV2", "Sub", "Mul", "RealDiv", "Neg", "Square",
                          "Exp", "Log", "Softmax"))

# Ops whose output depends only on the shape (and static dtype) of their input, not its values.
SHAPE_SOURCES = ("Shape", "Size", "Rank", "OnesLike", "ZerosLike")


@dataclass
class Step:
    """One kernel call: `fn(*inputs)`; an input is a slot number or `("read", fn)` (a fresh
    variable read made when the step runs); `memo` is None, "shape" or "identity"."""
    op: object
    fn: object
    ins: list
    outs: list
    memo: object = None
    tags: list = field(default_factory=list)
    call: object = None  # what the generated code calls: fn, or fn behind its memo


def options(overrides=None):
    opts = dict(ENABLED)
    for key, value in (overrides or {}).items():
        if key not in ENABLED:
            raise ValueError(f"Unknown rewrite option {key!r}; known: {sorted(ENABLED)}")
        opts[key] = bool(value)
    return opts


def _pure(st):
    """The step's result depends only on its input values: no state, no variable read."""
    d = st.op.opdef
    return (not d.stateful and not d.writes and d.bind is None and d.kernel is not None
            and "read" not in st.tags)


def frozen(value):
    """`value` with writes disabled when it is an ndarray: a cached array the plan hands out
    again on every run must not be changed by a caller (fetches of it are copied)."""
    if isinstance(value, np.ndarray) and value.flags.writeable:
        value = value.view()
        value.flags.writeable = False
    return value


def remove_identity(steps, alias, protected):
    """Drops Identity steps reading an ordinary slot; their output slot aliases the input."""
    kept = []
    for st in steps:
        if (st.op.type == "Identity" and st.ins and isinstance(st.ins[0], int)
                and st.outs[0] not in protected):
            alias[st.outs[0]] = resolve(alias, st.ins[0])
            continue
        kept.append(st)
    return kept


def resolve(alias, slot):
    while slot in alias:
        slot = alias[slot]
    return slot


def _static_stand_in(op):
    """For a shape source whose input has a fully known static shape: an array of that shape
    and dtype to run the kernel on at compile time (only its shape is read, so it is a
    broadcast view of one element, however large the shape); else None."""
    if op.type not in SHAPE_SOURCES or len(op.inputs) != 1:
        return None
    t = op.inputs[0]
    if not t.shape.is_fully_defined() or t.dtype.np.kind not in "biufc":
        return None
    return np.broadcast_to(np.zeros((), t.dtype.np), t.shape.as_tuple())


def constant_folding(steps, template, protected):
    """Runs pure steps whose inputs are all constants once (and shape sources of tensors whose
    static shape is known); their outputs join the constants. A step that fails is left in
    place so that the error surfaces when the plan runs."""
    kept = []
    for st in steps:
        stand_in = _static_stand_in(st.op) if _pure(st) else None
        if stand_in is not None and not any(o in protected for o in st.outs):
            try:
                template[st.outs[0]] = frozen(st.fn(stand_in))
                continue
            except Exception:  # noqa: BLE001 - reported at run time with the op's details
                pass
        if (_pure(st) and all(isinstance(i, int) and i in template for i in st.ins)
                and not any(o in protected for o in st.outs)):
            try:
                with np.errstate(all="ignore"):
                    result = st.fn(*[template[i] for i in st.ins])
            except Exception:  # noqa: BLE001 - reported at run time with the op's details
                kept.append(st)
                continue
            values = [result] if len(st.outs) == 1 else list(result)
            for o, v in zip(st.outs, values):
                template[o] = frozen(v)
            continue
        kept.append(st)
    return kept


def prune_dead(steps, live):
    """Drops pure steps none of whose outputs is fetched or used by a later kept step (what
    folding and fusion left without readers, such as a loss only its gradient's shape needed)."""
    live = set(live)
    kept = []
    for st in reversed(steps):
        if st.outs and _pure(st) and live.isdisjoint(st.outs):
            continue
        kept.append(st)
        live.update(i for i in st.ins if isinstance(i, int))
    return kept[::-1]


def _attrs_key(op):
    items = []
    for k in sorted(op.attrs):
        if k.startswith("_"):  # bookkeeping (like `_forward_op`) that kernels never see
            continue
        v = op.attrs[k]
        if isinstance(v, list):
            v = tuple(v)
        try:
            hash(v)
        except TypeError:
            return None
        items.append((k, v))
    return tuple(items)


def cse(steps, alias):
    """Merges pure steps with the same op type, attrs and input slots."""
    seen = {}
    kept = []
    for st in steps:
        if _pure(st) and all(isinstance(i, int) for i in st.ins):
            attrs = _attrs_key(st.op)
            if attrs is not None:
                key = (st.op.type, attrs, tuple(st.ins), len(st.outs))
                first = seen.get(key)
                if first is not None:
                    for o, f in zip(st.outs, first.outs):
                        alias[o] = f
                    continue
                seen[key] = st
        kept.append(st)
    return kept


def shape_memo(steps, template):
    """Marks shape-only steps: shape sources remember their output per input shape, and pure
    steps fed only by shape-only values remember theirs per input objects, so a W1 gradient's
    Shape/Reshape/BroadcastTo chain costs one comparison per step after the first run."""
    shape_only = set(template)
    for st in steps:
        if not _pure(st) or not all(isinstance(i, int) for i in st.ins):
            continue
        if st.op.type in SHAPE_SOURCES and len(st.ins) == 1:
            st.memo = "shape"
        elif st.ins and all(i in shape_only for i in st.ins):
            st.memo = "identity"
        else:
            continue
        shape_only.update(st.outs)
    return steps


# Pure ops whose output shape follows from their inputs' shapes by a rule the plan knows:
# same shape as the one input, NumPy broadcasting of the two inputs, or a reduction over static
# axes (Max/Min are left out: on an empty axis their kernels raise, and that error must stay).
_SAME_SHAPE = frozenset(("Neg", "Log", "Exp", "Square", "Sqrt", "Rsqrt", "Abs", "Sigmoid", "Tanh",
                         "Relu", "Reciprocal", "Log1p", "Expm1", "Softmax", "LogSoftmax", "Cast",
                         "Softplus", "Elu", "Sign"))
_BROADCASTING = frozenset(("Add", "AddV2", "Sub", "Mul", "RealDiv", "Maximum", "Minimum",
                           "SquaredDifference"))
_REDUCING = frozenset(("Sum", "Mean", "Prod"))


def _result_shape(op):
    """`shape(*input_shapes)` for the op's output, or None when the op has no such rule."""
    n = len(op.inputs)
    if op.type in _SAME_SHAPE and n == 1:
        return lambda s: s
    if op.type in _BROADCASTING and n == 2:
        return lambda a, b: a if a == b else np.broadcast_shapes(a, b)
    if op.type in _REDUCING and n == 1:
        axis, keep = op.attrs.get("axis"), bool(op.attrs.get("keepdims"))

        def reduced(s):
            dims = range(len(s)) if axis is None else _axes(axis, len(s))
            return tuple(1 if i in dims else d for i, d in enumerate(s) if keep or i not in dims)
        return reduced
    return None


def _axes(axis, rank):
    """The reduction axes as a set of non-negative ints; raises as the kernel would."""
    dims = {a + rank if a < 0 else a for a in axis}
    if len(dims) != len(axis) or not all(0 <= a < rank for a in dims):
        raise ValueError(f"Invalid reduction axes {list(axis)} for input with {rank} dimensions")
    return dims


def _stand_in_kernel(rule, dtype, n_in):
    """A kernel returning a zero-strided zero array of the output's shape instead of computing
    it: the same object while the input shapes stay the same (so identity memos downstream hit).
    Its memo is a shape memo as `memo_wrapper` keeps them, which the generated plan tests inline."""
    state = [object()] * n_in + [None]

    def stand_in(*xs):
        shapes = [np.shape(x) for x in xs]
        if shapes != state[:n_in]:
            state[n_in] = np.broadcast_to(np.zeros((), dtype), rule(*shapes))
            state[:n_in] = shapes
        return state[n_in]
    stand_in.memo_state, stand_in.memo_kind = state, "shape"
    return stand_in


def shape_only_stand_ins(steps, protected):
    """Pure steps whose outputs only shape sources read (a W1 loss that nothing fetches, whose
    Shape and Size its gradient needs) compute just their output's shape from their inputs'
    shapes: the loss's Log, Mul, Sum and Neg no longer run."""
    readers = {}
    for st in steps:
        for i in st.ins:
            if isinstance(i, int):
                readers.setdefault(i, []).append(st)
    converted = set()
    for st in reversed(steps):
        if (len(st.outs) != 1 or st.outs[0] in protected or not _pure(st)
                or not all(isinstance(i, int) for i in st.ins)):
            continue
        rule = _result_shape(st.op)
        dtype = st.op.outputs[0].dtype.np
        if rule is None or not all(t.dtype.np.kind in "biufc"
                                   for t in (*st.op.inputs, st.op.outputs[0])):
            continue
        users = readers.get(st.outs[0], ())
        if users and all(u.op.type in SHAPE_SOURCES or id(u) in converted for u in users):
            st.fn = _stand_in_kernel(rule, dtype, len(st.ins))
            st.tags.append("shape_only")
            converted.add(id(st))
    return steps


def producers(steps):
    """{slot: the step that writes it}."""
    return {o: st for st in steps for o in st.outs}


def value_readers(steps):
    """{slot: the steps that read its values}. Shape sources and shape-only stand-ins read only
    shapes, which a write into the array or a reused buffer leaves as they were."""
    readers = {}
    for st in steps:
        if st.op.type in SHAPE_SOURCES or "shape_only" in st.tags:
            continue
        for i in st.ins:
            if isinstance(i, int):
                readers.setdefault(i, []).append(st)
    return readers


def _match(producer, slot, op_type):
    st = producer.get(slot)
    return st if st is not None and st.op.type == op_type else None


def _other(pair, one):
    """The other input of a two-input step, or None when `one` is not among them."""
    a, b = pair
    return b if a == one else a if b == one else None


def fuse_softmax_grad(steps, protected):
    """((g * 1/sm) - sum(g * 1/sm * sm, -1)) * sm, the graph Log's and Softmax's gradients
    make, becomes one kernel `g - sm * sum(g, -1)` when its intermediates have no other use."""
    producer = producers(steps)
    uses = Counter(i for st in steps for i in st.ins if isinstance(i, int))
    uses.update(protected)
    dropped = set()
    for st in steps:
        if st.op.type != "Mul" or len(st.ins) != 2 or not all(isinstance(i, int) for i in st.ins):
            continue
        for d_slot, sm_slot in (st.ins, st.ins[::-1]):
            sm_st = _match(producer, sm_slot, "Softmax")
            d_st = _match(producer, d_slot, "Sub")
            if sm_st is None or d_st is None or not st.op.outputs[0].dtype.is_floating:
                continue
            lg_slot, s_slot = d_st.ins
            s_st = _match(producer, s_slot, "Sum")
            lg_st = _match(producer, lg_slot, "Mul")
            if s_st is None or lg_st is None or not s_st.op.attrs["keepdims"]:
                continue
            rank = sm_st.op.outputs[0].shape.ndims
            if rank is None or tuple(s_st.op.attrs["axis"] or ()) not in ((-1,), (rank - 1,)):
                continue
            a_st = _match(producer, s_st.ins[0], "Mul")
            if a_st is None or _other(a_st.ins, lg_slot) != sm_slot:
                continue
            r_slot = next((i for i in lg_st.ins
                           if _match(producer, i, "Reciprocal") is not None
                           and producer[i].ins == [sm_slot]), None)
            if r_slot is None:
                continue
            g_slot = _other(lg_st.ins, r_slot)
            inner = (producer[r_slot], lg_st, a_st, s_st, d_st)
            counts = (1, 2, 1, 1, 1)
            if any(uses[x.outs[0]] != n for x, n in zip(inner, counts)):
                continue
            st.fn, st.ins = fused.softmax_log_grad, [g_slot, sm_slot]
            st.tags.append("fused_softmax_grad")
            dropped.update(id(x) for x in inner)
            break
    return [st for st in steps if id(st) not in dropped]


def memo_wrapper(fn, kind, n_in, multi):
    """The step function with its memo: by input shape, or by input identity.

    The memo lives in `wrapper.memo_state`, `[key_1, ..., key_n, result]` (keys: the inputs, or
    their shapes when `wrapper.memo_kind` is "shape"), so that the generated plan can test it
    inline and call the wrapper only on a miss (codegen.py)."""
    state = [object()] * n_in + [None]
    if kind == "shape":
        def by_shape(x):
            s = getattr(x, "shape", None)
            if s is not None and s == state[0]:
                return state[1]
            state[1] = _freeze_all(fn(x), multi)
            state[0] = s if s is not None else object()
            return state[1]
        wrapper = by_shape
    else:
        def by_identity(*args):
            if all(a is k for a, k in zip(args, state)):
                return state[n_in]
            state[n_in] = _freeze_all(fn(*args), multi)
            state[:n_in] = args
            return state[n_in]
        wrapper = by_identity
    wrapper.memo_state, wrapper.memo_kind = state, kind
    return wrapper


def _freeze_all(result, multi):
    if multi:
        return type(result)(frozen(r) for r in result) if isinstance(result, tuple) \
            else [frozen(r) for r in result]
    return frozen(result)


def _read_var(src):
    return getattr(src[1], "keywords", {}).get("var") if not isinstance(src, int) else None


def inplace_updates(steps, fetched):
    """The update steps that may write into their variables' buffers: each variable they write
    is written by no other step, and no value that may alias its buffer (a read, or what ops
    that can return an input made of one) is fetched, feeds the update, or is used after it."""
    writers = Counter()
    for st in steps:
        for i in st.op.opdef.ref_inputs:
            writers[st.op.inputs[i].op.name] += 1
    allowed = []
    for pos, st in enumerate(steps):
        if not getattr(st.op.opdef.kernel, "accepts_owned", False):
            continue
        names = {st.op.inputs[i].op.name for i in st.op.opdef.ref_inputs}
        if any(writers[n] != 1 for n in names):
            continue
        aliases = set()
        for other in steps:
            reads = other.op.type == "VariableV2" and other.op.name in names
            reads = reads or any(_read_var(i) in names for i in other.ins)
            if reads or (other.op.type not in FRESH_OUTPUT and other is not st
                         and any(i in aliases for i in other.ins if isinstance(i, int))):
                aliases.update(other.outs)
        later = (i for other in steps[pos:] for i in other.ins if isinstance(i, int))
        if aliases.isdisjoint(later) and aliases.isdisjoint(fetched):
            allowed.append(st)
    return allowed
