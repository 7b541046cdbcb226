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
import sys

import deep_mnist  # the tutorial script next to this one: its training loop and evaluation

import graphgrad as tf

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


def layers_model(x):
    """deepnn with a `training` switch: logits, the feeds of a training step, of a test run."""
    training = tf.placeholder_with_default(False, shape=[], name="training")
    return deepnn(x, training), {training: True}, {}


if __name__ == "__main__":
    sys.exit(deep_mnist.main(model=layers_model, description=__doc__))
