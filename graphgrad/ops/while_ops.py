"""tf.while_loop as one functional `While` op running its cond and body sub-plans per step.

Gradient (TF1's stack approach): once a gradient is taken, the forward While also outputs the
per-iteration values of the body intermediates the gradient needs; `WhileGrad` replays the body
gradient over them in reverse, summing the gradients of captured tensors.
"""
from ..graph import dtypes as _dtypes
from ..graph.constant import convert_to_tensor, placeholder
from ..graph.graph import get_default_graph
from ..graph.registry import make_op, register_op
from ..graph.shapes import TensorShape, as_shape
from ..graph.tensor import Tensor
from . import cf_trace


def _while_kernel(xp, *arrays, cond_fn, body_fn, n_vars, n_out, record, **_):
    values = list(arrays[:n_vars])
    stack = []
    while True:
        go = cond_fn(arrays, values)[0]
        if xp.ndim(go) != 0:
            raise ValueError(f"The loop condition must be a scalar, got shape {xp.shape(go)}")
        if not go:
            break
        out = body_fn(arrays, values)
        if record:
            stack.append(tuple(out[n_vars:]))
        values = list(out[:n_vars])
    if record:
        values.append(stack)
    return values[0] if n_out == 1 else tuple(values)


def _while_bind(op, state):
    index = cf_trace.input_index(op, op.attrs["_n_vars"])
    cond_b, body_b = op.attrs["_cond"], op.attrs["_body"]
    return {"cond_fn": cf_trace.runner(state, cond_b, index),
            "body_fn": cf_trace.runner(state, body_b, index),
            "n_out": len(op.outputs), "record": op.attrs["_stack"] is not None,
            "n_vars": op.attrs["_n_vars"]}


def _no_export(op, tensor):
    raise LookupError(f"Gradients of gradients through tf.while_loop ('{op.name}') are not "
                      f"supported (needed '{tensor.name}' from inside the loop body).")


def _differentiable(t):
    return t.dtype.is_floating or t.dtype.is_complex


def _while_grad(op, *grads):
    n = op.attrs["_n_vars"]
    body = op.attrs["_body"]
    result = [None] * len(op.inputs)
    if not op.attrs["back_prop"]:
        return result
    if op.attrs["_stack"] is None:
        op.attrs["_stack"] = Tensor(op, len(op.outputs), _dtypes.string, TensorShape([]))
        op.outputs.append(op.attrs["_stack"])
    var_idx = [i for i in range(n) if _differentiable(op.outputs[i])]
    caps = {outer: inner for inner, outer in body.captures}
    cap_idx = [i for i in range(n, len(op.inputs))
               if _differentiable(op.inputs[i]) and op.inputs[i] in caps]
    if not var_idx:
        return result
    from .array_ops import zeros_like
    graph = get_default_graph()
    stack_feeds = []

    def local(t):
        if t.op in body.ops:
            stack_feeds.append((t, body.export_index(t)))
            return True
        return False
    with cf_trace.feeding_body_of(op):
        grad_phs, branch = _grad_body(graph, body, var_idx,
                                      [caps[op.inputs[i]] for i in cap_idx])
        cf_trace.find_captures(branch, local)
    g_init = [zeros_like(op.outputs[i]) if grads[i] is None else grads[i] for i in var_idx]
    outer = [o for _, o in branch.captures]
    fwd_caps = [op.inputs[i] for i in cap_idx]
    outs = make_op(WHILE_GRAD, [op.attrs["_stack"]] + g_init + outer + fwd_caps,
                   {"_branch": branch, "_grad_phs": grad_phs, "_stack_feeds": stack_feeds,
                    "_n_g": len(var_idx), "_n_caps": len(outer),
                    "Tout": [op.outputs[i].dtype for i in var_idx] + [t.dtype for t in fwd_caps],
                    "output_shapes": [op.inputs[i].shape for i in var_idx] +
                                     [t.shape for t in fwd_caps]}, "WhileGrad")
    for i, g in zip(var_idx + cap_idx, outs):
        result[i] = g
    return result


def _grad_body(graph, body, var_idx, cap_inner):
    """Traces one reverse step: grads of the loop variables after the body -> before it, plus
    the step's contribution to the captured tensors' gradients."""
    def build():
        from ..autodiff.gradients import gradients
        from .array_ops import zeros_like
        phs = [placeholder(body.outputs[i].dtype, body.inputs[i].shape, name="grad_loop_var")
               for i in var_idx]
        xs = [body.inputs[i] for i in var_idx] + list(cap_inner)
        gs = gradients([body.outputs[i] for i in var_idx], xs, grad_ys=phs,
                       stop_gradients=list(cap_inner))
        return phs, [zeros_like(x) if g is None else g for x, g in zip(xs, gs)]
    (phs, outs), ops = cf_trace.trace(graph, build)
    return phs, cf_trace.Branch(ops, phs, outs)


