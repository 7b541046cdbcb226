"""Random ops: TF1 seeding (graph seed, op seed), per-session streams, dynamic shapes, ranges
and distributions. Op types: RandomStandardNormal, TruncatedNormal, RandomUniform,
RandomUniformInt, RandomShuffle, Multinomial."""
import numpy as np
import pytest

import graphgrad as tf

BUILDERS = {
    "RandomStandardNormal": lambda seed=None: tf.random_normal([3, 4], seed=seed),
    "TruncatedNormal": lambda seed=None: tf.truncated_normal([3, 4], seed=seed),
    "RandomUniform": lambda seed=None: tf.random_uniform([3, 4], seed=seed),
    "RandomUniformInt": lambda seed=None: tf.random_uniform([3, 4], 0, 1000, tf.int32, seed=seed),
    "RandomShuffle": lambda seed=None: tf.random_shuffle(tf.constant(np.arange(20)), seed=seed),
    "Multinomial": lambda seed=None: tf.multinomial(tf.zeros([2, 50]), 6, seed=seed),
}
OP_TYPES = sorted(BUILDERS)


def _values(op_type, graph_seed=None, op_seed=None, runs=1):
    g = tf.Graph()
    with g.as_default():
        if graph_seed is not None:
            tf.set_random_seed(graph_seed)
        out = BUILDERS[op_type](op_seed)
        assert any(op.type == op_type for op in g.get_operations())
        with tf.Session(graph=g) as sess:
            return [sess.run(out) for _ in range(runs)]


@pytest.mark.parametrize("op_type", OP_TYPES)
def test_graph_seed_repeats_values_across_sessions_and_rebuilt_graphs(op_type):
    first = _values(op_type, graph_seed=7, runs=2)
    again = _values(op_type, graph_seed=7, runs=2)
    np.testing.assert_array_equal(first[0], again[0])
    np.testing.assert_array_equal(first[1], again[1])
    assert not np.array_equal(first[0], first[1]), "successive runs must draw new values"
    other = _values(op_type, graph_seed=8)
    assert not np.array_equal(first[0], other[0])


@pytest.mark.parametrize("op_type", OP_TYPES)
def test_op_seed_alone_is_reproducible_and_no_seed_is_not(op_type):
    np.testing.assert_array_equal(_values(op_type, op_seed=3)[0], _values(op_type, op_seed=3)[0])
    assert not np.array_equal(_values(op_type)[0], _values(op_type)[0])


def test_two_random_ops_under_one_graph_seed_draw_different_streams():
    g = tf.Graph()
    with g.as_default():
        tf.set_random_seed(1)
        a = tf.random_normal([50])
        b = tf.random_normal([50])
        with tf.Session() as sess:
            va, vb = sess.run([a, b])
    assert not np.allclose(va, vb)


def test_one_session_with_one_seeded_graph_restarts_the_stream_in_a_new_session():
    g = tf.Graph()
    with g.as_default():
        x = tf.random_uniform([5], seed=11)
        with tf.Session() as s1:
            v1 = s1.run(x)
        with tf.Session() as s2:
            v2 = s2.run(x)
    np.testing.assert_array_equal(v1, v2)


def test_shape_can_be_a_tensor_known_only_at_run_time():
    g = tf.Graph()
    with g.as_default():
        n = tf.placeholder(tf.int32, [])
        dims = tf.placeholder(tf.int32, [2])
        normal = tf.random_normal(dims, seed=1)
        uniform = tf.random_uniform(tf.stack([n, 3]), seed=2)
        ints = tf.random_uniform(dims, minval=-3, maxval=4, dtype=tf.int64, seed=3)
        assert normal.shape.as_list() == [None, None]
        assert uniform.shape.as_list() == [None, 3]
        with tf.Session() as sess:
            a, b, c = sess.run([normal, uniform, ints], {n: 4, dims: [2, 5]})
    assert a.shape == (2, 5) and a.dtype == np.float32
    assert b.shape == (4, 3)
    assert c.shape == (2, 5) and c.dtype == np.int64


