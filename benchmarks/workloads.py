"""The benchmark workloads: graphgrad's sessions here (the TF 1.x models of tf1_models.py built
with graphgrad), the other implementations in
hand_numpy.py (a hand-written NumPy loop with preallocated buffers: the practical ceiling for NumPy
kernels), peer_tf.py (TF 1.x compat, graph mode), peer_torch.py (PyTorch eager) and peer_jax.py
(a jit-compiled step). Every factory returns a `step()` callable; same data (bench_data.py), same
math, float32."""
import importlib
import os

import tf1_models

import graphgrad as tf

W1 = "W1 softmax regression (steps/s)"
W2 = "W2 MLP 784-256-256-10 Adam (steps/s)"
W3 = "W3 Deep-MNIST CNN Adam (steps/s)"
W4 = "W4 tiny graph run (runs/s)"
PEERS = ("tf", "torch", "jax")  # optional: used when importable
# graphgrad_numpy: graphgrad without its numba-compiled kernels (what a NumPy-only install runs)
IMPLEMENTATIONS = ("graphgrad", "graphgrad_numpy", "numpy") + PEERS
NUMPY_ONLY = {"compiled_kernels": False}


def steady_state():
    """For timing: graphgrad's plans use their compiled kernels (numba) from the start, as in a
    long training run, instead of switching at their 2000th run."""
    os.environ.setdefault("GRAPHGRAD_JIT", "eager")


def _session(graph, rewrites=None):
    with graph.as_default():
        config = tf.ConfigProto(graph_options=tf.GraphOptions(rewrite_options=rewrites))
        sess = tf.Session(config=config)
        sess.run(tf.global_variables_initializer())
    return sess


def _built(model):
    def session(rewrites=None):
        """The graph in an initialized session, as `(sess, fetch, feed)`; `rewrites` is the
        `GraphOptions.rewrite_options` dict (None: the defaults)."""
        graph, fetch, feed = model(tf)
        return _session(graph, rewrites), fetch, feed
    return session


w1_session, w2_session, w3_session, w4_session = (
    _built(m) for m in (tf1_models.w1, tf1_models.w2, tf1_models.w3, tf1_models.w4))


SESSIONS = {W1: w1_session, W2: w2_session, W3: w3_session, W4: w4_session}


def graphgrad_step(workload, rewrites=None):
    sess, fetch, feed = SESSIONS[workload](rewrites)
    return lambda: sess.run(fetch, feed_dict=feed)


def _factory(impl, workload):
    if impl == "graphgrad":
        return lambda: graphgrad_step(workload)
    if impl == "graphgrad_numpy":
        return lambda: graphgrad_step(workload, NUMPY_ONLY)
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
