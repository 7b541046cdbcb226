"""The Deep MNIST examples (tutorial style and tf.layers style) run as scripts and learn within a
few steps (CI smoke tests), and both build the same model."""
import os
import re
import subprocess
import sys

import numpy as np
import pytest

import graphgrad as tf

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLES = os.path.join(REPO, "examples")


@pytest.mark.parametrize("script", ["deep_mnist.py", "deep_mnist_layers.py"])
def test_deep_mnist_example_lowers_the_test_loss_in_a_few_steps(script):
    env = dict(os.environ, PYTHONPATH=REPO + os.pathsep + os.environ.get("PYTHONPATH", ""),
               OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    env.pop("MNIST_DATA_DIR", None)
    out = subprocess.run([sys.executable, os.path.join(EXAMPLES, script),
                          "--steps", "20", "--print-every", "10", "--test-images", "500",
                          "--seed", "1"],
                         capture_output=True, text=True, env=env, timeout=300, check=True).stdout
    initial = float(re.search(r"initial test loss ([0-9.e+-]+)", out).group(1))
    final = float(re.search(r"final test loss ([0-9.e+-]+)", out).group(1))
    assert final < 0.6 * initial, out
    assert re.search(r"step 10, training accuracy [0-9.]+", out)
    accuracy = float(re.search(r"test accuracy ([0-9.]+) \(500 test images, 20 steps", out)
                     .group(1))
    assert 0.2 < accuracy <= 1.0, out


def _example(name):
    sys.path.insert(0, EXAMPLES)
    try:
        return __import__(name)
    finally:
        sys.path.remove(EXAMPLES)


def test_layers_example_builds_the_tutorial_model_under_variable_scopes():
    with tf.Graph().as_default():
        _example("deep_mnist").deepnn(tf.placeholder(tf.float32, [None, 784]))
        tutorial = [v.shape.as_list() for v in tf.trainable_variables()]
    with tf.Graph().as_default():
        training = tf.placeholder_with_default(False, [])
        logits = _example("deep_mnist_layers").deepnn(tf.placeholder(tf.float32, [None, 784]),
                                                      training)
        variables = tf.trainable_variables()
    assert [v.shape.as_list() for v in variables] == tutorial
    assert [v.op.name.split("/")[0] for v in variables] == [
        "conv1", "conv1", "conv2", "conv2", "fc1", "fc1", "fc2", "fc2"]
    assert logits.shape.as_list() == [None, 10]


def test_layers_example_drops_units_only_when_training_is_fed_true():
    with tf.Graph().as_default():
        tf.set_random_seed(3)
        x = tf.placeholder(tf.float32, [None, 784])
        training = tf.placeholder_with_default(False, [])
        logits = _example("deep_mnist_layers").deepnn(x, training)
        images = np.random.default_rng(0).random((4, 784), dtype=np.float32)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            first, second = sess.run(logits, {x: images}), sess.run(logits, {x: images})
            dropped = sess.run(logits, {x: images, training: True})
    np.testing.assert_array_equal(first, second)
    assert not np.allclose(first, dropped)
