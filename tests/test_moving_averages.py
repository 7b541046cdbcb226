"""tf.train.ExponentialMovingAverage and assign_moving_average against the TF formulas."""
import numpy as np
import pytest

import graphgrad as tf


def test_ema_shadow_starts_at_the_initial_value_and_follows_the_decay():
    with tf.Graph().as_default() as g:
        w = tf.Variable([1.0, -2.0], dtype=tf.float64, name="w")
        ema = tf.train.ExponentialMovingAverage(0.9)
        update = ema.apply([w])
        shadow = ema.average(w)
        assert shadow.op.name == "w/ExponentialMovingAverage" == ema.average_name(w)
        assert update.name == "ExponentialMovingAverage" and not shadow.trainable
        assert g.get_collection(tf.GraphKeys.MOVING_AVERAGE_VARIABLES) == [w]
        expected = np.array([1.0, -2.0])
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            np.testing.assert_array_equal(sess.run(shadow), expected)
            for value in ([3.0, 0.0], [5.0, 1.0]):
                sess.run(w.assign(value))
                sess.run(update)
                # decay 0.9 reaches float64 through float32: TF converts 0.9 to float32 first.
                d = float(np.float32(0.9))
                expected = expected - (1 - d) * (expected - np.array(value))
                np.testing.assert_allclose(sess.run(shadow), expected, rtol=1e-12)


def test_ema_num_updates_caps_the_decay_early_on():
    with tf.Graph().as_default():
        w = tf.Variable(0.0)
        ema = tf.train.ExponentialMovingAverage(0.999, num_updates=tf.constant(0))
        update = ema.apply()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(w.assign(10.0))
            sess.run(update)
            # decay = min(0.999, (1 + 0) / (10 + 0)) = 0.1
            assert np.isclose(sess.run(ema.average(w)), 9.0, rtol=1e-6)


def test_ema_of_a_tensor_with_zero_debias_is_unbiased_from_the_first_step():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float64, [2])
        ema = tf.train.ExponentialMovingAverage(0.5, zero_debias=True)
        update = ema.apply([x])
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(update, {x: [4.0, 8.0]})
            np.testing.assert_allclose(sess.run(ema.average(x)), [4.0, 8.0], rtol=1e-12)
            sess.run(update, {x: [0.0, 2.0]})
            # biased = 0.25 * first + 0.5 * second; divided by 1 - 0.5^2.
            np.testing.assert_allclose(sess.run(ema.average(x)), [4 / 3, 4.0], rtol=1e-12)


def test_ema_errors_and_variables_to_restore():
    with tf.Graph().as_default():
        w = tf.Variable(1.0, name="w")
        step = tf.Variable(0, name="step", trainable=False)
        ema = tf.train.ExponentialMovingAverage(0.9)
        ema.apply([w])
        with pytest.raises(ValueError, match="already computed"):
            ema.apply([w])
        with pytest.raises(TypeError, match="half, float, or double"):
            ema.apply([step])
        restore = ema.variables_to_restore()
        assert restore["w/ExponentialMovingAverage"] is w and restore["step"] is step
