"""Initializers: values, dtypes, statistics (mean, stddev, bounds) against TF1's formulas, fan
computation, argument errors and seed reproducibility."""
import math

import numpy as np
import pytest

import graphgrad as tf


def _run(init, shape, dtype=tf.float32):
    t = init(shape, dtype=dtype)
    with tf.Session() as sess:
        return sess.run(t)


def test_zeros_ones_constant_values_and_dtypes():
    np.testing.assert_array_equal(_run(tf.zeros_initializer(), [2, 3]), np.zeros((2, 3)))
    ones = _run(tf.ones_initializer(dtype=tf.int32), [3], dtype=None)
    assert ones.dtype == np.int32 and ones.tolist() == [1, 1, 1]
    const = _run(tf.constant_initializer(2.5), [2, 2], dtype=tf.float64)
    assert const.dtype == np.float64 and (const == 2.5).all()
    # A shorter list fills the rest with its last value, as TF1's constant_initializer.
    filled = _run(tf.constant_initializer([1, 2, 3]), [2, 3])
    np.testing.assert_array_equal(filled, [[1, 2, 3], [3, 3, 3]])
    with pytest.raises(ValueError, match="Too many elements"):
        _run(tf.constant_initializer([1, 2, 3]), [2])
    with pytest.raises(TypeError, match="Expected Tensor's shape"):
        tf.constant_initializer([1, 2], verify_shape=True)([2, 1])


def test_random_normal_and_uniform_statistics():
    normal = _run(tf.random_normal_initializer(mean=1.5, stddev=0.3, seed=1), [300, 200])
    assert abs(normal.mean() - 1.5) < 0.01 and abs(normal.std() - 0.3) < 0.01
    uniform = _run(tf.random_uniform_initializer(-0.2, 0.6, seed=2), [300, 200])
    assert uniform.min() >= -0.2 and uniform.max() < 0.6
    assert abs(uniform.mean() - 0.2) < 0.01
    assert abs(uniform.std() - 0.8 / math.sqrt(12)) < 0.01
    unit = _run(tf.random_uniform_initializer(seed=3), [1000])
    assert unit.min() >= 0 and unit.max() < 1


def test_truncated_normal_stays_within_two_stddevs():
    x = _run(tf.truncated_normal_initializer(mean=0.5, stddev=2.0, seed=4), [300, 200])
    assert x.min() >= 0.5 - 4.0 and x.max() <= 0.5 + 4.0
    # The stddev of N(0, s) truncated at +-2s is 0.8796 s.
    assert abs(x.std() - 2.0 * 0.87962566) < 0.03


def test_glorot_uniform_limit_is_sqrt_6_over_fan_sum():
    x = _run(tf.glorot_uniform_initializer(seed=5), [120, 80])
    limit = math.sqrt(6.0 / 200)
    assert np.abs(x).max() <= limit and np.abs(x).max() > 0.99 * limit
    assert abs(x.std() - limit / math.sqrt(3)) < 0.003


def test_glorot_normal_has_stddev_sqrt_2_over_fan_sum_after_truncation():
    x = _run(tf.glorot_normal_initializer(seed=6), [150, 250])
    target = math.sqrt(2.0 / 400)
    assert abs(x.std() - target) < 0.03 * target
    assert np.abs(x).max() <= 2 * target / 0.87962566 + 1e-7


def test_variance_scaling_modes_and_distributions():
    shape = [3, 5, 40, 70]  # conv kernel: fans multiply by the receptive field 15
    fan_in, fan_out = 40 * 15, 70 * 15
    cases = [("fan_in", fan_in), ("fan_out", fan_out), ("fan_avg", (fan_in + fan_out) / 2)]
    for mode, fan in cases:
        x = _run(tf.variance_scaling_initializer(2.0, mode, "uniform", seed=7), shape)
        limit = math.sqrt(3.0 * 2.0 / fan)
        assert np.abs(x).max() <= limit and np.abs(x).max() > 0.99 * limit, mode
    x = _run(tf.variance_scaling_initializer(3.0, "fan_in", "untruncated_normal", seed=8), shape)
    assert abs(x.std() - math.sqrt(3.0 / fan_in)) < 0.02 * math.sqrt(3.0 / fan_in)
    assert np.abs(x).max() > 2.5 * math.sqrt(3.0 / fan_in)  # not truncated
    for dist in ("normal", "truncated_normal"):
        x = _run(tf.variance_scaling_initializer(distribution=dist, seed=9), shape)
        sigma = math.sqrt(1.0 / fan_in)
        assert abs(x.std() - sigma) < 0.02 * sigma
        assert np.abs(x).max() <= 2 * sigma / 0.87962566 + 1e-7


def test_variance_scaling_argument_errors():
    with pytest.raises(ValueError, match="`scale` must be positive float."):
        tf.variance_scaling_initializer(scale=0.0)
    with pytest.raises(ValueError, match="Invalid `mode` argument"):
        tf.variance_scaling_initializer(mode="fan_sum")
    with pytest.raises(ValueError, match="Invalid `distribution` argument"):
        tf.variance_scaling_initializer(distribution="cauchy")
    with pytest.raises(ValueError, match="Expected floating point type"):
        tf.random_normal_initializer()([2], dtype=tf.int32)


