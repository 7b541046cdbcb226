"""An LSTM that reads each MNIST image row by row (28 steps of 28 pixels), written as the
classic TF1 recurrent-network examples write it, with `import graphgrad as tf`: a 128-unit
BasicLSTMCell, a linear readout of the last output, Adam 1e-3, batches of 128.

    python examples/mnist_lstm.py [--steps 2000] [--rnn static|dynamic] [--data-dir DIR]
                                  [--print-every N] [--test-images N] [--seed S]

--rnn static unstacks the rows into a list for tf.contrib.rnn.static_rnn; --rnn dynamic feeds
the [batch, 28, 28] tensor to tf.nn.dynamic_rnn. --data-dir holds the four MNIST .gz files
(default: $MNIST_DATA_DIR, else the MNIST subset shipped with graphgrad). At the end it prints
the test accuracy, the time taken and steps/s.

Documented runs on full MNIST (--data-dir with the four full .gz files, --seed 1, one BLAS
thread, on a 2-core machine shared with other jobs, so the times are pessimistic):
static rnn, 3000 steps: test accuracy 0.9839 on all 10000 test images, 499 s (6.0 steps/s);
dynamic rnn, 2000 steps: test accuracy 0.9747, 858 s (2.3 steps/s, the box heavily loaded).
"""
import argparse
import os
import sys
import time

import graphgrad as tf
from graphgrad.examples.tutorials.mnist import input_data

TIMESTEPS, NUM_INPUT, NUM_HIDDEN, NUM_CLASSES = 28, 28, 128, 10


def rnn_logits(x, mode):
    weights = tf.Variable(tf.random_normal([NUM_HIDDEN, NUM_CLASSES]))
    biases = tf.Variable(tf.random_normal([NUM_CLASSES]))
    lstm_cell = tf.contrib.rnn.BasicLSTMCell(NUM_HIDDEN, forget_bias=1.0)
    if mode == "static":
        inputs = tf.unstack(x, TIMESTEPS, 1)
        outputs, _ = tf.contrib.rnn.static_rnn(lstm_cell, inputs, dtype=tf.float32)
        last = outputs[-1]
    else:
        outputs, _ = tf.nn.dynamic_rnn(lstm_cell, x, dtype=tf.float32)
        last = outputs[:, -1, :]
    return tf.matmul(last, weights) + biases


def evaluate(sess, tensors, images, labels, feeds, batch=1000):
    """The means of `tensors` over the test set, fed `batch` images at a time."""
    x, y = feeds
    totals = [0.0] * len(tensors)
    for start in range(0, len(images), batch):
        part = slice(start, start + batch)
        values = sess.run(tensors, {x: images[part].reshape(-1, TIMESTEPS, NUM_INPUT),
                                    y: labels[part]})
        totals = [t + float(v) * len(images[part]) for t, v in zip(totals, values)]
    return [t / max(len(images), 1) for t in totals]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--rnn", choices=("static", "dynamic"), default="static")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--learning-rate", type=float, default=0.001)
    parser.add_argument("--data-dir", default=os.environ.get("MNIST_DATA_DIR")
                        or input_data.bundled_dir())
    parser.add_argument("--print-every", type=int, default=200)
    parser.add_argument("--test-images", type=int, default=None,
                        help="evaluate on the first N test images only (default: all)")
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args(argv)
    if args.seed is not None:
        tf.set_random_seed(args.seed)

    mnist = input_data.read_data_sets(args.data_dir, one_hot=True)
    x = tf.placeholder(tf.float32, [None, TIMESTEPS, NUM_INPUT])
    y = tf.placeholder(tf.float32, [None, NUM_CLASSES])
    logits = rnn_logits(x, args.rnn)
    loss_op = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=logits, labels=y))
    train_op = tf.train.AdamOptimizer(learning_rate=args.learning_rate).minimize(loss_op)
    correct_pred = tf.equal(tf.argmax(logits, 1), tf.argmax(y, 1))
    accuracy = tf.reduce_mean(tf.cast(correct_pred, tf.float32))
    images, labels = mnist.test.images[:args.test_images], mnist.test.labels[:args.test_images]

    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        loss, _ = evaluate(sess, [loss_op, accuracy], images, labels, (x, y))
        print("initial test loss %g" % loss)
        start = time.time()
        for step in range(1, args.steps + 1):
            batch_x, batch_y = mnist.train.next_batch(args.batch_size)
            batch_x = batch_x.reshape((-1, TIMESTEPS, NUM_INPUT))
            sess.run(train_op, feed_dict={x: batch_x, y: batch_y})
            if step % args.print_every == 0 or step == 1:
                loss, acc = sess.run([loss_op, accuracy], feed_dict={x: batch_x, y: batch_y})
                print("step %d, minibatch loss %.4f, training accuracy %.3f (%.1f s)" % (
                    step, loss, acc, time.time() - start))
                sys.stdout.flush()
        seconds = time.time() - start
        loss, acc = evaluate(sess, [loss_op, accuracy], images, labels, (x, y))
        print("final test loss %g" % loss)
        print("test accuracy %g (%d test images, %d steps, %s rnn, %.1f s, %.2f steps/s)" % (
            acc, len(images), args.steps, args.rnn, seconds, args.steps / max(seconds, 1e-9)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
