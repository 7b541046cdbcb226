"""tf.cond and tf.case as one functional `If` op that runs only the taken branch's sub-plan.

Gradient: an If over the two branch gradients; branch intermediates the gradient needs become
extra outputs of the forward If (exported lazily, the other branch's slots hold None).
"""
from ..graph import dtypes as _dtypes
from ..graph.constant import convert_to_tensor
from ..graph.graph import get_default_graph
from ..graph.operation import Operation
from ..graph.registry import make_op, register_op
from ..graph.shapes import TensorShape
from ..graph.tensor import Tensor
from . import cf_trace


def _if_kernel(xp, pred, *args, branches, n_out, **_):
    if xp.ndim(pred) != 0:
        raise ValueError(f"The predicate of cond must be a scalar, got shape {xp.shape(pred)}")
    values = branches[0 if bool(pred) else 1](args)
    return values[0] if n_out == 1 else tuple(values)


def _if_bind(op, state):
    branches, exports = op.attrs["_branches"], op.attrs["_exports"]
    index = {t: i - 1 for t, i in cf_trace.input_index(op, 1).items()}
    calls = []
    for b, branch in enumerate(branches):
        slots = [None if owner != b else branch.export_index(t) for owner, t in exports]
        run = cf_trace.runner(state, branch, index)
        calls.append(_branch_call(run, branch, slots))
    return {"branches": calls, "n_out": len(op.outputs)}


def _branch_call(run, branch, slots):
    """The taken branch's values laid out as the If's outputs (None where it has none)."""
    present = [o is not None for o in branch.outputs]

    def call(args):
        values = iter(run(args, ()))
        out = [next(values) if p else None for p in present]
        exported = list(values)
        out.extend(None if s is None else exported[s] for s in slots)
        return out
    return call


def _if_export(op, tensor):
    """The output of If `op` carrying the branch tensor `tensor` (added on first request)."""
    exports = op.attrs["_exports"]
    n_user = op.attrs["_n_user"]
    for i, (_, t) in enumerate(exports):
        if t is tensor:
            return op.outputs[n_user + i]
    owner = 0 if tensor.op in op.attrs["_branches"][0].ops else 1
    exports.append((owner, tensor))
    out = Tensor(op, len(op.outputs), tensor.dtype, tensor.shape)
    op.outputs.append(out)
    op.attrs["Tout"].append(tensor.dtype)
    return out


def _if_grad(op, *grads):
    pred, caps = op.inputs[0], list(op.inputs[1:])
    wanted = [i for i, t in enumerate(caps) if t.dtype.is_floating or t.dtype.is_complex]
    result = [None] * len(op.inputs)
    if not wanted:
        return result
    outs, _ = build_if(pred, _branch_grad(op, 0, grads, caps, wanted),
                       _branch_grad(op, 1, grads, caps, wanted), "If", allow_none=True)
    for i, g in zip(wanted, outs):
        result[i + 1] = g
    return result


def _branch_grad(op, b, grads, caps, wanted):
    """Traces the gradient of branch `b` w.r.t. the captured tensors `caps[i]`, i in wanted."""
    def fn():
        from ..autodiff.gradients import gradients
        from .array_ops import zeros_like
        branch, n_user = op.attrs["_branches"][b], op.attrs["_n_user"]
        ys = list(zip(branch.outputs, grads[:n_user]))
        ys += [(t, g) for (owner, t), g, out in zip(op.attrs["_exports"], grads[n_user:],
                                                   op.outputs[n_user:])
               if owner == b and not _fills(g, out)]
        ys = [(y, g) for y, g in ys if g is not None and isinstance(y, Tensor)
              and (y.dtype.is_floating or y.dtype.is_complex)]
        inner = {outer: t for t, outer in branch.captures}
        xs = [inner.get(caps[i]) for i in wanted]
        present = [x for x in xs if x is not None]
        found = [None] * len(present)
        if ys and present:
            found = gradients([y for y, _ in ys], present, grad_ys=[g for _, g in ys],
                              stop_gradients=present)
        found = iter(found)
        out = []
        for i, x in zip(wanted, xs):
            g = next(found) if x is not None else None
            if g is None and not _is_export(caps[i]):
                g = zeros_like(caps[i])
            out.append(g)
        return out
    return fn


