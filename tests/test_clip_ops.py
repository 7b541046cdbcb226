"""tf.clip_by_norm, tf.global_norm, tf.clip_by_global_norm, tf.clip_by_average_norm against
their TF formulas, including the zero-norm and non-finite cases."""
import numpy as np
import pytest

import graphgrad as tf

from .helpers import run as _run

RNG = np.random.default_rng(3)
A = RNG.normal(size=(3, 4))
B = RNG.normal(size=(5,))


def test_clip_by_norm_rescales_only_when_the_norm_exceeds_the_limit():
    with tf.Graph().as_default():
        norm = np.linalg.norm(A)
        big, small = tf.clip_by_norm(A, norm / 2), tf.clip_by_norm(A, norm * 2)
        assert big.op.name == "clip_by_norm" and big.shape.as_list() == [3, 4]
        got_big, got_small = _run([big, small])
        np.testing.assert_allclose(got_big, A / 2, rtol=1e-12)
        np.testing.assert_allclose(got_small, A, rtol=1e-12)


def test_clip_by_norm_along_axes_clips_each_row_separately():
    with tf.Graph().as_default():
        got = _run(tf.clip_by_norm(A, 1.0, axes=[1]))
        rows = np.linalg.norm(A, axis=1, keepdims=True)
        np.testing.assert_allclose(got, A / np.maximum(rows, 1.0), rtol=1e-12)


def test_clip_by_norm_of_zeros_has_a_finite_gradient():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float64, [3])
        y = tf.clip_by_norm(x, 1.0)
        (g,) = tf.gradients(tf.reduce_sum(y), [x])
        value, grad = _run([y, g], {x: np.zeros(3)})
        np.testing.assert_array_equal(value, np.zeros(3))
        assert np.all(np.isfinite(grad))


def test_global_norm_ignores_none_and_clip_by_global_norm_keeps_it():
    with tf.Graph().as_default():
        norm = np.sqrt(np.sum(A ** 2) + np.sum(B ** 2))
        assert np.isclose(_run(tf.global_norm([A, None, B])), norm, rtol=1e-12)
        clipped, used = tf.clip_by_global_norm([A, None, B], 2.0)
        assert clipped[1] is None
        got_a, got_b, got_norm = _run([clipped[0], clipped[2], used])
        np.testing.assert_allclose(got_a, A * 2.0 / norm, rtol=1e-12)
        np.testing.assert_allclose(got_b, B * 2.0 / norm, rtol=1e-12)
        assert np.isclose(got_norm, norm, rtol=1e-12)


def test_clip_by_global_norm_with_a_given_norm_and_under_the_limit():
    with tf.Graph().as_default():
        clipped, _ = tf.clip_by_global_norm([A], 1.0, use_norm=tf.constant(4.0, tf.float64))
        np.testing.assert_allclose(_run(clipped[0]), A / 4.0, rtol=1e-12)
        clipped, _ = tf.clip_by_global_norm([A], 1e3)
        np.testing.assert_allclose(_run(clipped[0]), A, rtol=1e-12)


def test_clip_by_global_norm_of_an_infinite_gradient_is_nan():
    with tf.Graph().as_default():
        clipped, norm = tf.clip_by_global_norm([np.array([1.0, np.inf])], 1.0)
        values, got_norm = _run([clipped[0], norm])
        assert np.isinf(got_norm) and np.all(np.isnan(values))


def test_clip_functions_reject_a_tensor_for_the_list():
    with tf.Graph().as_default():
        with pytest.raises(TypeError, match="t_list should be a sequence"):
            tf.clip_by_global_norm(tf.constant(A), 1.0)
        with pytest.raises(TypeError, match="t_list should be a sequence"):
            tf.global_norm(tf.constant(A))


def test_clip_by_average_norm():
    with tf.Graph().as_default():
        avg = np.linalg.norm(A) / A.size
        got = _run([tf.clip_by_average_norm(A, avg / 3), tf.clip_by_average_norm(A, avg * 3)])
        np.testing.assert_allclose(got[0], A / 3, rtol=1e-12)
        np.testing.assert_allclose(got[1], A, rtol=1e-12)
