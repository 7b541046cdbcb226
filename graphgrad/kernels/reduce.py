"""Reduction kernels that keep TF's dtypes (NumPy widens int sums and makes int means float)."""


def reduce_sum(xp, x, axis, keepdims):
    return xp.asarray(xp.sum(x, axis=axis, keepdims=keepdims, dtype=x.dtype))


def reduce_mean(xp, x, axis, keepdims):
    if x.dtype.kind in "iu":
        total = xp.sum(x, axis=axis, keepdims=keepdims, dtype=x.dtype)
        count = max(x.size // max(total.size, 1), 1) if x.size else 1
        return xp.asarray(total // count, dtype=x.dtype)
    return xp.asarray(xp.mean(x, axis=axis, keepdims=keepdims, dtype=x.dtype))


def reduce_prod(xp, x, axis, keepdims):
    return xp.asarray(xp.prod(x, axis=axis, keepdims=keepdims, dtype=x.dtype))


def reduce_max(xp, x, axis, keepdims):
    if x.size == 0:
        return _empty_extreme(xp, x, axis, keepdims, "min")
    return xp.asarray(xp.max(x, axis=axis, keepdims=keepdims))


def reduce_min(xp, x, axis, keepdims):
    if x.size == 0:
        return _empty_extreme(xp, x, axis, keepdims, "max")
    return xp.asarray(xp.min(x, axis=axis, keepdims=keepdims))


def _empty_extreme(xp, x, axis, keepdims, which):
    # TF reduces an empty set to the identity of max (lowest value) or min (highest value).
    info = xp.finfo(x.dtype) if x.dtype.kind == "f" else xp.iinfo(x.dtype)
    fill = -xp.inf if which == "min" and x.dtype.kind == "f" else (
        xp.inf if x.dtype.kind == "f" else getattr(info, which))
    shape = xp.sum(xp.zeros(x.shape, dtype=x.dtype), axis=axis, keepdims=keepdims).shape
    return xp.full(shape, fill, dtype=x.dtype)


def arg_reduce(xp, x, axis, output_type, which):
    fn = xp.argmax if which == "max" else xp.argmin
    return xp.asarray(fn(x, axis=axis), dtype=output_type.np)