def _is_export(t):
    """An If output carrying a branch intermediate: None when the other branch ran, so its
    zero gradient is None too (only the branch that made it ever reads that gradient)."""
    return t.op.type == "If" and t.value_index >= t.op.attrs["_n_user"]


def _fills(grad, output):
    """True for the zeros tf.gradients fills in for an output nothing differentiated: for an
    export of the branch not taken it would read a missing value, and it adds nothing."""
    return grad is None or (grad.op.type == "ZerosLike" and grad.op.inputs[0] is output)


IF = register_op("If", shape=lambda *inputs, Tout, output_shapes, **_: list(output_shapes),
                 kernel=_if_kernel, grad=_if_grad, num_outputs=lambda attrs: len(attrs["Tout"]),
                 dtype=lambda inputs, attrs: list(attrs["Tout"]), same_dtype=False,
                 stateful=True, bind=_if_bind)
cf_trace.EXPORTERS["If"] = _if_export


def _trace_branch(graph, fn, pred, what, allow_none=False):
    def build():
        result = fn()
        if result is None and not allow_none:
            raise ValueError(f"{what} must have a return value.")
        from .control_flow_ops import with_dependencies
        flat = []
        for leaf in cf_trace.flatten(result):
            if leaf is None and allow_none:
                flat.append(None)
            elif isinstance(leaf, Operation):
                # TF1 turns a returned op into the predicate, gated on the op.
                flat.append(with_dependencies([leaf], pred))
            else:
                flat.append(convert_to_tensor(leaf))
        return result, flat
    (result, flat), ops = cf_trace.trace(graph, build)
    return result, cf_trace.Branch(ops, (), flat)


def build_if(pred, then_fn, else_fn, name, then_what="true_fn", else_what="false_fn",
             allow_none=False):
    """Traces both branches and adds the If op; (flat outputs, (then_result, else_result))."""
    graph = get_default_graph()
    then_res, then_b = _trace_branch(graph, then_fn, pred, then_what, allow_none)
    else_res, else_b = _trace_branch(graph, else_fn, pred, else_what, allow_none)
    if not cf_trace.same_structure(then_res, else_res):
        raise ValueError(f"Outputs of {then_what} and {else_what} must have the same structure: "
                         f"{then_res} vs {else_res}")
    dtypes, shapes = [], []
    for a, b in zip(then_b.outputs, else_b.outputs):
        a, b = a if a is not None else b, b if b is not None else a
        if a.dtype != b.dtype:
            raise ValueError(f"Outputs of {then_what} and {else_what} must have the same type: "
                             f"{a.dtype.name}, {b.dtype.name}")
        dtypes.append(a.dtype)
        shapes.append(_most_specific_common(a.shape, b.shape))
    control = cf_trace.find_captures(then_b) + cf_trace.find_captures(else_b)
    caps = cf_trace.outer_captures((then_b, else_b))
    with graph.control_dependencies(control):
        make_op(IF, [pred] + caps, {"Tout": dtypes, "output_shapes": shapes,
                                    "_branches": (then_b, else_b), "_exports": [],
                                    "_n_user": len(dtypes)}, name)
    op = graph._ops[-1]
    cf_trace.own(op, (then_b, else_b))
    return list(op.outputs), (then_res, else_res)


def _most_specific_common(a, b):
    if a.rank is None or b.rank is None or a.rank != b.rank:
        return TensorShape(None)
    return TensorShape([x.value if x.value == y.value else None
                        for x, y in zip(a.dims, b.dims)])


