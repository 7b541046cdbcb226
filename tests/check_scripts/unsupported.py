"""Uses TF 1.x pieces graphgrad does not provide: TPUs, Estimators, gRPC servers."""
import tensorflow.compat.v1 as tf
from tensorflow.contrib import tpu

tf.disable_v2_behavior()
x = tf.placeholder(tf.float32, [None, 28, 28])
resolver = tpu.cluster_resolver.TPUClusterResolver()
est = tf.estimator.Estimator(model_fn=None)
server = tf.train.Server.create_local_server()
more = tf.estimator.Estimator(model_fn=None)
loss = tf.reduce_mean(x)
train = tf.train.AdamOptimizer(0.01).minimize_everything(loss)