def test_static_shapes_and_dtypes():
    g = tf.Graph()
    with g.as_default():
        assert tf.random_normal([2, 3], dtype=tf.float64).dtype == tf.float64
        assert tf.truncated_normal(tf.TensorShape([4])).shape.as_list() == [4]
        assert tf.random_uniform([], maxval=5, dtype=tf.int32).shape.as_list() == []
        m = tf.multinomial(tf.zeros([3, 4]), 7)
        assert m.shape.as_list() == [3, 7] and m.dtype == tf.int64
        assert tf.random_shuffle(tf.zeros([5, 2])).shape.as_list() == [5, 2]


def test_normal_mean_stddev_and_truncation():
    g = tf.Graph()
    with g.as_default():
        normal = tf.random_normal([20000], mean=3.0, stddev=2.0, seed=5)
        trunc = tf.truncated_normal([20000], mean=-1.0, stddev=0.5, seed=6, dtype=tf.float64)
        with tf.Session() as sess:
            n, t = sess.run([normal, trunc])
    assert abs(n.mean() - 3.0) < 0.06 and abs(n.std() - 2.0) < 0.06
    assert t.dtype == np.float64
    assert np.all(np.abs(t + 1.0) <= 1.0)  # within 2 stddev
    # A standard normal truncated at +-2 has stddev ~0.88 (so ~0.44 here).
    assert abs(t.std() - 0.88 * 0.5) < 0.01


def test_uniform_ranges():
    g = tf.Graph()
    with g.as_default():
        f = tf.random_uniform([10000], minval=-2.0, maxval=3.0, seed=1)
        i = tf.random_uniform([10000], minval=5, maxval=8, dtype=tf.int32, seed=2)
        with tf.Session() as sess:
            fv, iv = sess.run([f, i])
    assert fv.min() >= -2.0 and fv.max() < 3.0 and abs(fv.mean() - 0.5) < 0.05
    assert iv.dtype == np.int32 and set(np.unique(iv)) == {5, 6, 7}


def test_int_uniform_needs_maxval_and_a_nonempty_range():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="maxval"):
            tf.random_uniform([2], dtype=tf.int32)
        x = tf.random_uniform([2], minval=3, maxval=3, dtype=tf.int32)
        with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError,
                                                 match="minval < maxval"):
            sess.run(x)


def test_random_shuffle_permutes_the_first_dimension_only():
    value = np.arange(24).reshape(6, 4)
    with tf.Graph().as_default():
        x = tf.random_shuffle(tf.constant(value), seed=4)
        with tf.Session() as sess:
            out = sess.run(x)
    assert sorted(map(tuple, out)) == sorted(map(tuple, value))
    assert not np.array_equal(out, value)


def test_multinomial_follows_softmax_probabilities():
    logits = np.log(np.array([[0.7, 0.2, 0.1, 0.0], [0.0, 0.0, 1.0, 0.0]]) + 1e-30)
    with tf.Graph().as_default():
        s = tf.multinomial(tf.constant(logits, tf.float32), 20000, seed=9,
                           output_dtype=tf.int32)
        with tf.Session() as sess:
            out = sess.run(s)
    assert out.dtype == np.int32 and out.shape == (2, 20000)
    freq = np.bincount(out[0], minlength=4) / 20000
    np.testing.assert_allclose(freq, [0.7, 0.2, 0.1, 0.0], atol=0.015)
    assert np.all(out[1] == 2)


def test_random_ops_pass_no_gradient():
    with tf.Graph().as_default():
        mean = tf.placeholder(tf.float32, [])
        x = tf.random_normal([3], mean=mean)
        shuffled = tf.random_shuffle(tf.stack([mean, 2 * mean]))
        # The mean enters after the sample (add), so it gets gradient 3; the shuffle blocks it.
        with tf.Session() as sess:
            assert sess.run(tf.gradients(tf.reduce_sum(x), mean)[0], {mean: 1.0}) == 3.0
        assert tf.gradients(tf.reduce_sum(shuffled), mean) == [None]
