"""tf.data: Dataset sources and transformations, one-shot and initializable iterators
(MakeIterator, IteratorGetNext ops), end of sequence, per-session positions, seeded shuffle."""
import numpy as np
import pytest

import graphgrad as tf


def _drain(sess, tensors):
    out = []
    while True:
        try:
            out.append(sess.run(tensors))
        except tf.errors.OutOfRangeError:
            return out


def test_from_tensor_slices_tuple_yields_rows_then_out_of_range():
    x = np.arange(15, dtype=np.float32).reshape(5, 3)
    y = np.array([4, 3, 2, 1, 0])
    ds = tf.data.Dataset.from_tensor_slices((x, y))
    assert ds.output_types == (tf.float32, tf.int64)
    assert [s.as_list() for s in ds.output_shapes] == [[3], []]
    a, b = ds.make_one_shot_iterator().get_next()
    assert a.op.type == "IteratorGetNext" and a.shape.as_list() == [3]
    with tf.Session() as sess:
        rows = _drain(sess, [a, b])
        with pytest.raises(tf.errors.OutOfRangeError, match="End of sequence"):
            sess.run(a)
    assert len(rows) == 5
    np.testing.assert_array_equal(np.stack([r[0] for r in rows]), x)
    assert [int(r[1]) for r in rows] == [4, 3, 2, 1, 0]


def test_python_lists_get_tf_default_dtypes_and_dicts_keep_keys():
    ds = tf.data.Dataset.from_tensor_slices({"f": [[1.0, 2.0], [3.0, 4.0]], "l": [7, 8]})
    assert ds.output_types == {"f": tf.float32, "l": tf.int32}
    el = ds.make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        rows = _drain(sess, el)
    assert [r["l"] for r in rows] == [7, 8]
    assert rows[1]["f"].dtype == np.float32 and rows[1]["f"].tolist() == [3.0, 4.0]


def test_slices_of_a_constant_tensor_and_mismatched_sizes():
    c = tf.constant([[1, 2], [3, 4], [5, 6]])
    el = tf.data.Dataset.from_tensor_slices(c).make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        assert [r.tolist() for r in _drain(sess, el)] == [[1, 2], [3, 4], [5, 6]]
    with pytest.raises(ValueError):
        tf.data.Dataset.from_tensor_slices((np.zeros((3, 2)), np.zeros(4)))


def test_from_tensors_range_zip_take_skip_concatenate():
    one = tf.data.Dataset.from_tensors(np.array([1.5, 2.5]))
    assert one.output_shapes.as_list() == [2]
    r = tf.data.Dataset.range(2, 20, 3)
    assert r.output_types == tf.int64
    z = tf.data.Dataset.zip((r, tf.data.Dataset.range(100).skip(5))).take(4)
    cat = tf.data.Dataset.range(3).concatenate(tf.data.Dataset.range(10, 12))
    with tf.Session() as sess:
        assert [v.tolist() for v in _drain(sess, one.make_one_shot_iterator().get_next())] == [
            [1.5, 2.5]]
        got = _drain(sess, z.make_one_shot_iterator().get_next())
        assert [(int(a), int(b)) for a, b in got] == [(2, 5), (5, 6), (8, 7), (11, 8)]
        assert [int(v) for v in _drain(sess, cat.make_one_shot_iterator().get_next())] == [
            0, 1, 2, 10, 11]


def test_batch_keeps_the_remainder_unless_dropped_and_sets_static_shapes():
    x = np.arange(14, dtype=np.float32).reshape(7, 2)
    kept = tf.data.Dataset.from_tensor_slices(x).batch(3)
    dropped = tf.data.Dataset.from_tensor_slices(x).batch(3, drop_remainder=True)
    assert kept.output_shapes.as_list() == [None, 2]
    assert dropped.output_shapes.as_list() == [3, 2]
    with tf.Session() as sess:
        sizes = [b.shape[0] for b in _drain(sess, kept.make_one_shot_iterator().get_next())]
        assert sizes == [3, 3, 1]
        batches = _drain(sess, dropped.make_one_shot_iterator().get_next())
    assert len(batches) == 2
    np.testing.assert_array_equal(batches[1], x[3:6])


