"""2-D convolution kernels (plain and depthwise) and their input/filter gradients, on NHWC
arrays (NCHW is transposed in and out): im2col through strided views into BLAS GEMMs, a few
images at a time so each im2col block is still in cache when its GEMM reads it."""


def conv_output_size(size, k, stride, dilation, padding):
    """(output size, padding before, padding after) along one spatial dim, as TF computes them:
    SAME gives ceil(size / stride) outputs and puts the odd padding cell at the end."""
    k_eff = (k - 1) * dilation + 1
    if padding == "VALID":
        return max(-(-(size - k_eff + 1) // stride), 0), 0, 0
    out = -(-size // stride)
    total = max((out - 1) * stride + k_eff - size, 0)
    return out, total // 2, total - total // 2


def _geometry(in_shape, kh, kw, strides, dilations, padding):
    _, h, w, _ = in_shape
    oh, top, bottom = conv_output_size(h, kh, strides[1], dilations[1], padding)
    ow, left, right = conv_output_size(w, kw, strides[2], dilations[2], padding)
    return oh, ow, (top, bottom), (left, right)


def padded(xp, x, pad_h, pad_w, value=0):
    """`x` (N, H, W, C) with pad_h = (top, bottom) rows and pad_w = (left, right) columns of
    `value` around it, C-contiguous (x itself when it already is and needs no padding)."""
    if not any(pad_h + pad_w):
        return xp.ascontiguousarray(x)
    n, h, w, c = x.shape
    out = xp.full((n, h + pad_h[0] + pad_h[1], w + pad_w[0] + pad_w[1], c), value, x.dtype)
    out[:, pad_h[0]:pad_h[0] + h, pad_w[0]:pad_w[0] + w] = x
    return out


def _strided(xp, xpad, oh, ow, kh, kw, strides, dilations):
    """The (N, OH, OW, kh, kw, C) windows of an already padded contiguous `xpad` (no copy)."""
    sn, sh, sw, sc = xpad.strides
    return xp.lib.stride_tricks.as_strided(
        xpad, (xpad.shape[0], oh, ow, kh, kw, xpad.shape[3]),
        (sn, sh * strides[1], sw * strides[2], sh * dilations[1], sw * dilations[2], sc),
        writeable=False)


def windows(xp, x, kh, kw, strides, dilations, padding, pad_value=0):
    """A (N, OH, OW, kh, kw, C) strided view of the padded `x` (no copy of the windows)."""
    oh, ow, pad_h, pad_w = _geometry(x.shape, kh, kw, strides, dilations, padding)
    xpad = padded(xp, x, pad_h, pad_w, pad_value)
    return _strided(xp, xpad, oh, ow, kh, kw, strides, dilations)


def scatter_windows(xp, cols, in_shape, strides, dilations, padding):
    """The adjoint of `windows`: adds each (N, OH, OW, kh, kw, C) window entry back at its
    input position, then crops the padding."""
    n, oh, ow, kh, kw, c = cols.shape
    return scatter_offsets(xp, lambda i, j: cols[:, :, :, i, j], (n, oh, ow, c), kh, kw,
                           cols.dtype, in_shape, strides, dilations, padding)


def scatter_offsets(xp, part, out_shape, kh, kw, dtype, in_shape, strides, dilations, padding):
    """Like scatter_windows, with the (N, OH, OW, C) entries of kernel offset (i, j) given by
    `part(i, j)`: one vectorised strided add per offset, no np.add.at."""
    n, oh, ow, c = out_shape
    _, _, pad_h, pad_w = _geometry(in_shape, kh, kw, strides, dilations, padding)
    h, w = in_shape[1], in_shape[2]
    hp = max(h + sum(pad_h), (oh - 1) * strides[1] + (kh - 1) * dilations[1] + 1)
    wp = max(w + sum(pad_w), (ow - 1) * strides[2] + (kw - 1) * dilations[2] + 1)
    out = xp.zeros((n, hp, wp, c), dtype)
    for i in range(kh):
        r = i * dilations[1]
        for j in range(kw):
            s = j * dilations[2]
            out[:, r:r + (oh - 1) * strides[1] + 1:strides[1],
                s:s + (ow - 1) * strides[2] + 1:strides[2]] += part(i, j)
    return out[:, pad_h[0]:pad_h[0] + h, pad_w[0]:pad_w[0] + w]


def _nhwc(xp, x, data_format):
    return xp.transpose(x, (0, 2, 3, 1)) if data_format == "NCHW" else x


def _back(xp, y, data_format):
    y = xp.transpose(y, (0, 3, 1, 2)) if data_format == "NCHW" else y
    return xp.ascontiguousarray(y)


def _nhwc_attrs(strides, dilations, data_format):
    if data_format == "NCHW":
        return [strides[0], strides[2], strides[3], strides[1]], \
            [dilations[0], dilations[2], dilations[3], dilations[1]]
    return list(strides), list(dilations)


def _nhwc_shape(shape, data_format):
    shape = [int(d) for d in shape]
    return [shape[0], shape[2], shape[3], shape[1]] if data_format == "NCHW" else shape


# --- im2col in cache-sized blocks -------------------------------------------------------------
# Each im2col block (a few images' windows, copied) stays under this many bytes: small enough to
# be still in cache when the GEMM right after it reads it (about the L2 size measured fastest
# here), and memory stays flat when a whole test set is convolved at once.
COLS_BYTES = 1 << 20


def _blocks(n, rows_per_image, row_bytes):
    """(start, stop) image ranges whose im2col blocks stay under COLS_BYTES (one image at
    least)."""
    step = max(1, COLS_BYTES // max(rows_per_image * row_bytes, 1))
    return [(start, min(start + step, n)) for start in range(0, n, step)]


def _im2col(xp, x, pad_h, pad_w, oh, ow, kh, kw, strides, dilations):
    """Yields (start, stop, cols): the (images * OH * OW, kh * kw * C) im2col matrix of images
    start:stop of `x` padded by pad_h / pad_w, copied into one buffer reused by every block."""
    n, c = x.shape[0], x.shape[3]
    if kh == kw == 1 and strides[1] == strides[2] == 1 and not any(pad_h + pad_w):
        yield 0, n, xp.ascontiguousarray(x).reshape(n * oh * ow, c)  # its own im2col matrix
        return
    k = kh * kw * c
    blocks = _blocks(n, oh * ow, k * x.itemsize)
    if not blocks:
        return
    view = _strided(xp, padded(xp, x, pad_h, pad_w), oh, ow, kh, kw, strides, dilations)
    buf = xp.empty(((blocks[0][1] - blocks[0][0]) * oh * ow, k), x.dtype)
    for start, stop in blocks:
        cols = buf[:(stop - start) * oh * ow]
        xp.copyto(cols.reshape((stop - start, *view.shape[1:])), view[start:stop])
        yield start, stop, cols


def _correlate(xp, x, w, pad_h, pad_w, oh, ow, kh, kw, strides, dilations):
    """The (N, OH, OW, O) cross-correlation of `x` padded by pad_h / pad_w with the
    (kh * kw * C, O) filter matrix `w`: one GEMM per im2col block, written in place."""
    n = x.shape[0]
    y = xp.empty((n * oh * ow, w.shape[1]), x.dtype)
    for start, stop, cols in _im2col(xp, x, pad_h, pad_w, oh, ow, kh, kw, strides, dilations):
        xp.matmul(cols, w, out=y[start * oh * ow:stop * oh * ow])
    return y.reshape(n, oh, ow, w.shape[1])


# --- plain convolution ------------------------------------------------------------------------
def conv2d(xp, x, f, strides, padding, data_format, dilations, use_cudnn_on_gpu=True):
    strides, dilations = _nhwc_attrs(strides, dilations, data_format)
    x = _nhwc(xp, x, data_format)
    kh, kw, c, o = f.shape
    oh, ow, pad_h, pad_w = _geometry(x.shape, kh, kw, strides, dilations, padding)
    y = _correlate(xp, x, f.reshape(kh * kw * c, o), pad_h, pad_w, oh, ow, kh, kw, strides,
                   dilations)
    return _back(xp, y, data_format)


def conv2d_backprop_input(xp, input_sizes, f, g, strides, padding, data_format, dilations,
                          use_cudnn_on_gpu=True):
    strides, dilations = _nhwc_attrs(strides, dilations, data_format)
    in_shape = _nhwc_shape(input_sizes, data_format)
    g = _nhwc(xp, g, data_format)
    if strides[1] == strides[2] == 1:
        dx = _transposed_correlate(xp, in_shape, f, g, dilations, padding)
    else:
        dx = _col2im(xp, in_shape, f, g, strides, dilations, padding)
    return _back(xp, dx.astype(g.dtype, copy=False), data_format)


def _transposed_correlate(xp, in_shape, f, g, dilations, padding):
    """Stride 1: the input gradient is `g` correlated with the filter turned 180 degrees (its
    in/out channels swapped), `g` padded by k_eff - 1 minus the forward padding on each side:
    a forward im2col GEMM, with no scatter."""
    _, h, w, c = in_shape
    kh, kw = f.shape[:2]
    oh, ow, (top, bottom), (left, right) = _geometry(in_shape, kh, kw, [1, 1, 1, 1],
                                                      dilations, padding)
    if oh == 0 or ow == 0 or g.shape[1:3] != (oh, ow):
        return _col2im(xp, in_shape, f, g, [1, 1, 1, 1], dilations, padding)
    eh, ew = (kh - 1) * dilations[1], (kw - 1) * dilations[2]
    rot = xp.ascontiguousarray(xp.transpose(f[::-1, ::-1], (0, 1, 3, 2))).reshape(-1, c)
    return _correlate(xp, g, rot, (eh - top, eh - bottom), (ew - left, ew - right), h, w, kh,
                      kw, [1, 1, 1, 1], dilations)


def _col2im(xp, in_shape, f, g, strides, dilations, padding):
    """Any stride: per block of images, one GEMM gives every window's share of the input
    gradient, and one strided add per kernel offset puts the shares back."""
    kh, kw, c, o = f.shape
    n, oh, ow, _ = g.shape
    w = f.reshape(kh * kw * c, o)
    g2d = g.reshape(n * oh * ow, o)
    dx = xp.empty(in_shape, g.dtype)
    for start, stop in _blocks(n, oh * ow, kh * kw * c * g.itemsize):
        cols = xp.matmul(g2d[start * oh * ow:stop * oh * ow], w.T)
        dx[start:stop] = scatter_windows(xp, cols.reshape(stop - start, oh, ow, kh, kw, c),
                                         [stop - start, *in_shape[1:]], strides, dilations,
                                         padding)
    return dx


def conv2d_backprop_filter(xp, x, filter_sizes, g, strides, padding, data_format, dilations,
                           use_cudnn_on_gpu=True):
    strides, dilations = _nhwc_attrs(strides, dilations, data_format)
    x, g = _nhwc(xp, x, data_format), _nhwc(xp, g, data_format)
    kh, kw, c, o = (int(d) for d in filter_sizes)
    oh, ow, pad_h, pad_w = _geometry(x.shape, kh, kw, strides, dilations, padding)
    g2d = g.reshape(-1, o)
    df = xp.zeros((kh * kw * c, o), x.dtype)
    for start, stop, cols in _im2col(xp, x, pad_h, pad_w, oh, ow, kh, kw, strides, dilations):
        df += xp.matmul(cols.T, g2d[start * oh * ow:stop * oh * ow])
    return df.reshape(kh, kw, c, o)


# --- depthwise convolution: channel c of the input feeds outputs c*M .. c*M+M-1 -------------
def depthwise_conv2d(xp, x, f, strides, padding, data_format, dilations):
    strides, dilations = _nhwc_attrs(strides, dilations, data_format)
    x = _nhwc(xp, x, data_format)
    kh, kw, c, m = f.shape
    cols = windows(xp, x, kh, kw, strides, dilations, padding)
    n, oh, ow = cols.shape[:3]
    # Per channel: (rows, kh*kw) @ (kh*kw, M), batched over channels.
    a = xp.transpose(cols.reshape(n * oh * ow, kh * kw, c), (2, 0, 1))
    y = xp.matmul(a, xp.transpose(f.reshape(kh * kw, c, m), (1, 0, 2)))
    y = xp.transpose(y, (1, 0, 2)).reshape(n, oh, ow, c * m)
    return _back(xp, y.astype(x.dtype, copy=False), data_format)


def depthwise_conv2d_backprop_input(xp, input_sizes, f, g, strides, padding, data_format,
                                    dilations):
    strides, dilations = _nhwc_attrs(strides, dilations, data_format)
    in_shape = _nhwc_shape(input_sizes, data_format)
    g = _nhwc(xp, g, data_format)
    kh, kw, c, m = f.shape
    n, oh, ow, _ = g.shape
    gc = xp.transpose(g.reshape(n * oh * ow, c, m), (1, 0, 2))
    cols = xp.matmul(gc, xp.transpose(f.reshape(kh * kw, c, m), (1, 2, 0)))
    cols = xp.transpose(cols, (1, 2, 0)).reshape(n, oh, ow, kh, kw, c)
    dx = scatter_windows(xp, cols, in_shape, strides, dilations, padding)
    return _back(xp, dx.astype(g.dtype, copy=False), data_format)


def depthwise_conv2d_backprop_filter(xp, x, filter_sizes, g, strides, padding, data_format,
                                     dilations):
    strides, dilations = _nhwc_attrs(strides, dilations, data_format)
    x, g = _nhwc(xp, x, data_format), _nhwc(xp, g, data_format)
    kh, kw, c, m = (int(d) for d in filter_sizes)
    cols = windows(xp, x, kh, kw, strides, dilations, padding)
    n, oh, ow = cols.shape[:3]
    a = xp.transpose(cols.reshape(n * oh * ow, kh * kw, c), (2, 1, 0))
    gc = xp.transpose(g.reshape(n * oh * ow, c, m), (1, 0, 2))
    df = xp.transpose(xp.matmul(a, gc), (1, 0, 2)).reshape(kh, kw, c, m)
    return df.astype(x.dtype, copy=False)
