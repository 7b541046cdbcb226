"""TensorFlow 1.x compat implementations of W1-W4: `tensorflow.compat.v1` in graph mode, one
Session per workload with intra/inter-op pools of one thread (TF's defaults when
BENCH_THREADS=default), fed the shared NumPy arrays."""
import os

import bench_data
import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()
tf.logging.set_verbosity(tf.logging.ERROR)
CONFIG = (tf.ConfigProto() if os.environ.get("BENCH_THREADS") == "default" else
          tf.ConfigProto(intra_op_parallelism_threads=1, inter_op_parallelism_threads=1))


def _run(graph, fetch, feed):
    with graph.as_default():
        sess = tf.Session(graph=graph, config=CONFIG)
        sess.run(tf.global_variables_initializer())
    return lambda: sess.run(fetch, feed_dict=feed)


def w1():
    xv, yv = bench_data.w1_data()
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [None, 784])
        y_ = tf.placeholder(tf.float32, [None, 10])
        w = tf.Variable(tf.zeros([784, 10]))
        b = tf.Variable(tf.zeros([10]))
        y = tf.nn.softmax(tf.matmul(x, w) + b)
        loss = tf.reduce_mean(-tf.reduce_sum(y_ * tf.log(y), axis=[1]))
        train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
    return _run(graph, train, {x: xv, y_: yv})


def w2():
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
        loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y_, logits=h))
        train = tf.train.AdamOptimizer(1e-3).minimize(loss)
    return _run(graph, train, {x: xv, y_: yv})


def w3():
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
        logits = tf.matmul(tf.nn.dropout(h, rate=1 - keep_prob), w["fc2"]) + b["fc2"]
        loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y_,
                                                                          logits=logits))
        train = tf.train.AdamOptimizer(1e-4).minimize(loss)
    return _run(graph, train, {x: xv, y_: yv, keep_prob: 0.5})


def w4():
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [2, 2])
        k = tf.constant(bench_data.W4_K)
        out = (x + k) + k
    return _run(graph, out, {x: np.ones((2, 2), np.float32)})
