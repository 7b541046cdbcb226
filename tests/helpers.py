"""Small helpers shared by the test modules."""
import os
import subprocess
import sys

import numpy as np

import graphgrad as tf

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(fetches, feed=None):
    """`fetches` evaluated once in a new session on the default graph."""
    with tf.Session() as sess:
        return sess.run(fetches, feed)


def run_python(code, *args):
    """The stdout of `python -c code *args` in a fresh interpreter (graphgrad importable, one
    BLAS thread); fails the test when it exits with an error."""
    env = dict(os.environ, PYTHONPATH=REPO, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    done = subprocess.run([sys.executable, "-c", code, *args], cwd=REPO, capture_output=True,
                          text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def run_initialized(fetches, feed=None):
    """`run`, after initializing the global variables."""
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return sess.run(fetches, feed)


def line_of(path, marker):
    """The 1-based line of `path` holding `marker` (to check recorded creation sites)."""
    with open(path) as f:
        for i, line in enumerate(f, start=1):
            if marker in line and "line_of(" not in line:
                return i
    raise AssertionError(f"{marker!r} not found in {path}")


# Small training graphs whose plans the rewrite tests inspect (tests/test_rewrites.py,
# tests/test_compiled_kernels.py).
def rewrite_session(**opts):
    """A session whose plans use `GraphOptions.rewrite_options=opts`."""
    return tf.Session(config=tf.ConfigProto(graph_options=tf.GraphOptions(rewrite_options=opts)))


def plan_of(sess, fetch):
    """The session's cached plan that fetches `fetch`."""
    return next(p for p in sess._plans.values() if fetch in p.fetches)


def seed_model(batch=7):
    """The seed's softmax regression (13 features, 5 classes) and three feeds of batch, 3 and
    batch rows: (x, y_, w, b, loss, train, feeds)."""
    rng = np.random.default_rng(3)
    x = tf.placeholder(tf.float32, [None, 13])
    y_ = tf.placeholder(tf.float32, [None, 5])
    w = tf.Variable(rng.standard_normal((13, 5)).astype(np.float32) * 0.3)
    b = tf.Variable(np.zeros(5, np.float32))
    y = tf.nn.softmax(tf.matmul(x, w) + b)
    loss = tf.reduce_mean(-tf.reduce_sum(y_ * tf.log(y), reduction_indices=[1]))
    train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
    feeds = [{x: rng.standard_normal((n, 13)).astype(np.float32),
              y_: np.eye(5, dtype=np.float32)[rng.integers(0, 5, n)]} for n in (batch, 3, batch)]
    return x, y_, w, b, loss, train, feeds


def train_seed_model(opts, steps=6):
    """(losses, w, b, the training plan) after `steps` runs of seed_model with `opts`."""
    tf.reset_default_graph()
    x, y_, w, b, loss, train, feeds = seed_model()
    with rewrite_session(**opts) as sess:
        sess.run(tf.global_variables_initializer())
        losses = [sess.run([loss, train], feeds[i % 3])[0] for i in range(steps)]
        plan = plan_of(sess, train)
        return losses, sess.run(w), sess.run(b), plan


def train_mlp(opts, steps=4, fetch_pre_activation=False):
    """A 2-layer ReLU MLP with Adam and a softmax cross-entropy: the in-place elementwise steps,
    the Adam fast path, the fused 2-D cross-entropy and the compiled kernels all apply here.
    Returns ([w1, b1, w2], the loss, the training plan); the first layer's x @ w1 + b1 is the op
    "add", fetched with each step when `fetch_pre_activation`."""
    tf.reset_default_graph()
    rng = np.random.default_rng(5)
    x = tf.placeholder(tf.float32, [None, 7])
    y_ = tf.placeholder(tf.float32, [None, 4])
    w1 = tf.Variable(rng.standard_normal((7, 9)).astype(np.float32) * 0.5)
    b1 = tf.Variable(np.full(9, 0.1, np.float32))
    w2 = tf.Variable(rng.standard_normal((9, 4)).astype(np.float32) * 0.5)
    pre = tf.matmul(x, w1) + b1
    logits = tf.matmul(tf.nn.relu(pre), w2)
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y_, logits=logits))
    train = tf.train.AdamOptimizer(0.05).minimize(loss)
    fetches = [train, pre] if fetch_pre_activation else train
    feeds = [{x: rng.standard_normal((n, 7)).astype(np.float32),
              y_: np.eye(4, dtype=np.float32)[rng.integers(0, 4, n)]} for n in (6, 1, 6)]
    with rewrite_session(**opts) as sess:
        sess.run(tf.global_variables_initializer())
        for i in range(steps):
            sess.run(fetches, feeds[i % 3])
        plan = plan_of(sess, train)
        return [sess.run(v) for v in (w1, b1, w2)], sess.run(loss, feeds[0]), plan
