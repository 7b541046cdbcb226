"""W1-W4 written once, as TF 1.x graph code: each builder takes the `tf` module to build with,
graphgrad (workloads.py) or `tensorflow.compat.v1` (peer_tf.py), so both run the same source.
Each returns `(graph, fetch, feed_dict)`; weights and data come from bench_data."""
import bench_data
import numpy as np


def w1(tf):
    """Softmax regression 784->10, batch 100, SGD 0.5: the seed's model as its tutorial writes
    it."""
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
    return graph, train, {x: xv, y_: yv}


def w2(tf):
    """MLP 784-256-256-10 ReLU, batch 128, Adam 1e-3."""
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
    return graph, train, {x: xv, y_: yv}


def w3(tf):
    """The TF tutorial's Deep-MNIST `deepnn`, batch 50, Adam 1e-4, dropout 0.5."""
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
    return graph, train, {x: xv, y_: yv, keep_prob: 0.5}


def w4(tf):
    """One run of a tiny graph: two 2x2 adds."""
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [2, 2])
        k = tf.constant(bench_data.W4_K)
        out = (x + k) + k
    return graph, out, {x: np.ones((2, 2), np.float32)}
