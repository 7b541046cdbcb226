"""Plan-time kernel specialization (a rewrite pass of runtime/rewrite.py): for steps of a NumPy
plan, cheaper calls computing the same values, where the generic kernels spend more on dispatch
and bookkeeping than on arithmetic at W1's sizes (100x10 matrices).
"""
import numpy as np

from ..kernels import compiled, fused


def _dot_kernel(ta, tb):
    if ta and tb:
        return lambda a, b: np.dot(a.T, b.T)
    if ta:
        return lambda a, b: np.dot(a.T, b)
    if tb:
        return lambda a, b: np.dot(a, b.T)
    return np.dot


def _sum_to_kernel(fn):
    last = [None, None]

    def sum_to(g, s):
        if s is not last[0]:
            last[0], last[1] = s, tuple(int(d) for d in s)
        if g.shape == last[1]:
            return g
        if g.ndim == 2 and last[1] == g.shape[1:] and g.dtype.kind == "f":
            return fused.col_sums(g)
        return fn(g, s)
    # [target shape array, its tuple]: the plan tests it inline and skips the call when the
    # gradient already has the target shape (codegen.py).
    sum_to.passthrough = last
    return sum_to


def _float_2d(t):
    return t.shape.ndims == 2 and t.dtype.is_floating


def _sum_kernel(axis, keepdims):
    def reduce_sum(x):
        return fused.sum_2d(x, axis, keepdims)
    return reduce_sum


def specialize_kernels(steps):
    """NumPy calls that skip generic dispatch, for float inputs of static rank 2: MatMul as
    np.dot on transposed views, Sum over one axis, Softmax and the softmax cross-entropy via gemv
    row sums, and SumToShape returning its input when shapes agree (a column sum via gemv for a
    bias gradient); float Add/Sub/Mul as bare ufuncs, and variable reads as dict lookups."""
    for st in steps:
        op = st.op
        if op.type == "MatMul" and all(_float_2d(t) for t in op.inputs):
            st.fn = _dot_kernel(op.attrs["transpose_a"], op.attrs["transpose_b"])
        elif op.type == "Sum" and _float_2d(op.inputs[0]) and \
                tuple(op.attrs["axis"] or (None,)) in ((0,), (1,), (-1,), (-2,)):
            st.fn = _sum_kernel(tuple(op.attrs["axis"]), op.attrs["keepdims"])
        elif op.type == "Softmax" and _float_2d(op.inputs[0]):
            st.fn = fused.softmax_2d
        elif op.type == "SoftmaxCrossEntropyWithLogits" and all(_float_2d(t) for t in op.inputs):
            st.fn = fused.softmax_xent_2d
        elif op.type == "SumToShape":
            st.fn = _sum_to_kernel(st.fn)
        elif (op.type in _UFUNCS and getattr(st.fn, "func", None) is op.opdef.kernel
              and all(t.dtype.is_floating for t in op.inputs)):
            st.fn = _UFUNCS[op.type]
        elif "read" in st.tags and not st.ins and "var" in getattr(st.fn, "keywords", ()):
            st.fn = _read_kernel(st.fn)
        else:
            continue
        st.tags.append("specialized")
    return steps


# Float ops whose generic kernels are exactly these ufuncs: called directly, without a wrapper.
_UFUNCS = {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply}


def _read_kernel(fn):
    """A variable read as a plain dict lookup; the generic kernel reports a missing value."""
    store, key = fn.keywords["store"], fn.keywords["var"]

    def read():
        try:
            return store[key]
        except KeyError:
            return fn()
    read.keywords = fn.keywords  # the plan finds the variables it hands out here
    return read


