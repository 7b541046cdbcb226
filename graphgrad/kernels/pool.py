"""Max and average pooling and their gradients on NHWC arrays (NCHW is transposed in and out),
through the strided windows of kernels/conv.py."""
from .conv import _back, _nhwc, _nhwc_attrs, _nhwc_shape, scatter_offsets, scatter_windows, windows

_ONE = [1, 1, 1, 1]


def _window_args(ksize, strides, data_format):
    ksize, strides = _nhwc_attrs(ksize, strides, data_format)
    if ksize[0] != 1 or ksize[3] != 1 or strides[0] != 1 or strides[3] != 1:
        raise ValueError("Pooling is not yet supported on the batch nor depth dimensions.")
    return ksize[1], ksize[2], strides


def _lowest(xp, dtype):
    return -xp.inf if xp.dtype(dtype).kind == "f" else xp.iinfo(dtype).min


# --- max pooling --------------------------------------------------------------------------------
def max_pool(xp, x, ksize, strides, padding, data_format):
    kh, kw, strides = _window_args(ksize, strides, data_format)
    x = _nhwc(xp, x, data_format)
    cols = windows(xp, x, kh, kw, strides, _ONE, padding, _lowest(xp, x.dtype))
    return _back(xp, cols.max(axis=(3, 4)) if cols.size else cols[:, :, :, 0, 0], data_format)


def _argmax(xp, x, kh, kw, strides, padding):
    """Per output cell and channel, the flat (i * kw + j) offset of the window's first maximum
    in row-major order (TF1 routes a tied gradient to that one cell): a running maximum over
    the kh * kw offsets, each step one vectorised compare."""
    cols = windows(xp, x, kh, kw, strides, _ONE, padding, _lowest(xp, x.dtype))
    best = cols[:, :, :, 0, 0].copy()
    idx = xp.zeros(best.shape, xp.int32)
    for k in range(1, kh * kw):
        value = cols[:, :, :, k // kw, k % kw]
        better = value > best
        xp.copyto(best, value, where=better)
        idx[better] = k
    return idx


def max_pool_grad(xp, x, y, g, ksize, strides, padding, data_format):
    kh, kw, strides = _window_args(ksize, strides, data_format)
    x, g = _nhwc(xp, x, data_format), _nhwc(xp, g, data_format)
    idx = _argmax(xp, x, kh, kw, strides, padding)
    zero = xp.zeros((), g.dtype)
    dx = scatter_offsets(xp, lambda i, j: xp.where(idx == i * kw + j, g, zero), idx.shape, kh,
                         kw, g.dtype, x.shape, strides, _ONE, padding)
    return _back(xp, dx, data_format)


def max_pool_grad_grad(xp, x, y, gg, ksize, strides, padding, data_format):
    kh, kw, strides = _window_args(ksize, strides, data_format)
    x, gg = _nhwc(xp, x, data_format), _nhwc(xp, gg, data_format)
    idx = _argmax(xp, x, kh, kw, strides, padding)
    cols = windows(xp, gg, kh, kw, strides, _ONE, padding)
    out = xp.zeros(idx.shape, gg.dtype)
    for k in range(kh * kw):
        xp.copyto(out, cols[:, :, :, k // kw, k % kw], where=idx == k)
    return _back(xp, out, data_format)


# --- average pooling: SAME windows average only the cells inside the input, as TF does ----------
def _counts(xp, in_shape, kh, kw, strides, padding, dtype):
    ones = xp.ones((1, in_shape[1], in_shape[2], 1), dtype)
    return windows(xp, ones, kh, kw, strides, _ONE, padding).sum(axis=(3, 4))


def avg_pool(xp, x, ksize, strides, padding, data_format):
    kh, kw, strides = _window_args(ksize, strides, data_format)
    x = _nhwc(xp, x, data_format)
    cols = windows(xp, x, kh, kw, strides, _ONE, padding)
    total = cols.sum(axis=(3, 4))
    out = total / _counts(xp, x.shape, kh, kw, strides, padding, x.dtype)
    return _back(xp, out.astype(x.dtype, copy=False), data_format)


def avg_pool_grad(xp, orig_input_shape, g, ksize, strides, padding, data_format):
    kh, kw, strides = _window_args(ksize, strides, data_format)
    in_shape = _nhwc_shape(orig_input_shape, data_format)
    g = _nhwc(xp, g, data_format)
    share = g / _counts(xp, in_shape, kh, kw, strides, padding, g.dtype)
    n, oh, ow, c = share.shape
    cols = xp.broadcast_to(share[:, :, :, None, None, :], (n, oh, ow, kh, kw, c))
    dx = scatter_windows(xp, cols, in_shape, strides, _ONE, padding)
    return _back(xp, dx.astype(g.dtype, copy=False), data_format)
