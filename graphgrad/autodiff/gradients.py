"""`tf.gradients`: reverse-mode autodiff that builds the backward pass as ordinary graph ops."""
from ..graph.constant import convert_to_tensor
from ..graph.graph import get_default_graph
from ..graph.registry import get_gradient_function


def _listify(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _ops_between(ys, xs):
    """Ops on some data path from an x to a y (the only ones whose gradient matters)."""
    forward = set()
    stack = [x.op for x in xs]
    while stack:
        op = stack.pop()
        if op in forward:
            continue
        forward.add(op)
        for t in op.outputs:
            stack.extend(c for c in t._consumers if c not in forward)
    between = set()
    stack = [y.op for y in ys]
    while stack:
        op = stack.pop()
        if op in between or op not in forward:
            continue
        between.add(op)
        stack.extend(t.op for t in op.inputs)
    return between


def _aggregate(grads):
    from ..ops.math_ops import add_n
    grads = [g for g in grads if g is not None]
    if not grads:
        return None
    if len(grads) == 1:
        return grads[0]
    return add_n(grads)


def _differentiable(t):
    return t.dtype.is_floating or t.dtype.is_complex


def gradients(ys, xs, grad_ys=None, name="gradients", colocate_gradients_with_ops=False,
              gate_gradients=False, aggregation_method=None, stop_gradients=None,
              unconnected_gradients="none"):
    """Symbolic derivatives of sum(ys) w.r.t. each x; None where x does not reach ys.

    `stop_gradients` tensors are held constant: no gradient flows through them to their inputs,
    but the gradient w.r.t. each of them is still computed. `unconnected_gradients="zero"` gives
    zeros instead of None for xs that do not reach ys.

    Differs from TF: `colocate_gradients_with_ops`, `gate_gradients` and `aggregation_method`
    are accepted and ignored. In TF they choose where gradient ops run, whether a tuple of
    gradients waits for all of them, and how many partial gradients are summed at once. A
    graphgrad plan runs its steps one after another and sums all partial gradients with one
    AddN, so gating and aggregation change nothing; gradient ops are placed by the device scope
    active at the call, as TF places them without colocation.
    """
    if unconnected_gradients not in ("none", "zero"):
        raise ValueError(f"Unknown value for unconnected_gradients: '{unconnected_gradients}'")
    ys = [convert_to_tensor(y) for y in _listify(ys)]
    # TF converts xs "as ref": a Variable means its VariableV2 output, which every read reaches.
    xs = [convert_to_tensor(x._ref() if hasattr(x, "_ref") else x) for x in _listify(xs)]
    grad_ys = _listify(grad_ys) if grad_ys is not None else [None] * len(ys)
    if len(grad_ys) != len(ys):
        raise ValueError(f"Passed {len(grad_ys)} grad_ys for {len(ys)} ys")
    stop_tensors = [convert_to_tensor(s) for s in _listify(stop_gradients or [])]
    stop_ops = {s.op for s in stop_tensors}
    graph = ys[0].graph if ys else get_default_graph()
    with graph.as_default(), graph.name_scope(name):
        pending = {}
        for i, (y, gy) in enumerate(zip(ys, grad_ys)):
            if gy is None:
                from ..ops.array_ops import ones_like
                gy = ones_like(y, name=f"grad_ys_{i}")
            else:
                gy = convert_to_tensor(gy, dtype=y.dtype)
            pending.setdefault(y, []).append(gy)
        between = _ops_between(ys, xs)
        for op in sorted(between, key=lambda o: o._id, reverse=True):
            _backprop_op(op, pending, stop_ops, between)
        grads = [_aggregate(pending.get(x, [])) for x in xs]
        if unconnected_gradients == "zero":
            from ..ops.array_ops import zeros_like
            grads = [zeros_like(x) if g is None else g for x, g in zip(xs, grads)]
        return grads


def _backprop_op(op, pending, stop_ops, between):
    out_grads = [_aggregate(pending.get(t, [])) for t in op.outputs]
    for t, g in zip(op.outputs, out_grads):
        if g is not None:
            pending[t] = [g]
    if op in stop_ops or all(g is None for g in out_grads):
        return
    # Nothing to pass on: no input is a float on a path from an x (an x's own op, for one).
    if not any(_differentiable(t) and t.op in between for t in op.inputs):
        return
    fn = get_gradient_function(op)
    if fn is None:
        return
    graph = op.graph
    first_new = len(graph._ops)
    with graph.name_scope(op.name + "_grad"):
        if len(out_grads) > 1 and any(g is None for g in out_grads):
            from ..ops.array_ops import zeros_like
            out_grads = [zeros_like(t) if g is None else g for t, g in zip(op.outputs, out_grads)]
        in_grads = _listify(fn(op, *out_grads))
    # Run-time errors and the debugger name the forward op a gradient op differentiates.
    for new_op in graph._ops[first_new:]:
        new_op.attrs.setdefault("_forward_op", op.name)
    if len(in_grads) != len(op.inputs):
        raise ValueError(f"Gradient function for op {op.name} ({op.type}) returned "
                         f"{len(in_grads)} gradients, expected {len(op.inputs)}.")
    for t, g in zip(op.inputs, in_grads):
        if g is not None and _differentiable(t):
            pending.setdefault(t, []).append(convert_to_tensor(g))
