"""Session.run as TF1 defines it: fetch structures, feeds, pruning, plan caching, and the two
source ops the runtime fills itself (Const, Placeholder)."""
import collections

import numpy as np
import pytest

import graphgrad as tf

# --- Const ---

def test_constant_takes_dtype_and_fills_or_reshapes_to_shape():
    with tf.Session() as sess:
        a, b, c, d = sess.run([
            tf.constant(7, shape=[2, 3]),
            tf.constant([1, 2, 3, 4, 5, 6], shape=(2, 3)),
            tf.constant([1.0, 2.0], dtype=tf.float64, shape=[4]),
            tf.constant(3, dtype=tf.float32)])
    np.testing.assert_array_equal(a, np.full((2, 3), 7, np.int32))
    assert a.dtype == np.int32
    np.testing.assert_array_equal(b, [[1, 2, 3], [4, 5, 6]])
    np.testing.assert_array_equal(c, [1.0, 2.0, 2.0, 2.0])  # TF1 repeats the last element
    assert c.dtype == np.float64 and d.dtype == np.float32 and d == 3.0


def test_constant_shape_errors():
    with pytest.raises(TypeError, match="Expected Tensor's shape"):
        tf.constant([1, 2, 3], shape=[3, 1], verify_shape=True)
    with pytest.raises(ValueError, match="Too many elements"):
        tf.constant([1, 2, 3, 4, 5], shape=[2, 2])
    with pytest.raises(TypeError):
        tf.constant(1.5, dtype=tf.int32)
    assert tf.constant([[1, 2]], shape=[1, 2], verify_shape=True).shape.as_list() == [1, 2]


def test_a_constant_is_not_changed_by_later_edits_of_the_source_array():
    source = np.array([1.0, 2.0], np.float32)
    c = tf.constant(source)
    source[0] = 99.0
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(c), [1.0, 2.0])


# --- Placeholder and feeds ---

def test_placeholder_feeds_are_shape_checked_and_accept_python_values():
    x = tf.placeholder(tf.float32, [None, 2], name="x")
    y = x * 2.0
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y, {x: [[1, 2], [3, 4], [5, 6]]}),
                                      [[2, 4], [6, 8], [10, 12]])
        assert sess.run(y, {x: np.zeros((0, 2))}).shape == (0, 2)
        with pytest.raises(ValueError, match=r"Cannot feed value of shape \(2, 3\)"):
            sess.run(y, {x: np.zeros((2, 3))})


def test_placeholder_with_default_yields_the_default_unless_fed():
    keep = tf.placeholder_with_default(1.0, shape=[], name="keep")
    doubled = keep * 2.0
    with tf.Session() as sess:
        assert sess.run(doubled) == 2.0
        assert sess.run(doubled, {keep: 0.25}) == 0.5


def test_feeds_keyed_by_tensor_or_by_name():
    x = tf.placeholder(tf.int32, [], name="x")
    y = x + 1
    with tf.Session() as sess:
        assert sess.run(y, {x: 1}) == 2
        assert sess.run(y, {"x:0": 5}) == 6
        assert sess.run("add:0", {x: np.int32(9)}) == 10


def test_feeding_an_intermediate_tensor_cuts_its_inputs():
    x = tf.placeholder(tf.float32, [], name="never_fed")
    hidden = x * 3.0
    out = hidden + 1.0
    with tf.Session() as sess:
        assert sess.run(out, {hidden: 10.0}) == 11.0
        assert sess.run(hidden, {hidden: 4.0}) == 4.0


def test_feeding_one_output_of_a_multi_output_op_keeps_the_fed_value():
    parts = tf.unstack(tf.constant([1.0, 2.0, 3.0]))
    total = parts[0] + parts[1]
    with tf.Session() as sess:
        assert sess.run(total, {parts[1]: 100.0}) == 101.0


# --- Session lifecycle ---

def test_session_runs_the_graph_it_was_given():
    g = tf.Graph()
    with g.as_default():
        tf.constant(3.0, name="c")
    tf.constant(1.0, name="c")
    with tf.Session(graph=g) as sess:
        assert sess.graph is g
        assert sess.run("c:0") == 3.0


def test_with_session_makes_it_default_and_closes_it():
    c = tf.constant(1.0)
    with tf.Session() as sess:
        assert tf.get_default_session() is sess
    assert tf.get_default_session() is None
    with pytest.raises(RuntimeError, match="closed Session"):
        sess.run(c)


def test_closed_session_refuses_to_run():
    sess = tf.Session()
    sess.close()
    with pytest.raises(RuntimeError):
        sess.run(tf.constant(1.0))


def test_interactive_session_is_default_for_eval_and_run_until_closed():
    v = tf.Variable(2.0)
    sess = tf.InteractiveSession()
    try:
        assert tf.get_default_session() is sess
        v.initializer.run()
        assert (v * 3.0).eval() == 6.0
        assert tf.assign(v, 5.0).op.run() is None
        assert v.eval() == 5.0
    finally:
        sess.close()
    assert tf.get_default_session() is None


