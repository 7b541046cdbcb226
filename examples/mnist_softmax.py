"""TF1's MNIST softmax-regression tutorial, unchanged except `import graphgrad as tf`.

    python examples/mnist_softmax.py [DATA_DIR]

DATA_DIR (else $MNIST_DATA_DIR, else the MNIST subset shipped with graphgrad) holds the four
MNIST .gz files; they are downloaded there if absent. Prints the test accuracy (about 0.92 on
full MNIST, about 0.87 on the subset).
"""
import os
import sys

import graphgrad as tf
from graphgrad.examples.tutorials.mnist import input_data

DATA_DIR = (sys.argv[1] if len(sys.argv) > 1 else None) or os.environ.get("MNIST_DATA_DIR") \
    or input_data.bundled_dir()

mnist = input_data.read_data_sets(DATA_DIR, one_hot=True)
x = tf.placeholder(tf.float32, [None, 784])
W = tf.Variable(tf.zeros([784, 10]))
b = tf.Variable(tf.zeros([10]))
y = tf.nn.softmax(tf.matmul(x, W) + b)
y_ = tf.placeholder(tf.float32, [None, 10])
cross_entropy = tf.reduce_mean(-tf.reduce_sum(y_ * tf.log(y), reduction_indices=[1]))
loss = tf.reduce_mean(cross_entropy, name='xentropy_mean')
global_step = tf.Variable(0, name='global_step', trainable=False)
train_op = tf.train.GradientDescentOptimizer(0.5).minimize(loss, global_step=global_step)
sess = tf.InteractiveSession()
tf.global_variables_initializer().run()
for i in range(1000):
    batch_xs, batch_ys = mnist.train.next_batch(100)
    sess.run(train_op, feed_dict={x: batch_xs, y_: batch_ys})
correct = tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1))
accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))
print(sess.run(accuracy, feed_dict={x: mnist.test.images, y_: mnist.test.labels}))
