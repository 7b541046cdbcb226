"""Rows for ops/conv_ops.py, pool_ops.py and norm_ops.py, checked against naive NumPy loops
(TF's SAME padding written out independently of the kernels)."""
import numpy as np

import graphgrad as tf
from graphgrad.ops import pool_ops

from .harness import Case


def _pads(size, k, stride, dilation, padding):
    k_eff = (k - 1) * dilation + 1
    if padding == "VALID":
        return (size - k_eff) // stride + 1 if size >= k_eff else 0, 0, 0
    out = (size + stride - 1) // stride
    total = max((out - 1) * stride + k_eff - size, 0)
    return out, total // 2, total - total // 2


def _padded(x, kh, kw, s, d, padding, value=0.0):
    oh, top, bottom = _pads(x.shape[1], kh, s[0], d[0], padding)
    ow, left, right = _pads(x.shape[2], kw, s[1], d[1], padding)
    xp = np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)), constant_values=value)
    return xp, oh, ow, (top, left)


def np_conv2d(x, f, s=(1, 1), padding="SAME", d=(1, 1)):
    kh, kw, _, o = f.shape
    xp, oh, ow, _ = _padded(x, kh, kw, s, d, padding)
    y = np.zeros((x.shape[0], oh, ow, o), x.dtype)
    for i in range(oh):
        for j in range(ow):
            for a in range(kh):
                for b in range(kw):
                    y[:, i, j] += xp[:, i * s[0] + a * d[0], j * s[1] + b * d[1]] @ f[a, b]
    return y


def np_conv2d_input_grad(in_shape, f, g, s=(1, 1), padding="SAME", d=(1, 1)):
    kh, kw = f.shape[:2]
    xp, oh, ow, (top, left) = _padded(np.zeros(in_shape, g.dtype), kh, kw, s, d, padding)
    for i in range(oh):
        for j in range(ow):
            for a in range(kh):
                for b in range(kw):
                    xp[:, i * s[0] + a * d[0], j * s[1] + b * d[1]] += g[:, i, j] @ f[a, b].T
    return xp[:, top:top + in_shape[1], left:left + in_shape[2]]


def np_conv2d_filter_grad(x, f_shape, g, s=(1, 1), padding="SAME", d=(1, 1)):
    kh, kw = f_shape[:2]
    xp, oh, ow, _ = _padded(x, kh, kw, s, d, padding)
    df = np.zeros(f_shape, x.dtype)
    for i in range(oh):
        for j in range(ow):
            for a in range(kh):
                for b in range(kw):
                    df[a, b] += xp[:, i * s[0] + a * d[0], j * s[1] + b * d[1]].T @ g[:, i, j]
    return df


def np_depthwise(x, f, s=(1, 1), padding="SAME", d=(1, 1)):
    kh, kw, c, m = f.shape
    xp, oh, ow, _ = _padded(x, kh, kw, s, d, padding)
    y = np.zeros((x.shape[0], oh, ow, c, m), x.dtype)
    for i in range(oh):
        for j in range(ow):
            for a in range(kh):
                for b in range(kw):
                    y[:, i, j] += xp[:, i * s[0] + a * d[0], j * s[1] + b * d[1], :, None] * f[a, b]
    return y.reshape(x.shape[0], oh, ow, c * m)


def np_windows(x, k, s, padding, value):
    """Yields (i, j, window (N, kh, kw, C), top-left corner in the unpadded input)."""
    xp, oh, ow, (top, left) = _padded(x, k[0], k[1], s, (1, 1), padding, value)
    for i in range(oh):
        for j in range(ow):
            r, c = i * s[0], j * s[1]
            yield i, j, xp[:, r:r + k[0], c:c + k[1]], (r - top, c - left)


def np_max_pool(x, k, s, padding):
    out = _padded(x, k[0], k[1], s, (1, 1), padding)
    y = np.zeros((x.shape[0], out[1], out[2], x.shape[3]), x.dtype)
    for i, j, win, _ in np_windows(x, k, s, padding, -np.inf):
        y[:, i, j] = win.max(axis=(1, 2))
    return y


