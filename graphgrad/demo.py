"""graphgrad's demo: TF1's MNIST tutorial (softmax regression), written exactly as TF1 code.

    python -m graphgrad.demo [--data-dir DIR] [--steps 1000] [--batch-size 100]
                             [--learning-rate 0.5] [--seed N]

Without --data-dir it trains on the small real MNIST subset shipped with graphgrad, offline.
"""
import argparse
import sys
import time

import graphgrad as tf
from graphgrad.examples.tutorials.mnist import input_data


def load(data_dir=None, seed=None):
    """Full MNIST from `data_dir` (downloaded there if absent), else the shipped subset."""
    if data_dir is None:
        data_dir = input_data.bundled_dir()
        print(f"Data: the MNIST subset shipped with graphgrad, offline ({data_dir}); "
              "use --data-dir DIR for full MNIST.")
        # The subset has 10000 training images: keep 9000 of them for training.
        return input_data.read_data_sets(data_dir, one_hot=True, validation_size=1000, seed=seed)
    print(f"Data: MNIST from {data_dir}.")
    return input_data.read_data_sets(data_dir, one_hot=True, seed=seed)


def train(mnist, steps=1000, batch_size=100, learning_rate=0.5):
    """Builds the tutorial's model in a fresh graph, trains it, prints the test accuracy and
    the variables; returns the test accuracy."""
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 784])
        W = tf.Variable(tf.zeros([784, 10]))
        b = tf.Variable(tf.zeros([10]))
        y = tf.nn.softmax(tf.matmul(x, W) + b)
        y_ = tf.placeholder(tf.float32, [None, 10])
        cross_entropy = tf.reduce_mean(-tf.reduce_sum(y_ * tf.log(y), reduction_indices=[1]))
        loss = tf.reduce_mean(cross_entropy, name='xentropy_mean')
        global_step = tf.Variable(0, name='global_step', trainable=False)
        optimizer = tf.train.GradientDescentOptimizer(learning_rate)
        train_op = optimizer.minimize(loss, global_step=global_step)
        correct = tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1))
        accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))

        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            progress = ProgressBar(steps)
            for _ in range(steps):
                batch_xs, batch_ys = mnist.train.next_batch(batch_size)
                _, loss_value = sess.run([train_op, loss], feed_dict={x: batch_xs, y_: batch_ys})
                progress.update(loss_value)
            progress.close()
            test_accuracy = sess.run(accuracy,
                                     feed_dict={x: mnist.test.images, y_: mnist.test.labels})
            print(f"Test accuracy: {test_accuracy:.4f} "
                  f"({mnist.test.num_examples} test images, {steps} steps)")
            print_variables(sess, global_step)
    return float(test_accuracy)


def print_variables(sess, global_step):
    """Which variables minimize() trained, and which global variables it left alone and why."""
    print("Trained by minimize(loss) -- tf.trainable_variables():")
    for v in tf.trainable_variables():
        print(f"  {v.name:<16} shape {str(v.shape):<10} {v.dtype.base_dtype.name}")
    trainable = set(tf.trainable_variables())
    print("Not trained -- in tf.global_variables(), created with trainable=False:")
    for v in tf.global_variables():
        if v not in trainable:
            print(f"  {v.name:<16} shape {str(v.shape):<10} {v.dtype.base_dtype.name:<8}"
                  f" = {sess.run(v)}")
            if v is global_step:
                print("    a step counter, not a weight: it gets no gradient, "
                      "minimize(global_step=...) adds 1 per step")


class ProgressBar:
    """A dependency-free progress bar on stderr: redrawn in place on a terminal, else a plain
    line every tenth of the run (logs and CI stay readable)."""

    def __init__(self, total, stream=None):
        self.total, self.done = total, 0
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.start = self.last_draw = time.perf_counter()

    def update(self, loss):
        self.done += 1
        now = time.perf_counter()
        finished = self.done == self.total
        if self.tty and (finished or now - self.last_draw > 0.1):
            filled = 30 * self.done // max(self.total, 1)
            bar = "#" * filled + "-" * (30 - filled)
            self.stream.write(f"\r[{bar}] {self._stats(loss, now)}")
            self.last_draw = now
        elif not self.tty and (finished or self.done % max(self.total // 10, 1) == 0):
            self.stream.write(f"step {self._stats(loss, now)}\n")
        self.stream.flush()

    def _stats(self, loss, now):
        rate = self.done / max(now - self.start, 1e-9)
        return f"{self.done}/{self.total}  loss {float(loss):.4f}  {rate:.0f} steps/s"

    def close(self):
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()


def main(argv=None):
    """Entry point of `python -m graphgrad.demo` and of the `graphgrad-demo` console script."""
    parser = argparse.ArgumentParser(prog="graphgrad-demo", description=__doc__.split("\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--data-dir", help="directory with the four MNIST .gz files "
                        "(downloaded there if absent); omitted: the shipped subset")
    parser.add_argument("--steps", type=int, default=1000, help="training steps")
    parser.add_argument("--batch-size", type=int, default=100, help="examples per step")
    parser.add_argument("--learning-rate", type=float, default=0.5, help="gradient descent rate")
    parser.add_argument("--seed", type=int, default=None, help="seed for batch shuffling")
    args = parser.parse_args(argv)
    try:
        mnist = load(args.data_dir, args.seed)
    except (OSError, ValueError) as e:
        parser.exit(2, f"graphgrad-demo: cannot read MNIST: {e}\n")
    train(mnist, args.steps, args.batch_size, args.learning_rate)
    return 0


if __name__ == "__main__":
    sys.exit(main())
