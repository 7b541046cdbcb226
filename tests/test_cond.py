"""tf.cond / tf.case (the `If` op): only the taken branch runs; gradients; TF1's checks."""
import collections

import numpy as np
import pytest

import graphgrad as tf

RNG = np.random.default_rng(7)


def _numeric_grad(f, x, eps=1e-6):
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        d = np.zeros_like(x)
        d[i] = eps
        g[i] = (f(x + d) - f(x - d)) / (2 * eps)
    return g


def test_cond_picks_the_branch_from_a_fed_predicate():
    x = tf.placeholder(tf.float32, [2, 3])
    p = tf.placeholder(tf.bool, [])
    y = tf.cond(p, lambda: x * 2.0, lambda: x - 1.0)
    xv = RNG.standard_normal((2, 3)).astype(np.float32)
    with tf.Session() as s:
        np.testing.assert_allclose(s.run(y, {x: xv, p: True}), xv * 2, rtol=1e-6)
        np.testing.assert_allclose(s.run(y, {x: xv, p: False}), xv - 1, rtol=1e-6)
    assert y.shape.as_list() == [2, 3] and y.dtype == tf.float32


def test_only_the_taken_branch_runs_its_side_effects():
    v = tf.Variable(0.0)
    calls = []

    def record(a):
        calls.append(float(a))
        return a

    p = tf.placeholder(tf.bool, [])
    y = tf.cond(p, lambda: tf.assign_add(v, 1.0),
                lambda: tf.py_func(record, [v + 10.0], tf.float32))
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        assert s.run(y, {p: True}) == 1.0
        assert s.run(y, {p: True}) == 2.0
        assert calls == []
        assert s.run(y, {p: False}) == 12.0
        assert calls == [12.0]
        assert s.run(v) == 2.0


def test_assign_then_read_inside_a_branch_sees_the_new_value():
    v = tf.Variable(1.0)
    p = tf.placeholder(tf.bool, [])

    def bump():
        with tf.control_dependencies([tf.assign(v, 5.0)]):
            return tf.identity(v)
    y = tf.cond(p, bump, lambda: tf.identity(v))
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        assert s.run(y, {p: False}) == 1.0
        assert s.run(y, {p: True}) == 5.0


def test_branch_returning_an_op_gives_a_tensor_that_runs_it():
    v = tf.Variable(0)
    p = tf.placeholder(tf.bool, [])
    out = tf.cond(p, lambda: tf.assign_add(v, 3).op, lambda: tf.no_op())
    assert isinstance(out, tf.Tensor) and out.dtype == tf.bool
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        s.run(out, {p: False})
        assert s.run(v) == 0
        assert bool(s.run(out, {p: True})) is True
        assert s.run(v) == 3


def test_outer_control_dependencies_run_once_not_inside_the_branch():
    v = tf.Variable(0.0)
    inc = tf.assign_add(v, 1.0)
    p = tf.constant(True)
    with tf.control_dependencies([inc]):
        y = tf.cond(p, lambda: tf.constant(1.0) + 1.0, lambda: tf.constant(0.0))
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        assert s.run(y) == 2.0
        assert s.run(v) == 1.0


def test_cond_gradient_matches_finite_differences_in_each_branch():
    x = tf.placeholder(tf.float64, [3, 2])
    w = tf.constant(RNG.standard_normal((2, 4)))
    p = tf.placeholder(tf.bool, [])
    y = tf.cond(p, lambda: tf.reduce_sum(tf.tanh(tf.matmul(x, w))),
                lambda: tf.reduce_sum(tf.square(x)) * 0.5)
    g = tf.gradients(y, x)[0]
    xv = RNG.standard_normal((3, 2))
    with tf.Session() as s:
        for pv in (True, False):
            num = _numeric_grad(lambda a, pv=pv: s.run(y, {x: a, p: pv}), xv)
            np.testing.assert_allclose(s.run(g, {x: xv, p: pv}), num, rtol=1e-6, atol=1e-8)


def test_cond_gradient_of_a_variable_used_in_one_branch_is_zero_in_the_other():
    w = tf.Variable(np.array([1.5, -2.0]), dtype=tf.float64)
    p = tf.placeholder(tf.bool, [])
    y = tf.cond(p, lambda: tf.reduce_sum(w * w), lambda: tf.constant(3.0, tf.float64))
    g = tf.gradients(y, w)[0]
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        np.testing.assert_allclose(s.run(g, {p: True}), [3.0, -4.0])
        np.testing.assert_allclose(s.run(g, {p: False}), [0.0, 0.0])


def test_cond_gradient_reuses_the_forward_dropout_mask():
    x = tf.constant(RNG.uniform(1, 2, (50,)))
    p = tf.placeholder(tf.bool, [])
    y = tf.cond(p, lambda: tf.nn.dropout(x, keep_prob=0.5, seed=3), lambda: x)
    g = tf.gradients(tf.reduce_sum(y), x)[0]
    with tf.Session() as s:
        yv, gv = s.run([y, g], {p: True})
        np.testing.assert_allclose(gv, (yv != 0) * 2.0)
        assert 0 < np.count_nonzero(yv) < 50


def test_nested_cond_and_second_derivative():
    x = tf.placeholder(tf.float64, [])
    p = tf.placeholder(tf.bool, [])
    q = tf.placeholder(tf.bool, [])
    y = tf.cond(p, lambda: tf.cond(q, lambda: x ** 3, lambda: tf.sin(x)), lambda: x * x)
    g = tf.gradients(y, x)[0]
    h = tf.gradients(g, x)[0]
    xv = 0.7
    with tf.Session() as s:
        for pv, qv, d1, d2 in [(True, True, 3 * xv ** 2, 6 * xv),
                               (True, False, np.cos(xv), -np.sin(xv)),
                               (False, True, 2 * xv, 2.0)]:
            got = s.run([g, h], {x: xv, p: pv, q: qv})
            np.testing.assert_allclose(got, [d1, d2], rtol=1e-10)