def test_batching_elements_of_different_shapes_is_an_error_padded_batch_pads():
    ds = tf.data.Dataset.range(1, 4).map(lambda n: tf.fill([tf.cast(n, tf.int32)], n))
    el = ds.batch(3).make_one_shot_iterator().get_next()
    padded = ds.padded_batch(2, padded_shapes=[None], padding_values=tf.constant(-1, tf.int64))
    pel = padded.make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="different shapes"):
            sess.run(el)
        got = _drain(sess, pel)
    assert got[0].tolist() == [[1, -1], [2, 2]]
    assert got[1].tolist() == [[3, 3, 3]]


def test_map_traces_graph_code_once_and_runs_it_per_element():
    calls = []

    def fn(image, label):
        calls.append(1)
        return tf.reshape(image, [2, 2]) / 10.0, tf.one_hot(label, 3)

    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    ds = tf.data.Dataset.from_tensor_slices((x, np.array([2, 0, 1]))).map(fn)
    assert [s.as_list() for s in ds.output_shapes] == [[2, 2], [3]]
    img, lab = ds.make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        rows = _drain(sess, [img, lab])
    assert len(calls) == 1
    np.testing.assert_allclose(rows[2][0], x[2].reshape(2, 2) / 10.0)
    assert rows[0][1].tolist() == [0.0, 0.0, 1.0]


def test_map_sees_session_variables_and_py_func():
    scale = tf.Variable(3.0)
    ds = tf.data.Dataset.range(3).map(
        lambda n: tf.py_func(lambda v: v * 2, [tf.cast(n, tf.float32) * scale], tf.float32))
    el = ds.make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert [float(v) for v in _drain(sess, el)] == [0.0, 6.0, 12.0]


def test_filter_keeps_elements_whose_predicate_is_true():
    ds = tf.data.Dataset.range(10).filter(lambda n: tf.equal(n % 3, 0))
    with tf.Session() as sess:
        got = _drain(sess, ds.make_one_shot_iterator().get_next())
    assert [int(v) for v in got] == [0, 3, 6, 9]
    with pytest.raises(ValueError, match="scalar boolean"):
        tf.data.Dataset.range(3).filter(lambda n: n)


def test_repeat_counts_and_repeat_forever_with_take():
    ds = tf.data.Dataset.range(3)
    with tf.Session() as sess:
        twice = _drain(sess, ds.repeat(2).make_one_shot_iterator().get_next())
        forever = _drain(sess, ds.repeat().take(7).make_one_shot_iterator().get_next())
    assert [int(v) for v in twice] == [0, 1, 2, 0, 1, 2]
    assert [int(v) for v in forever] == [0, 1, 2, 0, 1, 2, 0]


def _shuffled(seed, epochs=2, graph_seed=None, reshuffle=True):
    with tf.Graph().as_default():
        if graph_seed is not None:
            tf.set_random_seed(graph_seed)
        ds = tf.data.Dataset.range(20).shuffle(8, seed=seed, reshuffle_each_iteration=reshuffle)
        el = ds.repeat(epochs).make_one_shot_iterator().get_next()
        with tf.Session() as sess:
            return [int(v) for v in _drain(sess, el)]


def test_seeded_shuffle_order_is_stable_across_graphs_and_sessions():
    first = _shuffled(seed=7)
    assert first == _shuffled(seed=7)
    assert _shuffled(seed=3, graph_seed=11) == _shuffled(seed=3, graph_seed=11)
    assert first != _shuffled(seed=8)
    assert sorted(first[:20]) == list(range(20)) and sorted(first[20:]) == list(range(20))
    assert first[:20] != list(range(20))
    # A new order each epoch, unless reshuffle_each_iteration=False.
    assert first[:20] != first[20:]
    same = _shuffled(seed=7, reshuffle=False)
    assert same[:20] == same[20:]


