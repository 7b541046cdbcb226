"""Faster NumPy formulations the plan swaps in for 2-D float ops (runtime/rewrite.py decides).

Sums along one axis of a small matrix run as a BLAS matrix-vector product with a ones vector
(about 4x faster than np.sum's reduction loop for rows of 10); results keep the input's dtype.
Differs from the generic kernels only in summation order (float rounding).
"""
import numpy as np

from .softmax import softmax, softmax_xent

_ONES = {}


def ones(n, dtype):
    """A cached read-only ones vector of length n."""
    key = (n, dtype)
    vec = _ONES.get(key)
    if vec is None:
        if len(_ONES) > 256:
            _ONES.clear()
        vec = np.ones(n, dtype)
        vec.flags.writeable = False
        _ONES[key] = vec
    return vec


def row_sums(x):
    """x.sum(axis=1) for a 2-D float array, via gemv."""
    return np.dot(x, ones(x.shape[1], x.dtype))


def col_sums(x):
    """x.sum(axis=0) for a 2-D float array, via gemv."""
    return np.dot(ones(x.shape[0], x.dtype), x)


def sum_2d(x, axis, keepdims):
    """reduce_sum of a 2-D float array over (0,), (1,) or (-1,); other cases go to NumPy."""
    if x.ndim != 2 or axis not in ((0,), (1,), (-1,), (-2,)):
        return np.asarray(np.sum(x, axis=axis, keepdims=keepdims, dtype=x.dtype))
    if axis[0] % 2 == 1:
        out = row_sums(x)
        return out.reshape(-1, 1) if keepdims else out
    out = col_sums(x)
    return out.reshape(1, -1) if keepdims else out


# A row whose exponentials, shifted by the matrix's max, sum to at least e**-20 has its own max
# within about 20 of the matrix's: its terms lose no more to underflow than with its own shift.
_SHIFT_FLOOR = float(np.exp(-20.0))
_NO_SHIFT_BELOW = {}


def _no_shift_bound(dtype, n):
    """The largest max for which exp(x) of a row of n cannot overflow, nor its sum."""
    key = (dtype, n)
    bound = _NO_SHIFT_BELOW.get(key)
    if bound is None:
        bound = _NO_SHIFT_BELOW[key] = float(np.log(np.finfo(dtype).max / n)) - 1.0
    return bound


def softmax_2d(x):
    """Stable softmax over the last axis of a 2-D float array, in place on one temporary.

    NumPy's per-row max of short rows costs more than the rest of the softmax, so float32 and
    float64 skip it (`_exp_unshifted`); when some row's exponentials then sum to so little that
    its terms would lose precision to underflow (or the input holds inf or NaN), and for other
    dtypes, every row is shifted by its own max."""
    if x.ndim != 2 or not x.size:
        return softmax(np, x)
    total = None
    if x.dtype == np.float32 or x.dtype == np.float64:  # float16 cannot hold the floor
        e, total, _ = _exp_unshifted(x)
    if total is None or not np.minimum.reduce(total) >= _SHIFT_FLOOR:
        e = x - x.max(axis=1, keepdims=True)
        np.exp(e, out=e)
        total = row_sums(e)
    e /= total.reshape(-1, 1)
    return e


def _exp_unshifted(x):
    """(exp(x - c), its row sums, c): c = 0 when the matrix's max is small enough that nothing
    can overflow (softmax is shift-invariant), else the matrix's max."""
    top = np.maximum.reduce(x, axis=None)  # (ndarray.max adds a Python-level wrapper)
    if top <= _no_shift_bound(x.dtype, x.shape[1]):
        e, top = np.exp(x), 0
    else:
        e = x - top
        np.exp(e, out=e)
    return e, row_sums(e), top


def softmax_xent_2d(logits, labels):
    """(loss, softmax - labels) of SoftmaxCrossEntropyWithLogits for 2-D float rows, as
    softmax_2d: one shift for the whole matrix unless some row lies far below its max (then, and
    for other shapes or dtypes, the generic kernel shifts each row by its own max)."""
    if (logits.ndim != 2 or not logits.size or logits.shape != labels.shape
            or logits.dtype != labels.dtype or logits.dtype not in (np.float32, np.float64)):
        return softmax_xent(np, logits, labels)
    e, total, shift = _exp_unshifted(logits)
    if not np.minimum.reduce(total) >= _SHIFT_FLOOR:
        return softmax_xent(np, logits, labels)
    log_total = np.log(total).reshape(-1, 1)
    if shift:  # (x - c) - log(total): x - c is exact near the max, as the generic kernel's
        log_p = logits - shift
        log_p -= log_total
    else:
        log_p = logits - log_total
    log_p *= labels
    loss = row_sums(log_p)
    np.negative(loss, out=loss)
    e /= total.reshape(-1, 1)
    e -= labels
    return loss, e


def softmax_log_grad(g, sm):
    """The gradient reaching softmax's logits through log(softmax): g - sm * sum(g, -1), which
    equals the graph's ((g / sm) - sum(g / sm * sm)) * sm but needs no 1/sm (finite at sm=0)."""
    if g.shape != sm.shape:
        g, sm = np.broadcast_arrays(g, sm)
    if g.ndim == 2 and g.size:
        total = row_sums(g).reshape(-1, 1)
    else:
        total = np.sum(g, axis=-1, keepdims=True, dtype=g.dtype)
    out = sm * total
    np.subtract(g, out, out=out)
    return out
