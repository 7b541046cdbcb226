"""Max and average pooling and their gradients on NHWC arrays (NCHW is transposed in and out).

Each kernel works on kh * kw (N, OH, OW, C) views, one per window offset. Windows that tile the
input from its corner (ksize == strides, no padding: 2x2 / stride 2 on even sizes, most VALID
pools) take these views as strided slices of the input itself, with no padded copy, and their
gradients are written in place; any other pooling takes them from the strided windows of
kernels/conv.py and adds its gradients back through scatter_offsets.
"""
from .conv import _back, _geometry, _nhwc, _nhwc_attrs, _nhwc_shape, scatter_offsets, windows

_ONE = [1, 1, 1, 1]


def _window_args(ksize, strides, data_format):
    ksize, strides = _nhwc_attrs(ksize, strides, data_format)
    if ksize[0] != 1 or ksize[3] != 1 or strides[0] != 1 or strides[3] != 1:
        raise ValueError("Pooling is not yet supported on the batch nor depth dimensions.")
    return ksize[1], ksize[2], strides


def _lowest(xp, dtype):
    return -xp.inf if xp.dtype(dtype).kind == "f" else xp.iinfo(dtype).min


def tiles(in_shape, kh, kw, strides, padding):
    """(OH, OW) when the windows tile the input from its top-left corner without overlap or
    padding (cells past the last window, as VALID may leave, belong to no window); else None."""
    if (kh, kw) != (strides[1], strides[2]):
        return None
    oh, ow, pad_h, pad_w = _geometry(in_shape, kh, kw, strides, _ONE, padding)
    return None if any(pad_h + pad_w) else (oh, ow)


def _tile_slices(kh, kw, oh, ow):
    """Per window offset (i, j), in row-major order, the index of that cell of every window."""
    return [(slice(None), slice(i, oh * kh, kh), slice(j, ow * kw, kw))
            for i in range(kh) for j in range(kw)]


def _views(xp, x, kh, kw, strides, padding, pad_value=0):
    """The kh * kw (N, OH, OW, C) views of `x`, one per window offset in row-major order."""
    tiled = tiles(x.shape, kh, kw, strides, padding)
    if tiled:
        return [x[index] for index in _tile_slices(kh, kw, *tiled)]
    cols = windows(xp, x, kh, kw, strides, _ONE, padding, pad_value)
    return [cols[:, :, :, i, j] for i in range(kh) for j in range(kw)]


def _fold(xp, ufunc, views):
    """ufunc folded over the views into one new contiguous array."""
    if len(views) == 1:
        return views[0].copy()
    out = ufunc(views[0], views[1])
    for view in views[2:]:
        ufunc(out, view, out=out)
    return out


# --- max pooling --------------------------------------------------------------------------------
def max_pool(xp, x, ksize, strides, padding, data_format):
    kh, kw, strides = _window_args(ksize, strides, data_format)
    x = _nhwc(xp, x, data_format)
    views = _views(xp, x, kh, kw, strides, padding, _lowest(xp, x.dtype))
    return _back(xp, _fold(xp, xp.maximum, views), data_format)


def _first_max(xp, views):
    """Per view, a mask of the output cells and channels whose window has its first maximum in
    row-major order in that view (TF1 routes a tied gradient to that one cell; a NaN first
    cell keeps it, since nothing compares greater): compares and fmax only, no masked copies,
    which are several times slower in NumPy."""
    best = views[0].copy()
    if best.dtype.kind == "f" and xp.isnan(best).any():
        best[xp.isnan(best)] = xp.inf
    better = []
    for k in range(1, len(views)):
        better.append(xp.greater(views[k], best))
        if k + 1 < len(views):
            xp.fmax(best, views[k], out=best)
    # The running argmax ends at the last view that was better than all before it.
    hits, taken = [None] * len(views), xp.zeros(best.shape, bool)
    for k in range(len(views) - 1, 0, -1):
        hits[k] = better[k - 1] & ~taken
        taken |= better[k - 1]
    hits[0] = ~taken
    return hits


