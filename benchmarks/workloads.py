"""The benchmark workloads, each as `setup() -> step` callables for graphgrad, a hand-written
NumPy loop (preallocated buffers: the practical ceiling for NumPy kernels) and PyTorch eager
when installed. Same data, same math, float32, one BLAS thread."""
import numpy as np

import graphgrad as tf


def _mnist_like(batch, rng):
    x = rng.random((batch, 784), dtype=np.float32)
    y = np.eye(10, dtype=np.float32)[rng.integers(0, 10, batch)]
    return x, y


# --- W1: softmax regression 784->10, batch 100, SGD 0.5 (the seed's model) ---

def w1_session(rewrites=None):
    """The W1 graph in an initialized session, as `(sess, train, feed)`; `rewrites` is the
    `GraphOptions.rewrite_options` dict (None: the defaults)."""
    xv, yv = _mnist_like(100, np.random.default_rng(0))
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [None, 784])
        y_ = tf.placeholder(tf.float32, [None, 10])
        w = tf.Variable(tf.zeros([784, 10]))
        b = tf.Variable(tf.zeros([10]))
        y = tf.nn.softmax(tf.matmul(x, w) + b)
        loss = tf.reduce_mean(-tf.reduce_sum(y_ * tf.log(y), reduction_indices=[1]))
        train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
        config = tf.ConfigProto(graph_options=tf.GraphOptions(rewrite_options=rewrites))
        sess = tf.Session(config=config)
        sess.run(tf.global_variables_initializer())
    return sess, train, {x: xv, y_: yv}


def w1_graphgrad():
    sess, train, feed = w1_session()
    return lambda: sess.run(train, feed_dict=feed)


def w1_numpy():
    xv, yv = _mnist_like(100, np.random.default_rng(0))
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


def w1_torch():
    import torch
    xv, yv = _mnist_like(100, np.random.default_rng(0))
    x, y = torch.from_numpy(xv), torch.from_numpy(yv)
    w = torch.zeros(784, 10, requires_grad=True)
    b = torch.zeros(10, requires_grad=True)
    opt = torch.optim.SGD([w, b], lr=0.5)

    def step():
        opt.zero_grad()
        loss = -(y * torch.log_softmax(x @ w + b, dim=1)).sum(dim=1).mean()
        loss.backward()
        opt.step()
    return step


# --- W2: MLP 784-256-256-10 ReLU, batch 128, Adam 1e-3 ---

def _mlp_init(rng):
    return [(rng.standard_normal((m, n)) * np.sqrt(2.0 / m)).astype(np.float32)
            for m, n in ((784, 256), (256, 256), (256, 10))]


def w2_graphgrad():
    rng = np.random.default_rng(1)
    xv, yv = _mnist_like(128, rng)
    inits = _mlp_init(rng)
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [None, 784])
        y_ = tf.placeholder(tf.float32, [None, 10])
        h = x
        for i, w0 in enumerate(inits):
            w = tf.Variable(w0)
            b = tf.Variable(tf.zeros([w0.shape[1]]))
            h = tf.matmul(h, w) + b
            if i < 2:
                h = tf.nn.relu(h)
        loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y_, logits=h))
        train = tf.train.AdamOptimizer(1e-3).minimize(loss)
        sess = tf.Session()
        sess.run(tf.global_variables_initializer())
    feed = {x: xv, y_: yv}
    return lambda: sess.run(train, feed_dict=feed)


def w2_numpy():
    rng = np.random.default_rng(1)
    xv, yv = _mnist_like(128, rng)
    ws = _mlp_init(rng)
    bs = [np.zeros(w.shape[1], np.float32) for w in ws]
    params = ws + bs
    ms = [np.zeros_like(p) for p in params]
    vs = [np.zeros_like(p) for p in params]
    hs = [np.empty((128, w.shape[1]), np.float32) for w in ws]
    state = {"t": 0}
    b1, b2, eps, lr = np.float32(0.9), np.float32(0.999), np.float32(1e-8), 1e-3

    def step():
        a = xv
        for i, (w, b, h) in enumerate(zip(ws, bs, hs)):
            np.dot(a, w, out=h)
            h += b
            if i < 2:
                np.maximum(h, 0, out=h)
            a = h
        g = hs[2]
        g -= g.max(axis=1, keepdims=True)
        np.exp(g, out=g)
        g /= g.sum(axis=1, keepdims=True)
        g -= yv
        g /= np.float32(128)
        grads_w, grads_b = [None] * 3, [None] * 3
        for i in (2, 1, 0):
            inp = xv if i == 0 else hs[i - 1]
            grads_w[i] = np.dot(inp.T, g)
            grads_b[i] = g.sum(axis=0)
            if i:
                g = np.dot(g, ws[i].T)
                g *= hs[i - 1] > 0
        state["t"] += 1
        t = state["t"]
        alpha = np.float32(lr * np.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t))
        for p, gr, m, v in zip(params, grads_w + grads_b, ms, vs):
            m += (gr - m) * (1 - b1)
            v += (gr * gr - v) * (1 - b2)
            p -= alpha * m / (np.sqrt(v) + eps)
    return step


def w2_torch():
    import torch
    rng = np.random.default_rng(1)
    xv, yv = _mnist_like(128, rng)
    layers = [torch.nn.Linear(m, n) for m, n in ((784, 256), (256, 256), (256, 10))]
    for layer, w0 in zip(layers, _mlp_init(rng)):
        with torch.no_grad():
            layer.weight.copy_(torch.from_numpy(w0.T.copy()))
            layer.bias.zero_()
    model = torch.nn.Sequential(layers[0], torch.nn.ReLU(), layers[1], torch.nn.ReLU(),
                                layers[2])
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x, y = torch.from_numpy(xv), torch.from_numpy(yv)

    def step():
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
    return step


# --- W4: one run of a tiny graph (two 2x2 adds) ---

def w4_graphgrad():
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [2, 2])
        k = tf.constant([[1.0, 2.0], [3.0, 4.0]])
        out = (x + k) + k
        sess = tf.Session()
    feed = {x: np.ones((2, 2), np.float32)}
    return lambda: sess.run(out, feed_dict=feed)


def w4_numpy():
    x = np.ones((2, 2), np.float32)
    k = np.array([[1.0, 2.0], [3.0, 4.0]], np.float32)
    return lambda: (x + k) + k


def w4_torch():
    import torch
    x = torch.ones(2, 2)
    k = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    return lambda: (x + k) + k


WORKLOADS = {
    "W1 softmax regression (steps/s)": {"graphgrad": w1_graphgrad, "numpy": w1_numpy,
                                        "torch": w1_torch},
    "W2 MLP 784-256-256-10 Adam (steps/s)": {"graphgrad": w2_graphgrad, "numpy": w2_numpy,
                                             "torch": w2_torch},
    "W4 tiny graph run (runs/s)": {"graphgrad": w4_graphgrad, "numpy": w4_numpy,
                                   "torch": w4_torch},
}


def deep_model(layers, width=8):
    """Build a `layers`-deep dense ReLU chain in a fresh graph; returns (graph, loss, params)."""
    graph = tf.Graph()
    with graph.as_default():
        h = tf.placeholder(tf.float32, [None, width])
        params = []
        for _ in range(layers):
            w = tf.Variable(tf.zeros([width, width]))
            params.append(w)
            h = tf.nn.relu(tf.matmul(h, w))
        loss = tf.reduce_sum(h)
    return graph, loss, params