def np_max_pool_grad(x, g, k, s, padding):
    """Each window's gradient goes to its first maximum in row-major order (TF1 on CPU)."""
    dx = np.zeros(x.shape, g.dtype)
    for i, j, win, (r, c) in np_windows(x, k, s, padding, -np.inf):
        for n in range(x.shape[0]):
            for ch in range(x.shape[3]):
                a, b = np.unravel_index(np.argmax(win[n, :, :, ch]), win.shape[1:3])
                dx[n, r + a, c + b, ch] += g[n, i, j, ch]
    return dx


def np_max_pool_grad_grad(x, gg, k, s, padding):
    y = np_max_pool(x, k, s, padding)
    out = np.zeros(y.shape, gg.dtype)
    for i, j, win, (r, c) in np_windows(x, k, s, padding, -np.inf):
        for n in range(x.shape[0]):
            for ch in range(x.shape[3]):
                a, b = np.unravel_index(np.argmax(win[n, :, :, ch]), win.shape[1:3])
                out[n, i, j, ch] = gg[n, r + a, c + b, ch]
    return out


def np_avg_pool(x, k, s, padding):
    """Means over the window cells inside the input (padding cells are not counted)."""
    out = _padded(x, k[0], k[1], s, (1, 1), padding)
    y = np.zeros((x.shape[0], out[1], out[2], x.shape[3]), x.dtype)
    for i, j, win, _ in np_windows(x, k, s, padding, np.nan):
        y[:, i, j] = np.nanmean(win, axis=(1, 2))
    return y


def np_avg_pool_grad(in_shape, g, k, s, padding):
    dx = np.zeros(in_shape, g.dtype)
    for i, j, win, (r, c) in np_windows(np.zeros(in_shape), k, s, padding, np.nan):
        inside = ~np.isnan(win[0, :, :, 0])
        for a, b in zip(*np.nonzero(inside)):
            dx[:, r + a, c + b] += g[:, i, j] / inside.sum()
    return dx


def np_lrn(x, r=5, bias=1.0, alpha=1.0, beta=0.5):
    sq = np.zeros_like(x)
    for ch in range(x.shape[-1]):
        sq[..., ch] = (x[..., max(ch - r, 0):ch + r + 1] ** 2).sum(-1)
    return x / (bias + alpha * sq) ** beta


def np_batch_norm(x, scale, offset, eps=0.001):
    mean, var = x.mean((0, 1, 2)), x.var((0, 1, 2))
    return (x - mean) / np.sqrt(var + eps) * scale + offset


def np_batch_norm_stats(x, scale, offset, eps=0.001):
    n = x.size // x.shape[-1]
    return np_batch_norm(x, scale, offset, eps) + x.mean((0, 1, 2)) + x.var((0, 1, 2)) * n / (n - 1)


def _nchw(fn):
    """A NHWC reference applied to NCHW inputs and output."""
    def ref(x, *rest):
        return np.transpose(fn(np.transpose(x, (0, 2, 3, 1)), *rest), (0, 3, 1, 2))
    return ref


S1, S2 = [1, 1, 1, 1], [1, 2, 2, 1]
X, F = (2, 5, 7, 3), (3, 2, 3, 4)
K22 = [1, 2, 2, 1]
K32 = [1, 3, 2, 1]
SIZES_IN = list(X)


def _conv(strides, padding, dilations=S1):
    return lambda x, f: tf.nn.conv2d(x, f, strides, padding, dilations=dilations)


def _conv_ref(s, padding, d=(1, 1)):
    return lambda x, f: np_conv2d(x, f, s, padding, d)


def _out(shape, k, s, padding, d=(1, 1)):
    return (shape[0], _pads(shape[1], k[0], s[0], d[0], padding)[0],
            _pads(shape[2], k[1], s[1], d[1], padding)[0])


