"""The benchmark workloads: graphgrad's sessions here, the other implementations in
hand_numpy.py (a hand-written NumPy loop with preallocated buffers: the practical ceiling for NumPy
kernels), peer_tf.py (TF 1.x compat, graph mode), peer_torch.py (PyTorch eager) and peer_jax.py
(a jit-compiled step). Every factory returns a `step()` callable; same data (bench_data.py), same
math, float32."""
import importlib

import bench_data
import numpy as np

import graphgrad as tf

W1 = "W1 softmax regression (steps/s)"
W2 = "W2 MLP 784-256-256-10 Adam (steps/s)"
W3 = "W3 Deep-MNIST CNN Adam (steps/s)"
W4 = "W4 tiny graph run (runs/s)"
PEERS = ("tf", "torch", "jax")  # optional: used when importable
IMPLEMENTATIONS = ("graphgrad", "numpy") + PEERS


def _session(graph, rewrites=None):
    with graph.as_default():
        config = tf.ConfigProto(graph_options=tf.GraphOptions(rewrite_options=rewrites))
        sess = tf.Session(config=config)
        sess.run(tf.global_variables_initializer())
    return sess


# --- W1: softmax regression 784->10, batch 100, SGD 0.5 (the seed's model) ---

def w1_session(rewrites=None):
    """The W1 graph in an initialized session, as `(sess, train, feed)`; `rewrites` is the
    `GraphOptions.rewrite_options` dict (None: the defaults)."""
    xv, yv = bench_data.w1_data()
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [None, 784])
        y_ = tf.placeholder(tf.float32, [None, 10])
        w = tf.Variable(tf.zeros([784, 10]))
        b = tf.Variable(tf.zeros([10]))
        y = tf.nn.softmax(tf.matmul(x, w) + b)
        loss = tf.reduce_mean(-tf.reduce_sum(y_ * tf.log(y), reduction_indices=[1]))
        train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
    return _session(graph, rewrites), train, {x: xv, y_: yv}


# --- W2: MLP 784-256-256-10 ReLU, batch 128, Adam 1e-3 ---

def w2_session():
    xv, yv, inits = bench_data.w2_data()
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [None, 784])
        y_ = tf.placeholder(tf.float32, [None, 10])
        h = x
        for i, w0 in enumerate(inits):
            h = tf.matmul(h, tf.Variable(w0)) + tf.Variable(tf.zeros([w0.shape[1]]))
            if i < 2:
                h = tf.nn.relu(h)
        loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y_, logits=h))
        train = tf.train.AdamOptimizer(1e-3).minimize(loss)
    return _session(graph), train, {x: xv, y_: yv}


# --- W3: the Deep-MNIST CNN, batch 50, Adam 1e-4, dropout 0.5 ---

def w3_session():
    """The TF tutorial's `deepnn` written with `import graphgrad as tf`, weights from bench_data."""
    xv, yv, ws, bs = bench_data.w3_data()
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [None, 784])
        y_ = tf.placeholder(tf.float32, [None, 10])
        keep_prob = tf.placeholder(tf.float32)
        w = {k: tf.Variable(v) for k, v in ws.items()}
        b = {k: tf.Variable(v) for k, v in bs.items()}
        h = tf.reshape(x, [-1, 28, 28, 1])
        for layer in ("conv1", "conv2"):
            h = tf.nn.conv2d(h, w[layer], strides=[1, 1, 1, 1], padding="SAME")
            h = tf.nn.relu(h + b[layer])
            h = tf.nn.max_pool(h, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="SAME")
        h = tf.nn.relu(tf.matmul(tf.reshape(h, [-1, 7 * 7 * 64]), w["fc1"]) + b["fc1"])
        logits = tf.matmul(tf.nn.dropout(h, keep_prob), w["fc2"]) + b["fc2"]
        loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y_, logits=logits))
        train = tf.train.AdamOptimizer(1e-4).minimize(loss)
    return _session(graph), train, {x: xv, y_: yv, keep_prob: 0.5}


# --- W4: one run of a tiny graph (two 2x2 adds) ---

def w4_session():
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [2, 2])
        k = tf.constant(bench_data.W4_K)
        out = (x + k) + k
    return _session(graph), out, {x: np.ones((2, 2), np.float32)}


SESSIONS = {W1: w1_session, W2: w2_session, W3: w3_session, W4: w4_session}


def graphgrad_step(workload):
    sess, fetch, feed = SESSIONS[workload]()
    return lambda: sess.run(fetch, feed_dict=feed)


def _factory(impl, workload):
    if impl == "graphgrad":
        return lambda: graphgrad_step(workload)
    module = "hand_numpy" if impl == "numpy" else "peer_" + impl
    fn = {W1: "w1", W2: "w2", W3: "w3", W4: "w4"}[workload]
    return lambda: getattr(importlib.import_module(module), fn)()


WORKLOADS = {w: {impl: _factory(impl, w) for impl in IMPLEMENTATIONS} for w in (W1, W2, W3, W4)}


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
