"""The 'Deep MNIST for experts' CNN of examples/deep_mnist.py, written with `tf.layers` and
`tf.variable_scope` instead of hand-made variables, with `import graphgrad as tf`: two 5x5
conv2d + ReLU + 2x2 max_pooling2d layers (32 and 64 channels), a 1024-unit dense layer with
dropout(rate=0.5, training=...), a 10-unit dense readout, Adam 1e-4, batches of 50.

    python examples/deep_mnist_layers.py [--steps 20000] [--data-dir DIR] [--test-every N]
                                         [--test-images N] [--seed S]

Same command line and output as examples/deep_mnist.py. The weights start as the tutorial's
(truncated normal with stddev 0.1, biases 0.1) rather than tf.layers' Glorot and zeros, so the
two programs train the same model from the same kind of start.

Documented run on full MNIST (same flags as deep_mnist.py's: `--steps 20000 --print-every 500
--test-every 2500 --seed 1`; one BLAS thread, the 2-core machine shared with another training
job; log in examples/logs/deep_mnist_layers_20000_steps.log): test accuracy 0.9785 at step 2500,
0.9894 at 10000, 0.9918 at 12500 and 0.9926 on all 10000 test images after 20000 steps, in
3393 s (5.9 steps/s).
"""
import argparse
import os
import sys
import time

import graphgrad as tf
from graphgrad.examples.tutorials.mnist import input_data

INIT = dict(kernel_initializer=tf.truncated_normal_initializer(stddev=0.1),
            bias_initializer=tf.constant_initializer(0.1))


def deepnn(x, training):
    x_image = tf.reshape(x, [-1, 28, 28, 1])
    with tf.variable_scope("conv1"):
        h = tf.layers.conv2d(x_image, 32, 5, padding="same", activation=tf.nn.relu, **INIT)
        h = tf.layers.max_pooling2d(h, pool_size=2, strides=2, padding="same")
    with tf.variable_scope("conv2"):
        h = tf.layers.conv2d(h, 64, 5, padding="same", activation=tf.nn.relu, **INIT)
        h = tf.layers.max_pooling2d(h, pool_size=2, strides=2, padding="same")
    with tf.variable_scope("fc1"):
        h = tf.layers.dense(tf.layers.flatten(h), 1024, activation=tf.nn.relu, **INIT)
        h = tf.layers.dropout(h, rate=0.5, training=training)
    with tf.variable_scope("fc2"):
        return tf.layers.dense(h, 10, **INIT)


def evaluate(sess, tensors, images, labels, feeds, batch=1000):
    """The means of `tensors` over the test set, fed `batch` images at a time (no dropout:
    `training` keeps its default, False)."""
    x, y_ = feeds
    totals = [0.0] * len(tensors)
    for start in range(0, len(images), batch):
        part = slice(start, start + batch)
        values = sess.run(tensors, {x: images[part], y_: labels[part]})
        totals = [t + float(v) * len(images[part]) for t, v in zip(totals, values)]
    return [t / max(len(images), 1) for t in totals]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=20000)
    parser.add_argument("--data-dir", default=os.environ.get("MNIST_DATA_DIR")
                        or input_data.bundled_dir())
    parser.add_argument("--print-every", type=int, default=100)
    parser.add_argument("--test-every", type=int, default=0,
                        help="also print the test accuracy every N steps (0: only at the end)")
    parser.add_argument("--test-images", type=int, default=None,
                        help="evaluate on the first N test images only (default: all)")
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args(argv)
    if args.seed is not None:
        tf.set_random_seed(args.seed)

    mnist = input_data.read_data_sets(args.data_dir, one_hot=True)
    x = tf.placeholder(tf.float32, [None, 784])
    y_ = tf.placeholder(tf.float32, [None, 10])
    training = tf.placeholder_with_default(False, shape=[], name="training")
    y_conv = deepnn(x, training)

    cross_entropy = tf.reduce_mean(
        tf.nn.softmax_cross_entropy_with_logits(labels=y_, logits=y_conv))
    train_step = tf.train.AdamOptimizer(1e-4).minimize(cross_entropy)
    correct_prediction = tf.equal(tf.argmax(y_conv, 1), tf.argmax(y_, 1))
    accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))
    feeds = (x, y_)
    images, labels = mnist.test.images[:args.test_images], mnist.test.labels[:args.test_images]

    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        loss, acc = evaluate(sess, [cross_entropy, accuracy], images, labels, feeds)
        print("initial test loss %g" % loss)
        start = time.time()
        for i in range(args.steps):
            batch = mnist.train.next_batch(50)
            if i % args.print_every == 0:
                train_accuracy = sess.run(accuracy, feed_dict={x: batch[0], y_: batch[1]})
                print("step %d, training accuracy %g (%.1f s)" % (
                    i, train_accuracy, time.time() - start))
            if args.test_every and i and i % args.test_every == 0:
                loss, acc = evaluate(sess, [cross_entropy, accuracy], images, labels, feeds)
                print("step %d, test accuracy %g (%.1f s)" % (i, acc, time.time() - start))
            sys.stdout.flush()
            sess.run(train_step, feed_dict={x: batch[0], y_: batch[1], training: True})
        seconds = time.time() - start
        loss, acc = evaluate(sess, [cross_entropy, accuracy], images, labels, feeds)
        print("final test loss %g" % loss)
        print("test accuracy %g (%d test images, %d steps, %.1f s, %.2f steps/s)" % (
            acc, len(images), args.steps, seconds, args.steps / max(seconds, 1e-9)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
