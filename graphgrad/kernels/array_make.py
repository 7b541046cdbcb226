"""Kernels that make tensors from sizes and values: range, linspace, one_hot, unique."""


def range_(xp, start, limit, delta):
    dtype = start.dtype
    s, lim, d = start.item(), limit.item(), delta.item()
    if d == 0:
        raise ValueError("Requires delta != 0")
    if d > 0 and s > lim:
        raise ValueError(f"Requires start <= limit when delta > 0: {s}/{lim}")
    if d < 0 and s < lim:
        raise ValueError(f"Requires start >= limit when delta < 0: {s}/{lim}")
    if dtype.kind in "iu":
        n = (abs(lim - s) + abs(d) - 1) // abs(d)
    else:
        n = int(xp.ceil(abs((limit - start) / delta)))
    # TF accumulates `value += delta` in the output dtype; a sequential cumsum rounds the same.
    steps = xp.full(n, delta, dtype=dtype)
    if n:
        steps[0] = start
    return xp.cumsum(steps, dtype=dtype)


def linspace(xp, start, stop, num):
    n = int(num)
    if n <= 0:
        raise ValueError(f"Requires num > 0: {n}")
    dtype = start.dtype
    if n == 1:
        return xp.asarray([start], dtype=dtype)
    step = (stop - start) / dtype.type(n - 1)
    out = (start + step * xp.arange(n, dtype=dtype)).astype(dtype)
    out[-1] = stop
    return out


def one_hot(xp, indices, depth, on_value, off_value, axis):
    d = int(depth)
    if d < 0:
        raise ValueError(f"depth must be non-negative, got: {d}")
    hot = indices[..., None] == xp.arange(d)
    out = xp.where(hot, on_value, off_value).astype(on_value.dtype, copy=False)
    return out if axis == -1 else xp.moveaxis(out, -1, axis)


def unique(xp, x, out_idx):
    """The distinct values in order of first occurrence (as TF), and each element's position."""
    if x.ndim != 1:
        raise ValueError(f"unique expects a 1D vector, got shape {list(x.shape)}")
    _, first, inverse = xp.unique(x, return_index=True, return_inverse=True)
    order = xp.argsort(first)
    position = xp.empty_like(order)
    position[order] = xp.arange(order.size)
    return x[first[order]], position[inverse.reshape(-1)].astype(out_idx.np)