def test_vector_and_scalar_fans():
    vec = _run(tf.variance_scaling_initializer(1.0, "fan_in", "uniform", seed=1), [50])
    assert np.abs(vec).max() <= math.sqrt(3.0 / 50)
    scalar = _run(tf.variance_scaling_initializer(1.0, "fan_in", "uniform", seed=1), [])
    assert scalar.shape == () and abs(scalar) <= math.sqrt(3.0)


def test_he_and_lecun_initializers():
    he = _run(tf.initializers.he_uniform(seed=1), [90, 30])
    assert np.abs(he).max() <= math.sqrt(6.0 / 90) and np.abs(he).max() > 0.98 * math.sqrt(6 / 90)
    lecun = _run(tf.initializers.lecun_uniform(seed=1), [90, 30])
    assert np.abs(lecun).max() <= math.sqrt(3.0 / 90)


def test_contrib_xavier_initializer():
    x = _run(tf.contrib.layers.xavier_initializer(seed=1), [100, 60])
    limit = math.sqrt(6.0 / 160)
    assert np.abs(x).max() <= limit and np.abs(x).max() > 0.99 * limit
    y = _run(tf.contrib.layers.xavier_initializer(uniform=False, seed=1), [200, 300])
    trunc_stddev = math.sqrt(1.3 * 2.0 / 500)
    assert np.abs(y).max() <= 2 * trunc_stddev + 1e-7
    assert abs(y.std() - 0.87962566 * trunc_stddev) < 0.03 * trunc_stddev


def test_contrib_variance_scaling_default_is_he_truncated_normal():
    x = _run(tf.contrib.layers.variance_scaling_initializer(seed=2), [5, 5, 16, 100])
    trunc_stddev = math.sqrt(1.3 * 2.0 / (5 * 5 * 16))
    assert np.abs(x).max() <= 2 * trunc_stddev + 1e-7
    assert abs(x.std() - 0.87962566 * trunc_stddev) < 0.03 * trunc_stddev
    with pytest.raises(TypeError, match="Cannot create initializer for non-floating"):
        tf.contrib.layers.variance_scaling_initializer(dtype=tf.int32)
    with pytest.raises(TypeError, match="Unknown mode"):
        tf.contrib.layers.variance_scaling_initializer(mode="fan_in")


def _sample_in_new_graph(make, graph_seed=None):
    with tf.Graph().as_default():
        if graph_seed is not None:
            tf.set_random_seed(graph_seed)
        t = make()
        with tf.Session() as sess:
            return sess.run(t)


def test_op_seed_makes_initializers_reproducible_across_graphs_and_sessions():
    inits = [lambda s: tf.random_normal_initializer(seed=s),
             lambda s: tf.truncated_normal_initializer(seed=s),
             lambda s: tf.random_uniform_initializer(seed=s),
             lambda s: tf.glorot_uniform_initializer(seed=s),
             lambda s: tf.contrib.layers.xavier_initializer(seed=s)]
    for make in inits:
        a = _sample_in_new_graph(lambda make=make: make(11)([4, 3]))
        b = _sample_in_new_graph(lambda make=make: make(11)([4, 3]))
        c = _sample_in_new_graph(lambda make=make: make(12)([4, 3]))
        np.testing.assert_array_equal(a, b)
        assert not np.array_equal(a, c)


def test_graph_seed_makes_get_variable_initial_values_reproducible():
    def build():
        return tf.get_variable("w", [5, 4]).initial_value
    a = _sample_in_new_graph(build, graph_seed=3)
    b = _sample_in_new_graph(build, graph_seed=3)
    c = _sample_in_new_graph(build, graph_seed=4)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_initializers_build_under_the_variables_initializer_scope():
    v = tf.get_variable("v", [2, 2], initializer=tf.truncated_normal_initializer(stddev=0.1))
    assert v.initial_value.op.name == "v/Initializer/truncated_normal"
    assert v.initial_value.dtype == tf.float32


def test_config_round_trip():
    init = tf.variance_scaling_initializer(2.0, "fan_out", "uniform", seed=3)
    again = tf.variance_scaling_initializer.from_config(init.get_config())
    assert again.get_config() == init.get_config()


def test_orthogonal_initializer_gives_orthonormal_rows_or_columns_times_gain():
    tall = _run(tf.orthogonal_initializer(gain=2.0, seed=1), [3, 4, 5])  # flattened 12 x 5
    flat = tall.reshape(12, 5)
    np.testing.assert_allclose(flat.T @ flat, 4.0 * np.eye(5), atol=1e-5)
    wide = _run(tf.orthogonal_initializer(seed=2), [4, 9])
    np.testing.assert_allclose(wide @ wide.T, np.eye(4), atol=1e-5)
    again = _sample_in_new_graph(lambda: tf.orthogonal_initializer(seed=2)([4, 9]))
    np.testing.assert_array_equal(wide, again)
    with pytest.raises(ValueError, match="at least two-dimensional"):
        tf.orthogonal_initializer()([3])