def cond(pred, true_fn=None, false_fn=None, strict=False, name=None, fn1=None, fn2=None):
    """`true_fn()` if `pred` else `false_fn()`; only the taken branch runs (TF1 `tf.cond`).

    Ops created inside a branch run only when that branch is taken; tensors from outside
    are captured. Differs from TF: the result is one `If` op (TF2-style) rather than
    Switch/Merge nodes, so tensors created inside a branch cannot be fetched directly.
    """
    true_fn = true_fn if true_fn is not None else fn1
    false_fn = false_fn if false_fn is not None else fn2
    if true_fn is None:
        raise TypeError("cond(): true_fn argument required")
    if false_fn is None:
        raise TypeError("cond(): false_fn argument required")
    if not callable(true_fn):
        raise TypeError("true_fn must be callable.")
    if not callable(false_fn):
        raise TypeError("false_fn must be callable.")
    if isinstance(pred, bool):
        raise TypeError("pred must not be a Python bool")
    from ..graph.default import name_scope
    with name_scope(name, "cond", [pred]) as scope:
        pred = convert_to_tensor(pred)
        if pred.dtype != _dtypes.bool:
            raise TypeError(f"pred must be a bool tensor, got {pred.dtype.name} ('{pred.name}')")
        if pred.shape.rank not in (None, 0):
            raise ValueError(f"Shape must be rank 0 but is rank {pred.shape.rank} for the "
                             f"predicate of cond ('{pred.name}')")
        outs, (then_res, _) = build_if(pred, true_fn, false_fn, scope)
    result = cf_trace.pack_sequence_as(then_res, outs)
    if not strict and isinstance(result, (list, tuple)) and not hasattr(result, "_fields") \
            and len(result) == 1:
        result = result[0]
    return result


def case(pred_fn_pairs, default=None, exclusive=False, strict=False, name="case"):
    """The fn of the first true predicate, else `default()` (TF1 `tf.case`).

    Without `default`, the last pair acts as the default and a run where no predicate holds
    fails; `exclusive=True` fails a run where more than one holds.
    """
    if isinstance(pred_fn_pairs, dict):
        pred_fn_pairs = list(pred_fn_pairs.items())
    if not isinstance(pred_fn_pairs, (list, tuple)):
        raise TypeError("fns must be a list, tuple, or dict")
    for pair in pred_fn_pairs:
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise TypeError("Each entry in pred_fn_pairs must be a 2-tuple")
        if not callable(pair[1]):
            raise TypeError("fn for pred %s must be callable." % pair[0].name)
    if default is not None and not callable(default):
        raise TypeError("default must be callable.")
    from ..graph.default import name_scope
    from .array_ops import stack
    from .check_ops import Assert
    from .control_flow_ops import with_dependencies
    from .logic_ops import cast
    from .math_ops import reduce_sum
    with name_scope(name, "case", [p for p, _ in pred_fn_pairs]):
        preds = [convert_to_tensor(p) for p, _ in pred_fn_pairs]
        fns = [f for _, f in pred_fn_pairs]
        if not preds:
            return default()
        count = reduce_sum(cast(stack(preds, name="preds_c"), _dtypes.int32), name="num_true")
        checks = []
        if exclusive:
            checks.append(Assert(count <= 1, ["Input error: exclusive=True: more than 1 "
                                              "conditions evaluated as True:", stack(preds)]))
        if default is None:
            checks.append(Assert(count >= 1, ["Input error: None of conditions evaluated as "
                                              "True:", stack(preds)]))
            default, fns, preds = fns[-1], fns[:-1], preds[:-1]
        fn = default
        for p, f in reversed(list(zip(preds, fns))):
            fn = _chain(p, f, fn, strict)
        result = fn()
        if checks:
            flat = [with_dependencies(checks, t) for t in cf_trace.flatten(result)]
            result = cf_trace.pack_sequence_as(result, flat)
        return result


def _chain(pred, fn, otherwise, strict):
    def chained():
        return cond(pred, fn, otherwise, strict=strict)
    return chained
