"""tf.train learning-rate schedules: graph functions of the global step, checked against their
TF formulas at several steps, fed through a placeholder step."""
import math

import numpy as np
import pytest

import graphgrad as tf

STEPS = [0, 1, 7, 10, 25, 99, 100, 101, 250]


def _values(build, dtype=tf.int64):
    with tf.Graph().as_default():
        step = tf.placeholder(dtype, [])
        lr = build(step)
        with tf.Session() as sess:
            return lr, [sess.run(lr, {step: s}) for s in STEPS]


@pytest.mark.parametrize("staircase", [False, True])
def test_exponential_decay(staircase):
    lr, got = _values(lambda s: tf.train.exponential_decay(0.5, s, 10, 0.9, staircase=staircase))
    assert lr.dtype == tf.float32 and lr.op.name == "ExponentialDecay"
    p = [s // 10 if staircase else s / 10 for s in STEPS]
    np.testing.assert_allclose(got, [0.5 * 0.9 ** q for q in p], rtol=1e-5)


def test_natural_exp_and_inverse_time_decay():
    _, got = _values(lambda s: tf.train.natural_exp_decay(0.2, s, 5, 0.3))
    np.testing.assert_allclose(got, [0.2 * math.exp(-0.3 * s / 5) for s in STEPS], rtol=1e-5)
    _, got = _values(lambda s: tf.train.inverse_time_decay(0.2, s, 5, 0.3, staircase=True))
    np.testing.assert_allclose(got, [0.2 / (1 + 0.3 * (s // 5)) for s in STEPS], rtol=1e-5)


@pytest.mark.parametrize("cycle", [False, True])
def test_polynomial_decay(cycle):
    _, got = _values(lambda s: tf.train.polynomial_decay(
        0.1, s, 100, end_learning_rate=0.01, power=0.5, cycle=cycle))
    expected = []
    for s in STEPS:
        steps = 100 * max(math.ceil(s / 100), 1) if cycle else 100
        p = (s if cycle else min(s, 100)) / steps
        expected.append((0.1 - 0.01) * (1 - p) ** 0.5 + 0.01)
    np.testing.assert_allclose(got, expected, rtol=1e-5)


def test_cosine_decay():
    _, got = _values(lambda s: tf.train.cosine_decay(0.3, s, 100, alpha=0.1))
    expected = [0.3 * (0.9 * 0.5 * (1 + math.cos(math.pi * min(s, 100) / 100)) + 0.1)
                for s in STEPS]
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-7)


def test_piecewise_constant_takes_left_value_at_each_boundary():
    _, got = _values(lambda s: tf.train.piecewise_constant(s, [10, 100], [1.0, 0.5, 0.1]))
    assert got == [1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.1, 0.1]


def test_piecewise_constant_argument_errors():
    with tf.Graph().as_default():
        step = tf.placeholder(tf.int64, [])
        with pytest.raises(ValueError, match="1 less than the length of values"):
            tf.train.piecewise_constant(step, [10, 20], [1.0, 0.5])
        with pytest.raises(ValueError, match="must have the same dtype as x"):
            tf.train.piecewise_constant(step, [10.0], [1.0, 0.5])
        with pytest.raises(ValueError, match="same dtype"):
            tf.train.piecewise_constant(step, [10], [1.0, tf.constant(1, tf.int32)])


def test_schedules_require_a_global_step():
    with pytest.raises(ValueError, match="global_step is required for exponential_decay"):
        tf.train.exponential_decay(0.1, None, 10, 0.9)


def test_a_schedule_of_the_global_step_drives_an_optimizer():
    with tf.Graph().as_default():
        w = tf.Variable(0.0, dtype=tf.float64)
        step = tf.train.get_or_create_global_step()
        lr = tf.train.exponential_decay(tf.constant(1.0, tf.float64), step, 1, 0.5,
                                        staircase=True)
        train = tf.train.GradientDescentOptimizer(lr).minimize(-w, global_step=step)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(4):
                sess.run(train)
            # The gradient is -1: w grows by the rate of each step, 1, 1/2, 1/4, 1/8.
            assert sess.run(w) == 1.875 and sess.run(step) == 4
