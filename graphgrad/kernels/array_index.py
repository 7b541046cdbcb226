"""Indexing kernels: strided slices, slices, gathers, scatters and `where` coordinates.

TF raises on out-of-range indices where NumPy would wrap (negative) or clamp (slices), so the
kernels check bounds first."""
import numpy as np


def strided_slice_key(begin, end, strides, begin_mask, end_mask, ellipsis_mask, new_axis_mask,
                      shrink_axis_mask):
    """The NumPy index for TF's sparse slice spec (one entry per element of begin)."""
    key = []
    for i, (b, e, s) in enumerate(zip(begin.tolist(), end.tolist(), strides.tolist())):
        bit = 1 << i
        if ellipsis_mask & bit:
            key.append(Ellipsis)
        elif new_axis_mask & bit:
            key.append(None)
        elif shrink_axis_mask & bit:
            key.append(int(b))
        elif s == 0:
            raise ValueError(f"strides[{i}] must be non-zero")
        else:
            key.append(slice(None if begin_mask & bit else int(b),
                             None if end_mask & bit else int(e), int(s)))
    return tuple(key)


def strided_slice(xp, x, begin, end, strides, **masks):
    return xp.asarray(x[strided_slice_key(begin, end, strides, **masks)])


def strided_slice_grad(xp, shape, begin, end, strides, dy, **masks):
    out = xp.zeros(tuple(int(d) for d in shape), dtype=dy.dtype)
    out[strided_slice_key(begin, end, strides, **masks)] = dy
    return out


def slice_(xp, x, begin, size):
    begin, size = begin.tolist(), size.tolist()
    if len(begin) != x.ndim or len(size) != x.ndim:
        raise ValueError(f"Expected begin and size arguments to be 1-D tensors of size {x.ndim}"
                         f", but got shapes [{len(begin)}] and [{len(size)}] instead.")
    key = []
    for i, (b, s, d) in enumerate(zip(begin, size, x.shape)):
        if not 0 <= b <= d:
            raise ValueError(f"Expected begin[{i}] in [0, {d}], but got {b}")
        s = d - b if s == -1 else s
        if not 0 <= s <= d - b:
            raise ValueError(f"Expected size[{i}] in [0, {d - b}], but got {s}")
        key.append(slice(b, b + s))
    return xp.asarray(x[tuple(key)])


def check_indices(xp, indices, limit):
    """Raises TF's message for the first index outside [0, limit)."""
    if indices.size == 0:
        return
    bad = (indices < 0) | (indices >= limit)
    if bool(bad.any()):
        pos = np.unravel_index(int(xp.argmax(bad)), indices.shape)
        raise IndexError(f"indices[{','.join(str(int(p)) for p in pos)}] = "
                         f"{int(indices[pos])} is not in [0, {limit})")


def gather(xp, params, indices, axis):
    check_indices(xp, indices, params.shape[axis])
    return xp.asarray(xp.take(params, indices, axis=axis))


def _check_nd(xp, indices, shape):
    depth = indices.shape[-1]
    flat = indices.reshape(-1, depth)
    limits = xp.asarray(shape[:depth])
    bad = ((flat < 0) | (flat >= limits)).any(axis=1) if flat.size else None
    if bad is not None and bool(bad.any()):
        row = int(xp.argmax(bad))
        pos = np.unravel_index(row, indices.shape[:-1])
        raise IndexError(f"indices[{','.join(str(int(p)) for p in pos)}] = "
                         f"{flat[row].tolist()} does not index into param shape "
                         f"[{','.join(str(d) for d in shape)}]")


def gather_nd(xp, params, indices):
    _check_nd(xp, indices, params.shape)
    depth = indices.shape[-1]
    if depth == 0:
        return xp.array(xp.broadcast_to(params, indices.shape[:-1] + params.shape))
    return xp.asarray(params[tuple(xp.moveaxis(indices, -1, 0))])


def scatter_nd(xp, indices, updates, shape):
    """Sums `updates` into zeros of `shape` at `indices` (repeated indices add up, as in TF)."""
    shape = tuple(int(d) for d in shape)
    _check_nd(xp, indices, shape)
    depth = indices.shape[-1]
    want = indices.shape[:-1] + shape[depth:]
    if updates.shape != want:
        raise ValueError(f"updates has shape {list(updates.shape)}, expected {list(want)}")
    out = xp.zeros(shape, dtype=updates.dtype)
    if depth == 0:
        out += updates.reshape((-1,) + shape).sum(axis=0, dtype=updates.dtype)
        return out
    xp.add.at(out, tuple(xp.moveaxis(indices, -1, 0)), updates)
    return out


def where(xp, condition):
    return xp.argwhere(condition).astype(np.int64)
