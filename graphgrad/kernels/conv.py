"""2-D convolution kernels (plain and depthwise) and their input/filter gradients, on NHWC
arrays (NCHW is transposed in and out): im2col through strided views and one BLAS GEMM."""


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


def _pad(xp, x, pad_h, pad_w, value=0):
    if not any(pad_h + pad_w):
        return x
    return xp.pad(x, ((0, 0), pad_h, pad_w, (0, 0)), constant_values=value)


def windows(xp, x, kh, kw, strides, dilations, padding, pad_value=0):
    """A (N, OH, OW, kh, kw, C) strided view of the padded `x` (no copy)."""
    oh, ow, pad_h, pad_w = _geometry(x.shape, kh, kw, strides, dilations, padding)
    x = xp.ascontiguousarray(_pad(xp, x, pad_h, pad_w, pad_value))
    n, _, _, c = x.shape
    sn, sh, sw, sc = x.strides
    return xp.lib.stride_tricks.as_strided(x, (n, oh, ow, kh, kw, c),
                      (sn, sh * strides[1], sw * strides[2], sh * dilations[1],
                       sw * dilations[2], sc), writeable=False)


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


# --- plain convolution ------------------------------------------------------------------------
# im2col copies each input cell kh*kw times; batches are convolved in slices whose copy stays
# under this many bytes, so evaluating a whole test set at once does not need gigabytes.
COLS_BYTES = 64 << 20


def conv2d(xp, x, f, strides, padding, data_format, dilations, use_cudnn_on_gpu=True):
    strides, dilations = _nhwc_attrs(strides, dilations, data_format)
    x = _nhwc(xp, x, data_format)
    kh, kw, c, o = f.shape
    oh, ow, _, _ = _geometry(x.shape, kh, kw, strides, dilations, padding)
    n = x.shape[0]
    step = max(1, COLS_BYTES // max(oh * ow * kh * kw * c * x.itemsize, 1))
    y = xp.empty((n, oh, ow, o), x.dtype)
    w = f.reshape(kh * kw * c, o)
    for start in range(0, n, step):
        cols = windows(xp, x[start:start + step], kh, kw, strides, dilations, padding)
        rows = cols.shape[0] * oh * ow
        part = xp.matmul(cols.reshape(rows, kh * kw * c), w)
        y[start:start + step] = part.reshape(-1, oh, ow, o)
    return _back(xp, y, data_format)


def conv2d_backprop_input(xp, input_sizes, f, g, strides, padding, data_format, dilations,
                          use_cudnn_on_gpu=True):
    strides, dilations = _nhwc_attrs(strides, dilations, data_format)
    in_shape = _nhwc_shape(input_sizes, data_format)
    g = _nhwc(xp, g, data_format)
    kh, kw, c, o = f.shape
    n, oh, ow, _ = g.shape
    cols = xp.matmul(g.reshape(n * oh * ow, o), f.reshape(kh * kw * c, o).T)
    dx = scatter_windows(xp, cols.reshape(n, oh, ow, kh, kw, c), in_shape, strides, dilations,
                         padding)
    return _back(xp, dx.astype(g.dtype, copy=False), data_format)


def conv2d_backprop_filter(xp, x, filter_sizes, g, strides, padding, data_format, dilations,
                           use_cudnn_on_gpu=True):
    strides, dilations = _nhwc_attrs(strides, dilations, data_format)
    x, g = _nhwc(xp, x, data_format), _nhwc(xp, g, data_format)
    kh, kw, c, o = (int(d) for d in filter_sizes)
    cols = windows(xp, x, kh, kw, strides, dilations, padding)
    n, oh, ow = cols.shape[:3]
    df = xp.matmul(cols.reshape(n * oh * ow, kh * kw * c).T, g.reshape(n * oh * ow, o))
    return df.reshape(kh, kw, c, o).astype(x.dtype, copy=False)


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