def _while_grad_kernel(xp, stack, *arrays, grad_fn, n_g, n_caps, n_out, **_):
    grads = list(arrays[:n_g])
    fwd_caps = arrays[n_g + n_caps:]
    acc = [None] * len(fwd_caps)
    for entry in reversed(stack):
        out = grad_fn(arrays, grads, entry)
        grads = list(out[:n_g])
        for j, g in enumerate(out[n_g:]):
            acc[j] = g if acc[j] is None else acc[j] + g
    acc = [xp.zeros_like(c) if a is None else a for a, c in zip(acc, fwd_caps)]
    values = grads + acc
    return values[0] if n_out == 1 else tuple(values)


def _while_grad_bind(op, state):
    branch = op.attrs["_branch"]
    index = cf_trace.input_index(op, 1 + op.attrs["_n_g"])
    index = {t: i - 1 for t, i in index.items()}
    feeds = [t for t, _ in op.attrs["_stack_feeds"]]
    positions = [p for _, p in op.attrs["_stack_feeds"]]
    run = cf_trace.runner(state, branch, index, feeds)

    def grad_fn(arrays, grads, entry):
        return run(arrays, list(grads) + [entry[p] for p in positions])
    return {"grad_fn": grad_fn, "n_out": len(op.outputs), "n_g": op.attrs["_n_g"],
            "n_caps": op.attrs["_n_caps"]}


_SHAPES = {"shape": lambda *inputs, Tout, output_shapes, **_: list(output_shapes),
           "num_outputs": lambda attrs: len(attrs["Tout"]),
           "dtype": lambda inputs, attrs: list(attrs["Tout"]), "same_dtype": False,
           "stateful": True}
WHILE = register_op("While", kernel=_while_kernel, grad=_while_grad, bind=_while_bind,
                    **_SHAPES)
WHILE_GRAD = register_op("WhileGrad", kernel=_while_grad_kernel, bind=_while_grad_bind,
                         **_SHAPES)
cf_trace.EXPORTERS["While"] = _no_export
cf_trace.EXPORTERS["WhileGrad"] = _no_export


def _invariants(flat_vars, shape_invariants, loop_vars):
    if shape_invariants is None:
        return [t.shape for t in flat_vars]
    if not cf_trace.same_structure(loop_vars, shape_invariants) and not (
            len(flat_vars) == 1 and not cf_trace.is_sequence(shape_invariants)):
        raise ValueError("The two structures don't have the same nested structure: loop_vars "
                         f"{loop_vars} and shape_invariants {shape_invariants}")
    out = []
    for t, s in zip(flat_vars, cf_trace.flatten(shape_invariants)):
        s = as_shape(s)
        if not s.is_compatible_with(t.shape):
            raise ValueError(
                f"The shape invariant specified for {t.name} is not compatible with the initial "
                f"shape of the loop variable. It enters the loop with shape {t.shape}, but the "
                f"specified shape invariant is {s}.")
        out.append(s)
    return out


def _check_next(var, out, invariant):
    if out.dtype != var.dtype:
        raise TypeError(f"Loop variable {var.name} enters the loop with type {var.dtype.name}, "
                        f"but has type {out.dtype.name} after one iteration ('{out.name}').")
    if not invariant.is_compatible_with(out.shape) or (
            invariant.rank is not None and out.shape.rank is None) or any(
            a.value is not None and b.value is None
            for a, b in zip(invariant.dims or (), out.shape.dims or ())):
        raise ValueError(
            f"Input tensor '{var.name}' enters the loop with shape {invariant}, but has shape "
            f"{out.shape} after one iteration. To allow the shape to vary across iterations, use "
            "the `shape_invariants` argument of tf.while_loop to specify a less-specific shape.")