def _bits(xp, a):
    """Floats viewed as unsigned integers of their width: multiplying those by a 0/1 mask
    zeroes a NaN or inf exactly, where 0 * NaN would be NaN."""
    return a.view(f"u{a.dtype.itemsize}") if a.dtype.kind == "f" else a


def _masked(xp, a, mask, out=None):
    """`a` where `mask`, else 0."""
    if out is None:
        return xp.multiply(_bits(xp, a), mask).view(a.dtype)
    return xp.multiply(_bits(xp, a), mask, out=_bits(xp, out))


def max_pool_grad(xp, x, y, g, ksize, strides, padding, data_format):
    kh, kw, strides = _window_args(ksize, strides, data_format)
    x, g = _nhwc(xp, x, data_format), _nhwc(xp, g, data_format)
    hits = _first_max(xp, _views(xp, x, kh, kw, strides, padding, _lowest(xp, x.dtype)))
    tiled = tiles(x.shape, kh, kw, strides, padding)
    if tiled:
        # Each input cell is in at most one window: its gradient is written, not added.
        covered = (tiled[0] * kh, tiled[1] * kw) == tuple(x.shape[1:3])
        dx = (xp.empty if covered else xp.zeros)(x.shape, g.dtype)
        for index, hit in zip(_tile_slices(kh, kw, *tiled), hits):
            _masked(xp, g, hit, out=dx[index])
    else:
        dx = scatter_offsets(xp, lambda i, j: _masked(xp, g, hits[i * kw + j]), g.shape,
                             kh, kw, g.dtype, x.shape, strides, _ONE, padding)
    return _back(xp, dx, data_format)


def max_pool_grad_grad(xp, x, y, gg, ksize, strides, padding, data_format):
    kh, kw, strides = _window_args(ksize, strides, data_format)
    x, gg = _nhwc(xp, x, data_format), _nhwc(xp, gg, data_format)
    hits = _first_max(xp, _views(xp, x, kh, kw, strides, padding, _lowest(xp, x.dtype)))
    out = xp.zeros(hits[0].shape, gg.dtype)
    for view, hit in zip(_views(xp, gg, kh, kw, strides, padding), hits):
        # One hit per cell: or-ing the masked bits picks that view's value exactly.
        xp.bitwise_or(_bits(xp, out), _bits(xp, _masked(xp, view, hit)), out=_bits(xp, out))
    return _back(xp, out, data_format)


# --- average pooling: SAME windows average only the cells inside the input, as TF does ----------
def _counts(xp, in_shape, kh, kw, strides, padding, dtype):
    ones = xp.ones((1, in_shape[1], in_shape[2], 1), dtype)
    return windows(xp, ones, kh, kw, strides, _ONE, padding).sum(axis=(3, 4))


def avg_pool(xp, x, ksize, strides, padding, data_format):
    kh, kw, strides = _window_args(ksize, strides, data_format)
    x = _nhwc(xp, x, data_format)
    if tiles(x.shape, kh, kw, strides, padding):
        out = _fold(xp, xp.add, _views(xp, x, kh, kw, strides, padding))
        out /= kh * kw
    else:
        total = windows(xp, x, kh, kw, strides, _ONE, padding).sum(axis=(3, 4))
        out = total / _counts(xp, x.shape, kh, kw, strides, padding, x.dtype)
    return _back(xp, out.astype(x.dtype, copy=False), data_format)


def avg_pool_grad(xp, orig_input_shape, g, ksize, strides, padding, data_format):
    kh, kw, strides = _window_args(ksize, strides, data_format)
    in_shape = _nhwc_shape(orig_input_shape, data_format)
    g = _nhwc(xp, g, data_format)
    tiled = tiles(in_shape, kh, kw, strides, padding)
    if tiled:
        share = g / xp.asarray(kh * kw, g.dtype)
        dx = xp.zeros(in_shape, g.dtype)
        for index in _tile_slices(kh, kw, *tiled):
            dx[index] = share
    else:
        share = g / _counts(xp, in_shape, kh, kw, strides, padding, g.dtype)
        dx = scatter_offsets(xp, lambda i, j: share, share.shape, kh, kw, share.dtype,
                             in_shape, strides, _ONE, padding)
    return _back(xp, dx.astype(g.dtype, copy=False), data_format)