def _conv_rows():
    rows = []
    for s, padding, d, fshape, tag in [((1, 1), "SAME", (1, 1), F, "s1-SAME"),
                                       ((2, 2), "SAME", (1, 1), F, "s2-SAME"),
                                       ((1, 1), "VALID", (1, 1), F, "s1-VALID"),
                                       ((2, 2), "VALID", (1, 1), (2, 2, 3, 4), "s2-VALID-even"),
                                       ((1, 1), "SAME", (2, 2), F, "d2-SAME"),
                                       ((1, 2), "VALID", (2, 1), F, "mixed-VALID"),
                                       ((1, 1), "SAME", (1, 1), (1, 1, 3, 4), "1x1")]:
        strides, dil = [1, *s, 1], [1, *d, 1]
        out = _out(X, fshape, s, padding, d) + (fshape[3],)
        rows += [
            Case("Conv2D", _conv(strides, padding, dil), _conv_ref(s, padding, d),
                 [(X, fshape), ((1, 1, 1, 1), (1, 1, 1, 1)), ((0, 4, 3, 2), (2, 2, 2, 1))]
                 if tag == "s1-SAME" else [(X, fshape)], name=f"Conv2D-{tag}"),
            Case("Conv2DBackpropInput",
                 lambda f, g, st=strides, p=padding, dl=dil: tf.nn.conv2d_backprop_input(
                     SIZES_IN, f, g, st, p, dilations=dl),
                 lambda f, g, s=s, p=padding, d=d: np_conv2d_input_grad(X, f, g, s, p, d),
                 [(fshape, out)], name=f"Conv2DBackpropInput-{tag}"),
            Case("Conv2DBackpropFilter",
                 lambda x, g, st=strides, p=padding, dl=dil, fs=fshape:
                 tf.nn.conv2d_backprop_filter(x, list(fs), g, st, p, dilations=dl),
                 lambda x, g, s=s, p=padding, d=d, fs=fshape: np_conv2d_filter_grad(
                     x, fs, g, s, p, d), [(X, out)], name=f"Conv2DBackpropFilter-{tag}"),
        ]
    return rows


def _depthwise_rows():
    fd = (3, 2, 3, 2)
    rows = []
    for s, padding, rate, tag in [((1, 1), "SAME", None, "s1-SAME"),
                                  ((2, 2), "VALID", None, "s2-VALID"),
                                  ((1, 1), "SAME", [2, 2], "rate2")]:
        strides = [1, *s, 1]
        d = tuple(rate or (1, 1))
        out = _out(X, fd, s, padding, d) + (6,)
        rows += [
            Case("DepthwiseConv2dNative",
                 lambda x, f, st=strides, p=padding, r=rate: tf.nn.depthwise_conv2d(
                     x, f, st, p, rate=r),
                 lambda x, f, s=s, p=padding, d=d: np_depthwise(x, f, s, p, d),
                 [(X, fd), ((1, 1, 1, 1), (1, 1, 1, 1))] if tag == "s1-SAME" else [(X, fd)],
                 name=f"DepthwiseConv2dNative-{tag}"),
            Case("DepthwiseConv2dNativeBackpropInput",
                 lambda f, g, st=strides, p=padding, d=d:
                 tf.nn.depthwise_conv2d_native_backprop_input(SIZES_IN, f, g, st, p,
                                                              dilations=[1, *d, 1]),
                 lambda f, g, s=s, p=padding, d=d: _adjoint_input(X, f, g, s, p, d),
                 [(fd, out)], name=f"DepthwiseBackpropInput-{tag}"),
            Case("DepthwiseConv2dNativeBackpropFilter",
                 lambda x, g, st=strides, p=padding, d=d:
                 tf.nn.depthwise_conv2d_native_backprop_filter(x, list(fd), g, st, p,
                                                               dilations=[1, *d, 1]),
                 lambda x, g, s=s, p=padding, d=d: _adjoint_filter(x, fd, g, s, p, d),
                 [(X, out)], name=f"DepthwiseBackpropFilter-{tag}"),
        ]
    return rows