def build_while(cond, body, loop_vars, shape_invariants, back_prop, name):
    """Traces cond and body over placeholders for the loop variables; adds the While op."""
    graph = get_default_graph()
    flat = [convert_to_tensor(v) for v in cf_trace.flatten(loop_vars)]
    shapes = _invariants(flat, shape_invariants, loop_vars)

    def trace_fn(fn, check):
        def build():
            phs = [placeholder(t.dtype, s, name="loop_var") for t, s in zip(flat, shapes)]
            result = fn(*cf_trace.pack_sequence_as(loop_vars, phs))
            return phs, result, check(result, phs)
        (phs, result, outs), ops = cf_trace.trace(graph, build)
        return phs, result, cf_trace.Branch(ops, phs, outs)

    def check_cond(result, phs):
        pred = convert_to_tensor(result)
        if pred.dtype != _dtypes.bool or pred.shape.rank not in (None, 0):
            raise ValueError(f"The loop condition must return a scalar bool tensor, got "
                             f"{pred.dtype.name} {pred.shape}")
        return [pred]

    def check_body(result, phs):
        if not cf_trace.is_sequence(result):
            result = [result]
        if not cf_trace.same_structure(list(loop_vars), list(result)):
            raise ValueError("The two structures don't have the same nested structure: loop_vars "
                             f"{loop_vars} and body result {result}")
        outs = [convert_to_tensor(t) for t in cf_trace.flatten(result)]
        for var, out, s in zip(flat, outs, shapes):
            _check_next(var, out, s)
        return outs

    _, _, cond_b = trace_fn(cond, check_cond)
    _, body_res, body_b = trace_fn(body, check_body)
    control = cf_trace.find_captures(cond_b) + cf_trace.find_captures(body_b)
    caps = cf_trace.outer_captures((cond_b, body_b))
    with graph.control_dependencies(control):
        make_op(WHILE, flat + caps, {"Tout": [t.dtype for t in flat], "output_shapes": shapes,
                                     "back_prop": bool(back_prop), "_cond": cond_b,
                                     "_body": body_b, "_n_vars": len(flat), "_stack": None},
                name)
    op = graph._ops[-1]
    cf_trace.own(op, (cond_b, body_b))
    body_res = body_res if cf_trace.is_sequence(body_res) else [body_res]
    return cf_trace.pack_sequence_as(body_res, op.outputs[:len(flat)])


def while_loop(cond, body, loop_vars, shape_invariants=None, parallel_iterations=10,
               back_prop=True, swap_memory=False, name=None, maximum_iterations=None,
               return_same_structure=False):
    """Repeats `body` while `cond` is true (TF1 `tf.while_loop`).

    `loop_vars` is a (nested) list/tuple of tensors; `body(*loop_vars)` returns the next values
    with the same structure, dtypes and shapes compatible with `shape_invariants` (by default
    the initial shapes). Gradients flow through the loop when `back_prop` is True.
    Differs from TF: iterations run one after another (`parallel_iterations` and `swap_memory`
    are accepted and ignored); the loop is one `While` op, so tensors created in the body
    cannot be fetched directly.
    """
    if not callable(cond):
        raise TypeError("cond must be callable.")
    if not callable(body):
        raise TypeError("body must be callable.")
    if parallel_iterations < 1:
        raise TypeError("parallel_iterations must be a positive integer.")
    if loop_vars is None or (cf_trace.is_sequence(loop_vars) and not cf_trace.flatten(loop_vars)):
        raise ValueError("No loop variables provided")
    if not isinstance(loop_vars, (list, tuple)):
        loop_vars = [loop_vars]
    from ..graph.default import name_scope
    with name_scope(name, "while", cf_trace.flatten(loop_vars)) as scope:
        if maximum_iterations is not None:
            cond, body, loop_vars, shape_invariants = _bounded(
                cond, body, loop_vars, shape_invariants, maximum_iterations)
        result = build_while(cond, body, loop_vars, shape_invariants, back_prop, scope)
        if maximum_iterations is not None:
            result = result[1]
    if return_same_structure:
        return result
    return result[0] if len(result) == 1 and len(cf_trace.flatten(result)) == 1 else result


def _bounded(cond, body, loop_vars, shape_invariants, maximum_iterations):
    """TF1's rewrite: a counter joins the loop variables and the condition checks it."""
    from .logic_ops import logical_and
    limit = convert_to_tensor(maximum_iterations, name="maximum_iterations")
    if limit.shape.rank not in (None, 0):
        raise ValueError(f"maximum_iterations must be a scalar, saw shape: {limit.shape}")
    counter = convert_to_tensor(0, dtype=limit.dtype)
    if shape_invariants is not None:
        shape_invariants = (TensorShape([]), shape_invariants)

    def bounded_cond(i, lv):
        return logical_and(i < limit, cond(*lv))

    def bounded_body(i, lv):
        out = body(*lv)
        return (i + 1, out if cf_trace.is_sequence(out) else [out])
    return bounded_cond, bounded_body, (counter, loop_vars), shape_invariants


