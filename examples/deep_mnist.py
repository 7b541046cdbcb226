"""TF1's 'Deep MNIST for experts' tutorial CNN, written as the tutorial writes it, with
`import graphgrad as tf`: two 5x5 conv + ReLU + 2x2 max-pool layers (32 and 64 channels),
a 1024-unit fully connected layer with dropout, a softmax readout, Adam 1e-4, batches of 50.

    python examples/deep_mnist.py [--steps 20000] [--data-dir DIR] [--test-every N]
                                  [--test-images N] [--seed S]

--data-dir holds the four MNIST .gz files (default: $MNIST_DATA_DIR, else the MNIST subset
shipped with graphgrad). Every --print-every steps it prints the training accuracy of the
batch (as the tutorial does), and at the end the test accuracy, the time taken and steps/s.
The TF1 tutorial reports about 0.992 test accuracy after its 20000 steps on full MNIST.

Documented run on full MNIST (`--steps 20000 --print-every 500 --test-every 2500 --seed 1
--data-dir` the four full .gz files; one BLAS thread, a 2-core machine shared with other jobs and
the slower CNN kernels of before commit 2ba994f, so the time is pessimistic; log in
examples/logs/deep_mnist_20000_steps.log): test accuracy 0.9797 at step 2500, 0.9894 at 10000,
0.9909 at 12500 and 0.9922 on all 10000 test images after 20000 steps, in 6221 s (3.2 steps/s).
"""
import argparse
import os
import sys
import time

import graphgrad as tf
from graphgrad.examples.tutorials.mnist import input_data


def weight_variable(shape):
    initial = tf.truncated_normal(shape, stddev=0.1)
    return tf.Variable(initial)


def bias_variable(shape):
    initial = tf.constant(0.1, shape=shape)
    return tf.Variable(initial)


def conv2d(x, W):
    return tf.nn.conv2d(x, W, strides=[1, 1, 1, 1], padding='SAME')


def max_pool_2x2(x):
    return tf.nn.max_pool(x, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding='SAME')


def deepnn(x):
    x_image = tf.reshape(x, [-1, 28, 28, 1])
    W_conv1 = weight_variable([5, 5, 1, 32])
    b_conv1 = bias_variable([32])
    h_conv1 = tf.nn.relu(conv2d(x_image, W_conv1) + b_conv1)
    h_pool1 = max_pool_2x2(h_conv1)

    W_conv2 = weight_variable([5, 5, 32, 64])
    b_conv2 = bias_variable([64])
    h_conv2 = tf.nn.relu(conv2d(h_pool1, W_conv2) + b_conv2)
    h_pool2 = max_pool_2x2(h_conv2)

    W_fc1 = weight_variable([7 * 7 * 64, 1024])
    b_fc1 = bias_variable([1024])
    h_pool2_flat = tf.reshape(h_pool2, [-1, 7 * 7 * 64])
    h_fc1 = tf.nn.relu(tf.matmul(h_pool2_flat, W_fc1) + b_fc1)

    keep_prob = tf.placeholder(tf.float32)
    h_fc1_drop = tf.nn.dropout(h_fc1, keep_prob)

    W_fc2 = weight_variable([1024, 10])
    b_fc2 = bias_variable([10])
    y_conv = tf.matmul(h_fc1_drop, W_fc2) + b_fc2
    return y_conv, keep_prob


def evaluate(sess, tensors, images, labels, feeds, batch=1000):
    """The means of `tensors` over the test set, fed `batch` images at a time; `feeds` is
    (x, y_, the extra test-time feeds: keep_prob 1.0)."""
    x, y_, extra = feeds
    totals = [0.0] * len(tensors)
    for start in range(0, len(images), batch):
        part = slice(start, start + batch)
        values = sess.run(tensors, {x: images[part], y_: labels[part], **extra})
        totals = [t + float(v) * len(images[part]) for t, v in zip(totals, values)]
    return [t / max(len(images), 1) for t in totals]


def tutorial_model(x):
    """The tutorial's deepnn: logits, the extra feeds of a training step and of a test run."""
    y_conv, keep_prob = deepnn(x)
    return y_conv, {keep_prob: 0.5}, {keep_prob: 1.0}


def main(argv=None, model=tutorial_model, description=__doc__):
    """Trains `model(x) -> (logits, training feeds, test feeds)` as the tutorial does."""
    parser = argparse.ArgumentParser(description=description.split("\n\n")[0])
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
    y_conv, train_feeds, test_feeds = model(x)

    cross_entropy = tf.reduce_mean(
        tf.nn.softmax_cross_entropy_with_logits(labels=y_, logits=y_conv))
    train_step = tf.train.AdamOptimizer(1e-4).minimize(cross_entropy)
    correct_prediction = tf.equal(tf.argmax(y_conv, 1), tf.argmax(y_, 1))
    accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))
    feeds = (x, y_, test_feeds)
    images, labels = mnist.test.images[:args.test_images], mnist.test.labels[:args.test_images]

    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        loss, acc = evaluate(sess, [cross_entropy, accuracy], images, labels, feeds)
        print("initial test loss %g" % loss)
        start = time.time()
        for i in range(args.steps):
            batch = mnist.train.next_batch(50)
            if i % args.print_every == 0:
                train_accuracy = sess.run(accuracy, feed_dict={
                    x: batch[0], y_: batch[1], **test_feeds})
                print("step %d, training accuracy %g (%.1f s)" % (
                    i, train_accuracy, time.time() - start))
            if args.test_every and i and i % args.test_every == 0:
                loss, acc = evaluate(sess, [cross_entropy, accuracy], images, labels, feeds)
                print("step %d, test accuracy %g (%.1f s)" % (i, acc, time.time() - start))
            sys.stdout.flush()
            sess.run(train_step, feed_dict={x: batch[0], y_: batch[1], **train_feeds})
        seconds = time.time() - start
        loss, acc = evaluate(sess, [cross_entropy, accuracy], images, labels, feeds)
        print("final test loss %g" % loss)
        print("test accuracy %g (%d test images, %d steps, %.1f s, %.2f steps/s)" % (
            acc, len(images), args.steps, seconds, args.steps / max(seconds, 1e-9)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