def _adjoint_input(in_shape, f, g, s, padding, d):
    """The depthwise input gradient as the transpose of np_depthwise's (linear) Jacobian."""
    jac = np.stack([np_depthwise(e.reshape(in_shape), f, s, padding, d).ravel()
                    for e in np.eye(int(np.prod(in_shape)), dtype=g.dtype)])
    return (jac @ g.ravel()).reshape(in_shape)


def _adjoint_filter(x, f_shape, g, s, padding, d):
    jac = np.stack([np_depthwise(x, e.reshape(f_shape), s, padding, d).ravel()
                    for e in np.eye(int(np.prod(f_shape)), dtype=g.dtype)])
    return (jac @ g.ravel()).reshape(f_shape)


def _pool_rows():
    rows = []
    # The last three tile their input without padding (kernels/pool.py's strided-slice path).
    for xs, k, st, padding, tag in [(X, K22, S2, "SAME", "2x2-s2-SAME"),
                                    (X, K32, S1, "VALID", "3x2-VALID"),
                                    (X, K32, [1, 2, 1, 1], "SAME", "3x2-s21-SAME"),
                                    ((2, 6, 8, 3), K22, S2, "SAME", "2x2-s2-SAME-even"),
                                    (X, K22, S2, "VALID", "2x2-s2-VALID"),
                                    (X, K32, [1, 3, 2, 1], "VALID", "3x2-s32-VALID")]:
        kk, ss = tuple(k[1:3]), tuple(st[1:3])
        out = _out(xs, kk, ss, padding) + (3,)
        shapes = {"2x2-s2-SAME": [(X,), ((1, 1, 1, 1),), ((0, 4, 3, 2),)],
                  "2x2-s2-SAME-even": [(xs,), ((1, 2, 2, 1),), ((0, 4, 6, 2),)]}.get(tag, [(xs,)])
        rows += [
            Case("MaxPool", lambda x, k=k, st=st, p=padding: tf.nn.max_pool(x, k, st, p),
                 lambda x, k=kk, s=ss, p=padding: np_max_pool(x, k, s, p),
                 shapes,
                 name=f"MaxPool-{tag}"),
            Case("MaxPoolGrad",
                 lambda x, g, k=k, st=st, p=padding: pool_ops.MAX_POOL_GRAD(
                     x, tf.nn.max_pool(x, k, st, p), g, ksize=k, strides=st, padding=p,
                     data_format="NHWC"),
                 lambda x, g, k=kk, s=ss, p=padding: np_max_pool_grad(x, g, k, s, p),
                 [(xs, out)], grad=(1,), name=f"MaxPoolGrad-{tag}"),
            Case("MaxPoolGradGrad",
                 lambda x, g, k=k, st=st, p=padding: pool_ops.MAX_POOL_GRAD_GRAD(
                     x, tf.nn.max_pool(x, k, st, p), g, ksize=k, strides=st, padding=p,
                     data_format="NHWC"),
                 lambda x, g, k=kk, s=ss, p=padding: np_max_pool_grad_grad(x, g, k, s, p),
                 [(xs, xs)], grad=(1,), name=f"MaxPoolGradGrad-{tag}"),
            Case("AvgPool", lambda x, k=k, st=st, p=padding: tf.nn.avg_pool(x, k, st, p),
                 lambda x, k=kk, s=ss, p=padding: np_avg_pool(x, k, s, p),
                 shapes,
                 name=f"AvgPool-{tag}"),
            Case("AvgPoolGrad",
                 lambda g, k=k, st=st, p=padding, xs=xs: pool_ops.avg_pool_grad(
                     list(xs), g, k, st, p),
                 lambda g, k=kk, s=ss, p=padding, xs=xs: np_avg_pool_grad(xs, g, k, s, p),
                 [(out,)], name=f"AvgPoolGrad-{tag}"),
        ]
    return rows


