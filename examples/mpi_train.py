"""The seed's MNIST softmax regression, trained data-parallel over MPI (Horovod style).

    mpiexec -n 2 python examples/mpi_train.py                 # 2 ranks, batch 50 each
    python examples/mpi_train.py --batch-size 100             # the same training on 1 process

Each rank trains on its shard of the data (every size-th example); DistributedOptimizer averages
the gradients over ranks, so N ranks with batch B train like one process with batch N*B.
`--save W.npz` writes the final weights (from rank 0).
"""
import argparse
import sys

import numpy as np

import graphgrad as tf
import graphgrad.distributed as hvd
from graphgrad.examples.tutorials.mnist import input_data


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data-dir", default=input_data.bundled_dir())
    p.add_argument("--steps", type=int, default=500)
    p.add_argument("--batch-size", type=int, default=50, help="per rank")
    p.add_argument("--learning-rate", type=float, default=0.5)
    p.add_argument("--save", help="write the final W and b to this .npz (rank 0)")
    args = p.parse_args(argv)

    hvd.init()
    mnist = input_data.read_data_sets(args.data_dir, one_hot=True)
    images, labels = hvd.shard((mnist.train.images, mnist.train.labels))

    x = tf.placeholder(tf.float32, [None, 784])
    y_ = tf.placeholder(tf.float32, [None, 10])
    # Ranks start from different random weights; the broadcast below makes them rank 0's.
    W = tf.Variable(np.random.RandomState(hvd.rank()).normal(0, 0.01, [784, 10]),
                    dtype=tf.float32)
    b = tf.Variable(tf.zeros([10]))
    y = tf.nn.softmax(tf.matmul(x, W) + b)
    loss = tf.reduce_mean(-tf.reduce_sum(y_ * tf.log(y + 1e-10), reduction_indices=[1]))
    opt = hvd.DistributedOptimizer(tf.train.GradientDescentOptimizer(args.learning_rate))
    train_op = opt.minimize(loss)

    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    sess.run(hvd.broadcast_global_variables(0))
    n = args.batch_size
    for step in range(args.steps):
        # Whole batches only, so that the ranks' k-th batches always form one batch of size*n.
        start = step * n % (len(images) // n * n)
        sess.run(train_op, feed_dict={x: images[start:start + n], y_: labels[start:start + n]})
    correct = tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1))
    accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))
    acc = sess.run(accuracy, feed_dict={x: mnist.test.images, y_: mnist.test.labels})
    if hvd.rank() == 0:
        print(f"ranks {hvd.size()}, batch {n} each, {args.steps} steps: test accuracy {acc:.4f}")
        if args.save:
            np.savez(args.save, W=sess.run(W), b=sess.run(b))
    return 0


if __name__ == "__main__":
    sys.exit(main())
