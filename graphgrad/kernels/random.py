"""Random kernels: each draws from the numpy Generator the session keeps for the op."""
import numpy as np


def _size(shape):
    return tuple(int(d) for d in np.reshape(shape, (-1,)))


def _floats(xp, draw, dtype):
    # Generators draw float32 and float64 natively; other widths are drawn as float64.
    np_dtype = np.dtype(dtype.np)
    native = np_dtype if np_dtype in (np.float32, np.float64) else np.float64
    return xp.asarray(draw(native).astype(np_dtype, copy=False))


def standard_normal(xp, shape, dtype, rng, **_):
    return _floats(xp, lambda d: rng.standard_normal(_size(shape), dtype=d), dtype)


def truncated_normal(xp, shape, dtype, rng, **_):
    """Standard normal values, redrawn until every one lies within two standard deviations."""
    def draw(d):
        out = rng.standard_normal(_size(shape), dtype=d)
        bad = np.abs(out) > 2
        while bad.any():
            out[bad] = rng.standard_normal(int(bad.sum()), dtype=d)
            bad = np.abs(out) > 2
        return out
    return _floats(xp, draw, dtype)


def uniform(xp, shape, dtype, rng, **_):
    out = _floats(xp, lambda d: rng.random(_size(shape), dtype=d), dtype)
    # Rounding a float64 draw to a narrow float can reach 1.0; the range is [0, 1).
    return xp.minimum(out, np.nextafter(out.dtype.type(1), out.dtype.type(0)))


def uniform_int(xp, shape, minval, maxval, rng, **_):
    lo, hi = int(minval), int(maxval)
    if lo >= hi:
        raise ValueError(f"Need minval < maxval: {lo} >= {hi}")
    return xp.asarray(rng.integers(lo, hi, size=_size(shape), dtype=np.dtype(minval.dtype)))


def shuffle(xp, value, rng, **_):
    if value.ndim == 0:
        return value.copy()
    return xp.asarray(rng.permutation(np.asarray(value), axis=0))


def multinomial(xp, logits, num_samples, output_dtype, rng, **_):
    """Class indices drawn per row with probabilities softmax(logits) (inverse CDF)."""
    logits = np.asarray(logits, dtype=np.float64)
    n = int(num_samples)
    if logits.shape[-1] == 0 and logits.shape[0] and n:
        raise ValueError("num_classes should be positive, got 0")
    p = np.exp(logits - logits.max(axis=-1, keepdims=True)) if logits.size else logits
    cdf = np.cumsum(p, axis=-1)
    u = rng.random((logits.shape[0], n)) * cdf[:, -1:] if cdf.size else np.zeros((0, n))
    out = np.stack([np.searchsorted(c, r, side="right") for c, r in zip(cdf, u)]) \
        if len(u) else np.zeros((0, n))
    out = np.minimum(out, max(logits.shape[-1] - 1, 0))
    return xp.asarray(out.astype(np.dtype(output_dtype.np)))