def test_shuffle_buffer_limits_how_far_an_element_moves_forward():
    order = _shuffled(seed=1, epochs=1)
    # With a buffer of 8 the k-th output is drawn from the first k + 8 inputs.
    assert all(v < k + 8 for k, v in enumerate(order))


def test_initializable_iterator_reads_placeholders_and_restarts():
    feats = tf.placeholder(tf.float32, [None, 2])
    it = tf.data.Dataset.from_tensor_slices(feats).batch(2).make_initializable_iterator()
    el = it.get_next()
    assert it.initializer.type == "MakeIterator"
    with tf.Session() as sess:
        with pytest.raises(tf.errors.FailedPreconditionError, match="not been initialized"):
            sess.run(el)
        sess.run(it.initializer, {feats: np.ones((3, 2))})
        assert [b.shape[0] for b in _drain(sess, el)] == [2, 1]
        sess.run(it.initializer, {feats: np.zeros((4, 2))})
        assert [b.sum() for b in _drain(sess, el)] == [0.0, 0.0]


def test_each_session_has_its_own_iterator_position():
    el = tf.data.Dataset.range(5).make_one_shot_iterator().get_next()
    s1, s2 = tf.Session(), tf.Session()
    assert [int(s1.run(el)) for _ in range(3)] == [0, 1, 2]
    assert int(s2.run(el)) == 0
    assert int(s1.run(el)) == 3


def test_reinitializable_iterator_from_structure_switches_datasets():
    train = tf.data.Dataset.range(10, 13)
    test = tf.data.Dataset.range(100, 102)
    it = tf.data.Iterator.from_structure(train.output_types, train.output_shapes)
    el = it.get_next()
    train_init, test_init = it.make_initializer(train), it.make_initializer(test)
    with tf.Session() as sess:
        sess.run(train_init)
        assert [int(v) for v in _drain(sess, el)] == [10, 11, 12]
        sess.run(test_init)
        assert [int(v) for v in _drain(sess, el)] == [100, 101]
    with pytest.raises(TypeError):
        it.make_initializer(tf.data.Dataset.from_tensors(np.float32(1)))


def test_from_generator_casts_and_checks_shapes():
    def gen():
        for i in range(3):
            yield [i] * (i + 1), i * 0.5

    ds = tf.data.Dataset.from_generator(gen, (tf.int32, tf.float32), ([None], []))
    a, b = ds.make_one_shot_iterator().get_next()
    assert a.shape.as_list() == [None] and b.dtype == tf.float32
    with tf.Session() as sess:
        rows = _drain(sess, [a, b])
    assert rows[2][0].tolist() == [2, 2, 2] and rows[2][0].dtype == np.int32
    assert rows[1][1] == np.float32(0.5)


def test_training_loop_reads_mnist_style_batches_until_out_of_range():
    rng = np.random.RandomState(0)
    x = rng.randn(40, 5).astype(np.float32)
    w_true = rng.randn(5, 1).astype(np.float32)
    ds = tf.data.Dataset.from_tensor_slices((x, x @ w_true)).shuffle(40, seed=2).batch(8)
    xb, yb = ds.repeat(30).prefetch(1).make_one_shot_iterator().get_next()
    w = tf.Variable(tf.zeros([5, 1]))
    loss = tf.reduce_mean(tf.square(tf.matmul(xb, w) - yb))
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    steps = 0
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        try:
            while True:
                sess.run(train)
                steps += 1
        except tf.errors.OutOfRangeError:
            pass
        final = sess.run(w)
    assert steps == 150
    np.testing.assert_allclose(final, w_true, atol=1e-2)


def test_dataset_is_not_python_iterable_in_graph_mode():
    with pytest.raises(RuntimeError, match="eager"):
        iter(tf.data.Dataset.range(2))


def test_cache_replays_the_first_pass():
    ds = tf.data.Dataset.range(6).shuffle(6, seed=5).cache().repeat(2)
    with tf.Session() as sess:
        got = [int(v) for v in _drain(sess, ds.make_one_shot_iterator().get_next())]
    assert got[:6] == got[6:] and sorted(got[:6]) == list(range(6))
