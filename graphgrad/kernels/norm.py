"""Local response normalization and fused batch normalization (forward passes only: their
gradients are graph code in ops/norm_ops.py)."""


def window_sum_last_axis(xp, x, radius):
    """s[..., d] = sum of x[..., d - radius : d + radius + 1] (clipped at the edges)."""
    depth = x.shape[-1]
    out = x.copy()
    for k in range(1, min(radius, depth - 1) + 1):
        out[..., k:] += x[..., :-k]
        out[..., :-k] += x[..., k:]
    return out


def lrn(xp, x, depth_radius, bias, alpha, beta):
    norm = bias + alpha * window_sum_last_axis(xp, x * x, depth_radius)
    return (x * norm ** -beta).astype(x.dtype, copy=False)


def _axes(ndim, data_format):
    return (0, 2, 3) if data_format == "NCHW" else tuple(range(ndim - 1))


def _per_channel(v, ndim, data_format):
    return v.reshape((1, -1, 1, 1)) if data_format == "NCHW" else v


def fused_batch_norm(xp, x, scale, offset, mean, variance, epsilon, data_format, is_training):
    """(y, batch_mean, batch_variance). Training normalizes with the biased batch variance and
    returns the unbiased one (n / (n - 1) times it), as TF1 does for the moving averages."""
    axes = _axes(x.ndim, data_format)
    if is_training:
        mean = x.mean(axis=axes, dtype=scale.dtype)
        centered = x - _per_channel(mean, x.ndim, data_format)
        variance = (centered * centered).mean(axis=axes, dtype=scale.dtype)
        n = x.size // max(scale.size, 1)
        reported = variance * (n / max(n - 1, 1))
    else:
        centered = x - _per_channel(mean, x.ndim, data_format)
        reported = variance
    inv = scale / xp.sqrt(variance + epsilon)
    y = centered * _per_channel(inv, x.ndim, data_format) + _per_channel(offset, x.ndim,
                                                                          data_format)
    return (y.astype(x.dtype, copy=False), mean.astype(scale.dtype, copy=False),
            reported.astype(scale.dtype, copy=False))
