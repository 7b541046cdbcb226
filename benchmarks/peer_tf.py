"""TensorFlow 1.x compat implementations of W1-W4: `tensorflow.compat.v1` in graph mode, one
Session per workload with intra/inter-op pools of one thread (TF's defaults when
BENCH_THREADS=default), fed the shared NumPy arrays."""
import os

import tensorflow.compat.v1 as tf
import tf1_models

tf.disable_v2_behavior()
tf.logging.set_verbosity(tf.logging.ERROR)
CONFIG = (tf.ConfigProto() if os.environ.get("BENCH_THREADS") == "default" else
          tf.ConfigProto(intra_op_parallelism_threads=1, inter_op_parallelism_threads=1))


def _run(graph, fetch, feed):
    with graph.as_default():
        sess = tf.Session(graph=graph, config=CONFIG)
        sess.run(tf.global_variables_initializer())
    return lambda: sess.run(fetch, feed_dict=feed)


def _peer(model):
    return lambda: _run(*model(tf))


# The same TF 1.x source graphgrad runs (tf1_models.py), built with TensorFlow.
w1, w2, w3, w4 = (_peer(m) for m in (tf1_models.w1, tf1_models.w2, tf1_models.w3,
                                     tf1_models.w4))
