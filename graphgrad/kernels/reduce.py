"""Reduction and scan kernels that keep TF's dtypes (NumPy widens int sums and makes int means
float) and TF's results on empty inputs."""


def reduce_sum(xp, x, axis, keepdims):
    return xp.asarray(xp.sum(x, axis=axis, keepdims=keepdims, dtype=x.dtype))


def _count(x, axis):
    if axis is None:
        return x.size
    n = 1
    for a in axis:
        n *= x.shape[a]
    return n


def reduce_mean(xp, x, axis, keepdims):
    total = xp.sum(x, axis=axis, keepdims=keepdims, dtype=x.dtype)
    count = _count(x, axis)
    if x.dtype.kind in "iu":
        # TF divides the integer sum in C: the mean truncates toward zero.
        if count == 0:
            return xp.zeros_like(xp.asarray(total))
        q = xp.floor_divide(total, count)
        return xp.asarray(xp.where((q < 0) & (q * count != total), q + 1, q), dtype=x.dtype)
    # An empty mean is 0/0 = nan, as in TF.
    return xp.asarray(total / x.dtype.type(count) if count else total * xp.nan, dtype=x.dtype)


def reduce_prod(xp, x, axis, keepdims):
    return xp.asarray(xp.prod(x, axis=axis, keepdims=keepdims, dtype=x.dtype))


def reduce_max(xp, x, axis, keepdims):
    if x.size == 0:
        return _empty_extreme(xp, x, axis, keepdims, lowest=True)
    return xp.asarray(xp.max(x, axis=axis, keepdims=keepdims))


def reduce_min(xp, x, axis, keepdims):
    if x.size == 0:
        return _empty_extreme(xp, x, axis, keepdims, lowest=False)
    return xp.asarray(xp.min(x, axis=axis, keepdims=keepdims))


def _empty_extreme(xp, x, axis, keepdims, lowest):
    # TF reduces an empty set to the identity: max gives the lowest value, min the highest.
    if x.dtype.kind == "f":
        fill = -xp.inf if lowest else xp.inf
    else:
        info = xp.iinfo(x.dtype)
        fill = info.min if lowest else info.max
    shape = xp.sum(xp.zeros(x.shape, dtype=x.dtype), axis=axis, keepdims=keepdims).shape
    return xp.full(shape, fill, dtype=x.dtype)


def reduce_all(xp, x, axis, keepdims):
    return xp.asarray(xp.all(x, axis=axis, keepdims=keepdims))


def reduce_any(xp, x, axis, keepdims):
    return xp.asarray(xp.any(x, axis=axis, keepdims=keepdims))


def arg_reduce(xp, x, axis, output_type, which):
    if x.shape[axis] == 0:
        raise ValueError(f"Reduction axis {axis} is empty in shape {list(x.shape)}")
    fn = xp.argmax if which == "max" else xp.argmin
    return xp.asarray(fn(x, axis=axis), dtype=output_type.np)


def _scan(xp, fn, identity, x, axis, exclusive, reverse):
    axis = int(axis)
    if reverse:
        x = xp.flip(x, axis=axis)
    out = fn(x, axis=axis, dtype=x.dtype)
    if exclusive and out.shape[axis]:
        # Shift by one along the axis, the identity entering first.
        head = [slice(None)] * out.ndim
        head[axis] = slice(0, 1)
        body = list(head)
        body[axis] = slice(0, -1)
        lead = xp.full_like(out[tuple(head)], identity)
        out = xp.concatenate([lead, out[tuple(body)]], axis=axis)
    if reverse:
        out = xp.flip(out, axis=axis)
    return xp.asarray(out, dtype=x.dtype)


def cumsum(xp, x, axis, exclusive, reverse):
    return _scan(xp, xp.cumsum, 0, x, axis, exclusive, reverse)


def cumprod(xp, x, axis, exclusive, reverse):
    return _scan(xp, xp.cumprod, 1, x, axis, exclusive, reverse)