def direct_update(st, use_compiled=False):
    """For an in-place ApplyGradientDescent on NumPy: a kernel that checks, reads and updates
    its variable directly (the generic update kernel's bookkeeping costs more than the update of
    a small variable); anything unusual goes to the generic kernel. Bit for bit the same."""
    fn = st.fn
    kw = getattr(fn, "keywords", None) or {}
    if getattr(fn, "args", ())[:1] != (np,) or "owned" not in kw:
        return
    if st.op.type != "ApplyGradientDescent":
        _direct_apply(st, use_compiled)
        return
    store, owned, key = kw["store"], kw["owned"], kw["refs"][0]
    owns_delta = [False]  # set by `gradient_buffers`: delta is a buffer only this step reads

    def apply_gradient_descent(alpha, delta):
        var = store.get(key)
        if (var is not None and owned.get(key) is var and type(delta) is np.ndarray
                and delta.shape == var.shape and delta.dtype == var.dtype
                and getattr(alpha, "dtype", None) == var.dtype):
            if owns_delta[0]:
                var -= np.multiply(delta, alpha, out=delta)
            else:
                var -= delta * alpha
            return var
        return fn(alpha, delta)
    apply_gradient_descent.keywords = kw  # the plan finds the variables it hands out here
    apply_gradient_descent.owns_delta = owns_delta
    st.fn = apply_gradient_descent


def _direct_apply(st, use_compiled):
    """Another in-place update (Adam, Momentum, ...) on NumPy: the update rule called on the
    stored arrays after the checks the generic kernel makes, without its per-call setup; anything
    unusual goes to the generic kernel. With `use_compiled`, the rule's compiled loop where numba
    is installed (kernels/compiled.py). Bit for bit the same."""
    fn = st.fn
    update = getattr(fn.func, "update_inplace", None)
    if update is None:
        return
    faster = compiled.inplace_update(update) if use_compiled else None
    if faster is not None:
        update = faster
        st.tags.append("compiled")
    kw, grad_index = fn.keywords, fn.func.grad_index
    store, owned, keys = kw["store"], kw["owned"], kw["refs"]
    attrs = {k: v for k, v in kw.items()
             if k not in ("store", "owned", "refs", "where", "use_locking")}
    ndarray = np.ndarray

    def apply(*values):
        current = [store.get(k) for k in keys]
        var = current[0]
        if var is not None and all(owned.get(k) is c for k, c in zip(keys, current)):
            shape, dtype = var.shape, var.dtype
            if (all(c.shape == shape for c in current)
                    and all(type(v) is ndarray and v.dtype == dtype for v in values)
                    and values[grad_index].shape == shape):
                update(np, *current, *values, **attrs)
                return var
        return fn(*values)
    apply.keywords = kw  # the plan finds the variables it hands out here
    apply.grad_index = grad_index  # keeps no reference to its gradient (gradient_buffers)
    apply.update_rule = fn.func.update_inplace  # the NumPy rule (compiled_steps.would_compile)
    st.fn = apply


def gradient_buffers(steps, protected):
    """A weight gradient (a MatMul) that only its variable's direct update reads is written into
    one buffer kept across runs (an SGD update then scales it in place): as the hand-written
    loop, a step of W1 then allocates no weight-sized temporaries. Values are bit for bit the
    same."""
    from .rewrite import producers, value_readers  # rewrite imports this module
    producer = producers(steps)
    readers = value_readers(steps)
    for st in steps:
        owns_delta = getattr(st.fn, "owns_delta", None)
        grad_index = -1 if owns_delta is not None else getattr(st.fn, "grad_index", None)
        if grad_index is None or not isinstance(st.ins[grad_index], int):
            continue
        delta = st.ins[grad_index]
        mm = producer.get(delta)
        if (mm is None or delta in protected or mm.op.type != "MatMul" or mm.memo is not None
                or "specialized" not in mm.tags or readers.get(delta) != [st]):
            continue
        mm.fn = _dot_into(mm.op.attrs["transpose_a"], mm.op.attrs["transpose_b"], mm.fn)
        mm.tags.append("reused_buffer")
        if owns_delta is not None:
            owns_delta[0] = True
    return steps


def _dot_into(ta, tb, plain):
    """`plain` (the specialized MatMul) writing into one buffer kept across runs."""
    buffer = [None]

    def dot_into(a, b):
        if type(a) is not np.ndarray or a.ndim != 2 or b.ndim != 2 or a.dtype != b.dtype:
            return plain(a, b)
        a = a.T if ta else a
        b = b.T if tb else b
        out = buffer[0]
        if out is None or out.shape != (a.shape[0], b.shape[1]) or out.dtype != a.dtype:
            out = buffer[0] = np.empty((a.shape[0], b.shape[1]), a.dtype)
        return np.dot(a, b, out=out)
    return dot_into