def _bn(**kw):
    return lambda x, s, o: tf.nn.fused_batch_norm(x, s, o, **kw)[0]


def _bn_with_stats(x, s, o):
    y, mean, variance = tf.nn.fused_batch_norm(x, s, o)
    return y + mean + variance


def _bn_inference(x, s, o, m, v):
    return tf.nn.fused_batch_norm(x, s, o, m, v, is_training=False)[0]


BN_SHAPES = [(X, (3,), (3,)), ((3, 1, 2, 4), (4,), (4,))]
POSITIVE = (0.5, 2.0)

CONV_CASES = _conv_rows() + _depthwise_rows() + _pool_rows() + [
    Case("Conv2D", lambda x, f: tf.nn.conv2d(x, f, [1, 1, 2, 1], "SAME", data_format="NCHW"),
         _nchw(lambda x, f: np_conv2d(x, f, (2, 1), "SAME")), [((2, 3, 5, 7), F)],
         name="Conv2D-NCHW"),
    Case("DepthwiseConv2dNative",
         lambda x, f: tf.nn.depthwise_conv2d(x, f, [1, 1, 2, 1], "SAME", data_format="NCHW"),
         _nchw(lambda x, f: np_depthwise(x, f, (2, 1), "SAME")), [((2, 3, 5, 7), (3, 2, 3, 2))],
         name="DepthwiseConv2dNative-NCHW"),
    Case("Conv2DBackpropInput",
         lambda f, g: tf.nn.conv2d_transpose(g, f, [2, 9, 13, 3], S2, "SAME"),
         lambda f, g: np_conv2d_input_grad((2, 9, 13, 3), f, g, (2, 2), "SAME"),
         [(F, (2, 5, 7, 4))], name="conv2d_transpose"),
    Case("MaxPool",
         lambda x: tf.nn.max_pool(x, [1, 1, 2, 2], [1, 1, 1, 2], "SAME", data_format="NCHW"),
         _nchw(lambda x: np_max_pool(x, (2, 2), (1, 2), "SAME")), [((2, 3, 5, 7),)],
         name="MaxPool-NCHW"),
    Case("AvgPool",
         lambda x: tf.nn.avg_pool(x, [1, 1, 3, 2], [1, 1, 2, 1], "SAME", data_format="NCHW"),
         _nchw(lambda x: np_avg_pool(x, (3, 2), (2, 1), "SAME")), [((2, 3, 5, 7),)],
         name="AvgPool-NCHW"),
    Case("LRN", tf.nn.lrn, np_lrn, [((2, 3, 4, 7),), ((1, 1, 1, 1),), ((0, 2, 2, 3),)]),
    Case("LRN", lambda x: tf.nn.local_response_normalization(x, 2, 1.5, 0.3, 0.75),
         lambda x: np_lrn(x, 2, 1.5, 0.3, 0.75), [((2, 3, 2, 6),)], name="LRN-radius2"),
    Case("FusedBatchNorm", _bn(), np_batch_norm, BN_SHAPES, domain=[(-2, 2), POSITIVE, (-1, 1)]),
    Case("FusedBatchNorm", _bn_with_stats, np_batch_norm_stats, BN_SHAPES[:1],
         domain=[(-2, 2), POSITIVE, (-1, 1)], name="FusedBatchNorm-stats"),
    Case("FusedBatchNorm", _bn(data_format="NCHW"),
         _nchw(np_batch_norm), [((2, 3, 5, 4), (3,), (3,))], domain=[(-2, 2), POSITIVE, (-1, 1)],
         name="FusedBatchNorm-NCHW"),
    Case("FusedBatchNorm", _bn_inference,
         lambda x, s, o, m, v: (x - m) / np.sqrt(v + 0.001) * s + o,
         [(X, (3,), (3,), (3,), (3,)), ((1, 2, 1, 2), (2,), (2,), (2,), (2,))],
         domain=[(-2, 2), POSITIVE, (-1, 1), (-1, 1), POSITIVE], name="FusedBatchNorm-inference"),
]
