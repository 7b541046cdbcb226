"""The compiled plan and Session's fast path: signature caching, feed order, fetch privacy,
variable-read ordering, kernel errors from generated code, make_callable, BLAS threads."""
import numpy as np
import pytest

import graphgrad as tf
from graphgrad.runtime import threads
from graphgrad.runtime.plan import Plan


def test_feed_dicts_with_keys_in_any_order_feed_the_right_placeholders():
    a = tf.placeholder(tf.float32, [None])
    b = tf.placeholder(tf.float32, [None])
    diff = a - b
    with tf.Session() as sess:
        for _ in range(2):
            np.testing.assert_array_equal(sess.run(diff, {a: [5.0], b: [1.0]}), [4.0])
            np.testing.assert_array_equal(sess.run(diff, {b: [1.0], a: [5.0]}), [4.0])
            np.testing.assert_array_equal(sess.run(diff, {"Placeholder_1:0": [2.0], a: [5.0]}),
                                          [3.0])
        assert len(sess._plans) == 1


def test_the_fast_path_still_checks_every_feed():
    x = tf.placeholder(tf.float32, [None, 2])
    y = x * 2.0
    with tf.Session() as sess:
        sess.run(y, {x: np.ones((3, 2), np.float32)})
        with pytest.raises(ValueError, match=r"Cannot feed value of shape \(3, 3\)"):
            sess.run(y, {x: np.ones((3, 3), np.float32)})
        got = sess.run(y, {x: np.ones((1, 2), np.float64)})
        assert got.dtype == np.float32
        with pytest.raises(TypeError, match="feed_dict must be a dict"):
            sess.run(y, [(x, np.ones((1, 2)))])
        with pytest.raises(TypeError, match="cannot be a tf.Tensor"):
            sess.run(y, {x: y})


def test_fetch_list_tuple_dict_and_single_values_keep_their_structure_on_repeat_runs():
    x = tf.placeholder(tf.float32, [])
    y = x + 1.0
    with tf.Session() as sess:
        for _ in range(2):
            assert sess.run(y, {x: 1.0}) == 2.0
            assert sess.run([y, x], {x: 1.0}) == [2.0, 1.0]
            assert sess.run((y,), {x: 1.0}) == (2.0,)
            assert sess.run({"y": y}, {x: 1.0}) == {"y": 2.0}
            assert sess.run([[y], y.op], {x: 1.0}) == [[2.0], None]


def test_a_fetched_loss_sees_old_weights_and_a_fetched_weight_is_a_copy():
    w = tf.Variable([1.0, 2.0])
    loss = tf.reduce_sum(w * w)
    train = tf.train.GradientDescentOptimizer(0.25).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        before, value, _ = sess.run([loss, w, train])
        assert before == 5.0
        np.testing.assert_array_equal(value, [1.0, 2.0])
        value[0] = 100.0
        np.testing.assert_array_equal(sess.run(w), [0.5, 1.0])


def test_a_read_ordered_after_an_assign_sees_the_new_value():
    v = tf.Variable(1.0)
    early = v * 10.0
    assign = tf.assign(v, 2.0)
    with tf.control_dependencies([assign]):
        late = tf.identity(v) * 10.0
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        e, l_ = sess.run([early, late])
    assert e == 10.0 and l_ == 20.0


def test_a_kernel_failure_names_the_op_and_its_input_shapes():
    x = tf.placeholder(tf.float32, [None])
    bad = tf.reshape(x * 2.0, [2, 2], name="to_square")
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="to_square") as info:
            sess.run(bad, {x: np.ones(3, np.float32)})
    assert "float32[3]" in str(info.value)


def test_make_callable_runs_the_compiled_plan_with_feeds_in_list_order():
    a = tf.placeholder(tf.float32, [])
    b = tf.placeholder(tf.float32, [])
    with tf.Session() as sess:
        fetches = [a - b, (a * b).op]
        call = sess.make_callable(fetches, feed_list=[b, a])
        assert isinstance(call.plan, Plan)
        assert call(1.0, 5.0) == [4.0, None]
        # one compiled plan per signature, shared with other callables and with runs
        assert sess.make_callable(fetches, feed_list=[b, a]).plan is call.plan
        assert sess.run(fetches, {a: 5.0, b: 1.0}) == [4.0, None]
        plans = set(map(id, sess._plans.values()))
        assert id(sess.make_callable(fetches, feed_list=[a, b]).plan) in plans
        assert len(sess._plans) == 2
        with pytest.raises(TypeError, match="takes 2 feed values"):
            call(1.0)
    with pytest.raises(RuntimeError, match="closed Session"):
        call(1.0, 2.0)


def test_blas_threads_default_to_one_unless_configured(monkeypatch):
    for var in threads._ENV:
        monkeypatch.delenv(var, raising=False)
    assert threads.blas_threads_wanted(None) == 1
    assert threads.blas_threads_wanted(tf.ConfigProto(intra_op_parallelism_threads=3)) == 3
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "2")
    assert threads.blas_threads_wanted(None) is None
    assert threads.blas_threads_wanted(tf.ConfigProto(intra_op_parallelism_threads=4)) == 4