# --- fetches ---

def test_fetching_a_tensor_an_op_and_names():
    c = tf.constant(4.0, name="c")
    noop = tf.no_op(name="nothing")
    with tf.Session() as sess:
        assert sess.run(c) == 4.0
        assert sess.run(noop) is None
        assert sess.run("c:0") == 4.0
        assert sess.run("nothing") is None
        assert sess.run(c.op) is None


def test_nested_fetches_keep_their_structure():
    Pair = collections.namedtuple("Pair", "a b")
    a, b = tf.constant(1.0), tf.constant(2)
    with tf.Session() as sess:
        out = sess.run({"x": [a, (b, a)], "y": Pair(a=b, b=[a]), "z": {"n": tf.no_op()}})
    assert out["x"][0] == 1.0 and isinstance(out["x"][1], tuple) and out["x"][1][0] == 2
    assert isinstance(out["y"], Pair) and out["y"].a == 2 and out["y"].b == [1.0]
    assert out["z"] == {"n": None}


def test_only_the_fetched_subgraph_runs():
    calls = []

    def record(x):
        calls.append(1)
        return x

    unfed = tf.placeholder(tf.float32, name="elsewhere")
    side = tf.py_func(record, [tf.constant(1.0)], tf.float32)
    _ = unfed * side
    wanted = tf.constant(2.0) * 3.0
    with tf.Session() as sess:
        assert sess.run(wanted) == 6.0
        assert calls == []
        sess.run(side)
        assert calls == [1]


def test_make_callable_runs_with_feeds_in_feed_list_order():
    x = tf.placeholder(tf.float32, [])
    y = tf.placeholder(tf.float32, [])
    diff = x - y
    with tf.Session() as sess:
        call = sess.make_callable([diff, x], feed_list=[y, x])
        out = call(1.0, 10.0)
        assert out[0] == 9.0 and out[1] == 10.0
        assert sess.make_callable(tf.constant(5))() == 5
        with pytest.raises(TypeError):
            call(1.0)


def test_two_sessions_hold_independent_variable_values():
    v = tf.Variable(0.0)
    bump = tf.assign_add(v, 1.0)
    s1, s2 = tf.Session(), tf.Session()
    s1.run(tf.global_variables_initializer())
    s2.run(tf.global_variables_initializer())
    s1.run(bump)
    s1.run(bump)
    s2.run(bump)
    assert s1.run(v) == 2.0 and s2.run(v) == 1.0
    s1.close()
    s2.close()


def test_a_fetched_loss_is_computed_with_the_weights_from_before_the_update():
    w = tf.Variable(3.0)
    loss = w * w
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first, _ = sess.run([loss, train])
        second = sess.run(loss)
    assert first == pytest.approx(9.0)
    assert second == pytest.approx((3.0 - 0.1 * 6.0) ** 2)


def test_the_same_signature_reuses_its_compiled_plan():
    x = tf.placeholder(tf.float32, [])
    y = x + 1.0
    z = x * 2.0
    with tf.Session() as sess:
        sess.run(y, {x: 1.0})
        sess.run(y, {x: 2.0})
        assert len(sess._plans) == 1
        sess.run([y, z], {x: 1.0})
        assert len(sess._plans) == 2
        sess.run(y, {"Placeholder:0": 3.0})
        assert len(sess._plans) == 2


def test_fetched_arrays_belong_to_the_caller():
    v = tf.Variable(np.zeros(4, np.float32))
    flat = tf.reshape(v, [2, 2])
    c = tf.constant([1.0, 2.0])
    with tf.Session() as sess:
        sess.run(v.initializer)
        value, view, const = sess.run([v, flat, c])
        value += 1.0
        view += 1.0
        const += 1.0
        np.testing.assert_array_equal(sess.run(v), np.zeros(4))
        np.testing.assert_array_equal(sess.run(c), [1.0, 2.0])


def test_zero_d_fetches_are_numpy_scalars_as_tf_returns_them():
    x = tf.placeholder(tf.float32, None)
    total = tf.reduce_sum(tf.constant([1, 2, 3]))
    with tf.Session() as sess:
        for _ in range(2):  # the first run and the cached fast path
            value, count, unknown = sess.run([tf.constant(2.5), total, x * 2], {x: 1.5})
            assert type(value) is np.float32 and value == 2.5
            assert type(count) is np.int32 and count == 6
            assert type(unknown) is np.float32 and unknown == 3.0
            assert type(sess.run(total)) is np.int32
        assert type(total.eval()) is np.int32
        assert type(sess.make_callable(total)()) is np.int32
        vector = sess.run(x * 2, {x: [1.0]})  # unknown rank, 1-d value: stays an array
        assert isinstance(vector, np.ndarray) and vector.shape == (1,)