def test_nested_structures_and_strict_unpacking():
    Pair = collections.namedtuple("Pair", "a b")
    p = tf.constant(False)
    out = tf.cond(p, lambda: Pair(tf.constant(1), (tf.constant(2.0),)),
                  lambda: Pair(tf.constant(3), (tf.constant(4.0),)))
    single = tf.cond(p, lambda: [tf.constant(1)], lambda: [tf.constant(2)])
    strict = tf.cond(p, lambda: [tf.constant(1)], lambda: [tf.constant(2)], strict=True)
    assert isinstance(out, Pair) and isinstance(out.b, tuple)
    assert isinstance(single, tf.Tensor) and isinstance(strict, list)
    with tf.Session() as s:
        assert s.run(out) == Pair(3, (4.0,))
        assert s.run(single) == 2 and s.run(strict) == [2]


def test_unknown_dims_where_the_branch_shapes_differ():
    p = tf.placeholder(tf.bool, [])
    y = tf.cond(p, lambda: tf.zeros([2, 3]), lambda: tf.zeros([2, 5]))
    assert y.shape.as_list() == [2, None]
    with tf.Session() as s:
        assert s.run(y, {p: False}).shape == (2, 5)


def test_cond_argument_errors_follow_tf():
    x = tf.constant(1.0)
    with pytest.raises(TypeError, match="Python bool"):
        tf.cond(True, lambda: x, lambda: x)
    with pytest.raises(TypeError, match="callable"):
        tf.cond(tf.constant(True), x, lambda: x)
    with pytest.raises(ValueError, match="same type"):
        tf.cond(tf.constant(True), lambda: x, lambda: tf.constant(1))
    with pytest.raises(ValueError, match="same structure"):
        tf.cond(tf.constant(True), lambda: (x, x), lambda: x)
    with pytest.raises(ValueError, match="rank 0"):
        tf.cond(tf.constant([True, False]), lambda: x, lambda: x)
    with pytest.raises(ValueError, match="must have a return value"):
        tf.cond(tf.constant(True), lambda: None, lambda: x)


def test_cond_keeps_the_old_fn1_fn2_names_and_uses_the_cond_scope():
    y = tf.cond(tf.constant(True), fn1=lambda: tf.constant(1.0), fn2=lambda: tf.constant(2.0))
    assert y.op.type == "If" and y.op.name == "cond"
    with tf.Session() as s:
        assert s.run(y) == 1.0


def test_case_takes_the_first_true_predicate_or_the_default():
    n = tf.placeholder(tf.int32, [])
    y = tf.case([(n < 2, lambda: tf.constant(10)), (n < 5, lambda: tf.constant(20))],
                default=lambda: tf.constant(30))
    with tf.Session() as s:
        assert [s.run(y, {n: k}) for k in (0, 3, 9)] == [10, 20, 30]


def test_case_exclusive_and_missing_default_fail_at_run_time():
    n = tf.placeholder(tf.int32, [])
    excl = tf.case([(n < 2, lambda: tf.constant(1)), (n < 5, lambda: tf.constant(2))],
                   default=lambda: tf.constant(3), exclusive=True)
    nodef = tf.case([(tf.equal(n, 1), lambda: tf.constant(1)),
                     (tf.equal(n, 2), lambda: tf.constant(2))])
    with tf.Session() as s:
        assert s.run(excl, {n: 3}) == 2
        with pytest.raises(tf.errors.InvalidArgumentError):
            s.run(excl, {n: 1})
        assert s.run(nodef, {n: 1}) == 1 and s.run(nodef, {n: 2}) == 2
        with pytest.raises(tf.errors.InvalidArgumentError):
            s.run(nodef, {n: 7})


def test_layers_dropout_and_batch_norm_with_tensor_training_still_work():
    x = tf.constant(RNG.uniform(1, 2, (8, 4)).astype(np.float32))
    training = tf.placeholder(tf.bool, [])
    d = tf.layers.dropout(x, rate=0.5, training=training)
    b = tf.layers.batch_normalization(x, training=training)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        np.testing.assert_allclose(s.run(d, {training: False}), s.run(x))
        assert np.count_nonzero(s.run(d, {training: True})) < 32
        assert abs(s.run(b, {training: True}).mean()) < 1e-3


def test_repeated_and_second_order_gradients_with_unknown_shapes():
    x = tf.placeholder(tf.float64, [None])
    p = tf.placeholder(tf.bool, [])
    y = tf.cond(p, lambda: tf.sin(x) * x, lambda: tf.exp(x))
    g1 = tf.gradients(tf.reduce_sum(y), x)[0]
    g2 = tf.gradients(tf.reduce_sum(y * 2.0), x)[0]
    h = tf.gradients(tf.reduce_sum(g1), x)[0]
    xv = np.array([0.5, -0.25, 1.5])
    with tf.Session() as s:
        got = s.run([g1, g2, h], {x: xv, p: True})
        d1 = np.cos(xv) * xv + np.sin(xv)
        np.testing.assert_allclose(got, [d1, 2 * d1, 2 * np.cos(xv) - np.sin(xv) * xv])
        got = s.run([g1, g2, h], {x: xv, p: False})
        np.testing.assert_allclose(got, [np.exp(xv), 2 * np.exp(xv), np.exp(xv)])
