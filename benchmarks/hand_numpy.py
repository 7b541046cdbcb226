"""The hand-written NumPy implementations: forward, backward and update written out per model,
with preallocated buffers where NumPy allows (`out=`). W3 uses im2col convolutions (one GEMM per
convolution and per gradient) and a col2im of 25 shifted adds."""
import bench_data
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def w1():
    xv, yv = bench_data.w1_data()
    w = np.zeros((784, 10), np.float32)
    b = np.zeros(10, np.float32)
    logits = np.empty((100, 10), np.float32)
    gw = np.empty((784, 10), np.float32)
    lr = np.float32(0.5 / 100)
    ones = np.ones(10, np.float32)

    def step():
        z = np.dot(xv, w, out=logits)
        z += b
        z -= z.max(axis=1, keepdims=True)
        np.exp(z, out=z)
        z /= np.dot(z, ones)[:, None]
        z -= yv
        g = np.dot(xv.T, z, out=gw)
        g *= lr
        w[...] -= g
        b[...] -= z.sum(axis=0) * lr
    return step


class _Adam:
    """Adam over a list of float32 arrays, updated in place (TF1's formulation)."""

    def __init__(self, params, lr):
        self.params, self.lr, self.t = params, lr, 0
        self.ms = [np.zeros_like(p) for p in params]
        self.vs = [np.zeros_like(p) for p in params]

    def update(self, grads):
        self.t += 1
        alpha = np.float32(self.lr * np.sqrt(1 - 0.999 ** self.t) / (1 - 0.9 ** self.t))
        for p, g, m, v in zip(self.params, grads, self.ms, self.vs):
            m += (g - m) * np.float32(0.1)
            v += (g * g - v) * np.float32(0.001)
            p -= alpha * m / (np.sqrt(v) + np.float32(1e-8))


def _softmax_xent_grad(z, y):
    """The mean softmax cross-entropy's gradient w.r.t. the logits z, computed in z."""
    z -= z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    z -= y
    z /= np.float32(len(y))
    return z


def w2():
    xv, yv, ws = bench_data.w2_data()
    bs = [np.zeros(w.shape[1], np.float32) for w in ws]
    adam = _Adam(ws + bs, 1e-3)
    hs = [np.empty((128, w.shape[1]), np.float32) for w in ws]

    def step():
        a = xv
        for i, (w, b, h) in enumerate(zip(ws, bs, hs)):
            np.dot(a, w, out=h)
            h += b
            if i < 2:
                np.maximum(h, 0, out=h)
            a = h
        g = _softmax_xent_grad(hs[2], yv)
        grads_w, grads_b = [None] * 3, [None] * 3
        for i in (2, 1, 0):
            grads_w[i] = np.dot((xv if i == 0 else hs[i - 1]).T, g)
            grads_b[i] = g.sum(axis=0)
            if i:
                g = np.dot(g, ws[i].T)
                g *= hs[i - 1] > 0
        adam.update(grads_w + grads_b)
    return step


def _im2col(x, k):
    """NHWC x -> [N*H*W, k*k*C] patches of a stride-1 SAME k x k convolution, rows in (kh, kw, c)
    order to match an HWIO filter reshaped to [k*k*C, O]."""
    n, h, w, c = x.shape
    p = k // 2
    padded = np.pad(x, ((0, 0), (p, p), (p, p), (0, 0)))
    windows = sliding_window_view(padded, (k, k), axis=(1, 2))  # [N, H, W, C, k, k]
    return windows.transpose(0, 1, 2, 4, 5, 3).reshape(n * h * w, k * k * c)


def _col2im(cols, shape, k):
    """The adjoint of _im2col: sums each patch gradient back onto the input positions."""
    n, h, w, c = shape
    p = k // 2
    cols = cols.reshape(n, h, w, k, k, c)
    out = np.zeros((n, h + 2 * p, w + 2 * p, c), np.float32)
    for i in range(k):
        for j in range(k):
            out[:, i:i + h, j:j + w, :] += cols[:, :, :, i, j, :]
    return out[:, p:p + h, p:p + w, :]


def _pool(x):
    """2x2 stride-2 max pooling (even sizes: SAME = VALID); returns the pooled map and the
    argmax mask used by the backward pass."""
    n, h, w, c = x.shape
    win = x.reshape(n, h // 2, 2, w // 2, 2, c)
    pooled = win.max(axis=(2, 4))
    return pooled, win == pooled[:, :, None, :, None, :]


def _unpool(grad, mask):
    n, h2, _, w2, _, c = mask.shape
    # Ties only occur between ReLU zeros, whose gradient the ReLU mask drops anyway.
    return (mask * grad[:, :, None, :, None, :]).reshape(n, h2 * 2, w2 * 2, c)


def _cnn_grads(x_img, y, ws, wmat, bs, keep):
    """The CNN's parameter gradients (weights, then biases) for one batch; `keep` is the scaled
    dropout mask of the fc1 activations."""
    n = len(y)
    cols1 = _im2col(x_img, 5)
    c1 = np.maximum(cols1 @ wmat["conv1"] + bs["conv1"], 0).reshape(n, 28, 28, 32)
    p1, m1 = _pool(c1)
    cols2 = _im2col(p1, 5)
    c2 = np.maximum(cols2 @ wmat["conv2"] + bs["conv2"], 0).reshape(n, 14, 14, 64)
    p2, m2 = _pool(c2)
    flat = p2.reshape(n, -1)
    f1 = np.maximum(flat @ ws["fc1"] + bs["fc1"], 0)
    drop = f1 * keep
    g = _softmax_xent_grad(drop @ ws["fc2"] + bs["fc2"], y)
    grads = {"fc2": (drop.T @ g, g.sum(axis=0))}
    g = (g @ ws["fc2"].T) * keep * (f1 > 0)
    grads["fc1"] = (flat.T @ g, g.sum(axis=0))
    g = _unpool((g @ ws["fc1"].T).reshape(p2.shape), m2) * (c2 > 0)
    g = g.reshape(-1, 64)
    grads["conv2"] = (cols2.T @ g, g.sum(axis=0))
    g = _col2im(g @ wmat["conv2"].T, p1.shape, 5)
    g = (_unpool(g, m1) * (c1 > 0)).reshape(-1, 32)
    grads["conv1"] = (cols1.T @ g, g.sum(axis=0))
    names = list(bench_data.CNN_SHAPES)
    return ([grads[k][0].reshape(ws[k].shape) for k in names] + [grads[k][1] for k in names])


def w3(keep_prob=0.5):
    xv, yv, ws, bs = bench_data.w3_data()
    names = list(bench_data.CNN_SHAPES)
    wmat = {k: ws[k].reshape(-1, ws[k].shape[-1]) for k in names}  # views share memory
    adam = _Adam([ws[k] for k in names] + [bs[k] for k in names], 1e-4)
    rng = np.random.default_rng(3)
    x_img = xv.reshape(-1, 28, 28, 1)
    scale = np.float32(1 / keep_prob)

    def step():
        keep = (rng.random((len(yv), 1024), dtype=np.float32) < keep_prob) * scale
        adam.update(_cnn_grads(x_img, yv, ws, wmat, bs, keep))
    return step


def w4():
    x = np.ones((2, 2), np.float32)
    k = bench_data.W4_K
    return lambda: (x + k) + k
