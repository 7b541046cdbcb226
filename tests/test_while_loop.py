"""tf.while_loop (the `While` op and its `WhileGrad`): TF1 semantics, checks and gradients
compared with the Python-unrolled graph and with finite differences."""
import collections

import numpy as np
import pytest

import graphgrad as tf

RNG = np.random.default_rng(11)


def test_counter_loop_and_single_var_returns_a_tensor():
    i = tf.constant(0)
    r = tf.while_loop(lambda i: i < 10, lambda i: i + 3, [i])
    both = tf.while_loop(lambda i, s: i < 4, lambda i, s: (i + 1, s + i), (i, tf.constant(0)))
    same = tf.while_loop(lambda i: i < 10, lambda i: [i + 3], [i], return_same_structure=True)
    assert isinstance(r, tf.Tensor) and r.op.type == "While" and isinstance(same, list)
    with tf.Session() as s:
        assert s.run(r) == 12
        assert s.run(list(both)) == [4, 6]
        assert s.run(same) == [12]


def test_nested_loop_vars_keep_their_structure():
    State = collections.namedtuple("State", "h c")
    x = tf.constant(RNG.standard_normal(3))

    def body(i, st, pair):
        return i + 1, State(st.h + x, st.c * 2.0), [pair[0] - 1.0, (pair[1][0] + 1,)]
    out = tf.while_loop(lambda i, st, pair: i < 3, body,
                        (tf.constant(0), State(tf.zeros([3], tf.float64), tf.ones([3], tf.float64)),
                         [tf.constant(0.0), (tf.constant(5),)]))
    assert isinstance(out[1], State) and isinstance(out[2][1], tuple)
    with tf.Session() as s:
        i, st, pair = s.run(out)
        xv = s.run(x)
    assert i == 3 and pair == [-3.0, (8,)]
    np.testing.assert_allclose(st.h, 3 * xv)
    np.testing.assert_allclose(st.c, 8.0)


def test_maximum_iterations_bounds_the_loop():
    r = tf.while_loop(lambda i: i < 100, lambda i: i + 1, [tf.constant(0)], maximum_iterations=7)
    limit = tf.placeholder(tf.int32, [])
    r2 = tf.while_loop(lambda i: i < 5, lambda i: i + 1, [tf.constant(0)],
                       maximum_iterations=limit)
    with tf.Session() as s:
        assert s.run(r) == 7
        assert s.run(r2, {limit: 3}) == 3 and s.run(r2, {limit: 50}) == 5


def test_shape_must_stay_within_the_invariant():
    x = tf.zeros([2])
    with pytest.raises(ValueError, match="shape_invariants"):
        tf.while_loop(lambda x: tf.size(x) < 8, lambda x: tf.concat([x, x], 0), [x])
    grown = tf.while_loop(lambda x: tf.size(x) < 8, lambda x: tf.concat([x, x], 0), [x],
                          shape_invariants=[tf.TensorShape([None])])
    assert grown.shape.as_list() == [None]
    with pytest.raises(ValueError, match="not compatible"):
        tf.while_loop(lambda x: True, lambda x: x, [x], shape_invariants=[tf.TensorShape([3])])
    with tf.Session() as s:
        assert s.run(grown).shape == (8,)


def test_body_errors_follow_tf():
    i = tf.constant(0)
    with pytest.raises(TypeError, match="type"):
        tf.while_loop(lambda i: i < 3, lambda i: tf.cast(i, tf.float32), [i])
    with pytest.raises(ValueError, match="structure"):
        tf.while_loop(lambda i, j: i < 3, lambda i, j: i + 1, [i, i])
    with pytest.raises(TypeError, match="callable"):
        tf.while_loop(i, lambda i: i, [i])
    with pytest.raises(TypeError, match="parallel_iterations"):
        tf.while_loop(lambda i: i < 3, lambda i: i + 1, [i], parallel_iterations=0)


def test_side_effects_in_the_body_run_once_per_iteration():
    v = tf.Variable(0)

    def body(i):
        with tf.control_dependencies([tf.assign_add(v, 2)]):
            return i + 1
    r = tf.while_loop(lambda i: i < 5, body, [tf.constant(0)])
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        assert s.run(r) == 5 and s.run(v) == 10


def _rnn_graphs(T=4, H=3):
    """The same recurrence as a while_loop and unrolled in Python."""
    xs = tf.placeholder(tf.float64, [T, H])
    w = tf.Variable(RNG.standard_normal((H, H)) * 0.5)
    h0 = tf.placeholder(tf.float64, [1, H])

    def step(t, h):
        x_t = tf.reshape(tf.gather(xs, t), [1, H])
        return t + 1, tf.tanh(tf.matmul(h, w) + x_t)
    _, h_loop = tf.while_loop(lambda t, h: t < T, step, [tf.constant(0), h0])
    h = h0
    for t in range(T):
        _, h = step(tf.constant(t), h)
    return xs, w, h0, tf.reduce_sum(h_loop * h_loop), tf.reduce_sum(h * h)


def test_while_gradients_match_the_unrolled_graph_and_finite_differences():
    xs, w, h0, loss_loop, loss_unrolled = _rnn_graphs()
    g_loop = tf.gradients(loss_loop, [xs, w, h0])
    g_unrolled = tf.gradients(loss_unrolled, [xs, w, h0])
    feed = {xs: RNG.standard_normal((4, 3)), h0: RNG.standard_normal((1, 3))}
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        assert np.isclose(s.run(loss_loop, feed), s.run(loss_unrolled, feed))
        for a, b in zip(s.run(g_loop, feed), s.run(g_unrolled, feed)):
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
        x0 = feed[xs]
        num = np.zeros_like(x0)
        for idx in np.ndindex(x0.shape):
            d = np.zeros_like(x0)
            d[idx] = 1e-6
            up = s.run(loss_loop, {xs: x0 + d, h0: feed[h0]})
            down = s.run(loss_loop, {xs: x0 - d, h0: feed[h0]})
            num[idx] = (up - down) / 2e-6
        np.testing.assert_allclose(s.run(g_loop[0], feed), num, rtol=1e-6, atol=1e-8)


def test_gradient_with_a_fed_trip_count_including_zero_iterations():
    x = tf.placeholder(tf.float64, [2])
    a = tf.constant(np.array([0.5, -1.5]))
    n = tf.placeholder(tf.int32, [])
    _, y = tf.while_loop(lambda i, y: i < n, lambda i, y: (i + 1, y * x + a),
                         [tf.constant(0), tf.ones([2], tf.float64)])
    gx, ga = tf.gradients(tf.reduce_sum(y), [x, a])
    xv = np.array([0.3, 1.2])
    with tf.Session() as s:
        for k in (0, 1, 4):
            yv, d, da = np.ones(2), np.zeros(2), np.zeros(2)
            for _ in range(k):
                d, da = yv + xv * d, 1 + xv * da
                yv = yv * xv + np.array([0.5, -1.5])
            got = s.run([gx, ga], {x: xv, n: k})
            np.testing.assert_allclose(got[0], d, rtol=1e-12)
            np.testing.assert_allclose(got[1], da, rtol=1e-12)


def test_cond_inside_the_body_and_its_gradient():
    x = tf.placeholder(tf.float64, [])

    def body(i, y):
        return i + 1, tf.cond(tf.equal(i % 2, 0), lambda: y * x, lambda: y + x)
    _, y = tf.while_loop(lambda i, y: i < 4, body, [tf.constant(0), tf.constant(1.0, tf.float64)])
    g = tf.gradients(y, x)[0]
    with tf.Session() as s:
        # unrolled: x, then x + x, then (x + x) * x, then (x + x) * x + x
        xv = 1.3
        f = lambda v: ((v + v) * v + v)  # noqa: E731
        assert np.isclose(s.run(y, {x: xv}), f(xv))
        assert np.isclose(s.run(g, {x: xv}), (f(xv + 1e-6) - f(xv - 1e-6)) / 2e-6, rtol=1e-6)


def test_nested_while_loops_run():
    def outer(i, total):
        inner = tf.while_loop(lambda j, acc: j < i, lambda j, acc: (j + 1, acc + j),
                              [tf.constant(0), tf.constant(0)])[1]
        return i + 1, total + inner
    r = tf.while_loop(lambda i, t: i < 5, outer, [tf.constant(0), tf.constant(0)])[1]
    with tf.Session() as s:
        assert s.run(r) == sum(sum(range(i)) for i in range(5))


def test_back_prop_false_stops_the_gradient():
    x = tf.constant(2.0)
    y = tf.while_loop(lambda v: v < 100.0, lambda v: v * x, [x], back_prop=False)
    assert tf.gradients(y, x) == [None]


def test_minimize_through_a_loop_trains():
    w = tf.Variable(0.5, dtype=tf.float64)
    y = tf.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, v * w), [tf.constant(0),
                      tf.constant(1.0, tf.float64)])[1]
    loss = tf.square(y - 8.0)
    train = tf.train.GradientDescentOptimizer(0.005).minimize(loss)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        for _ in range(300):
            s.run(train)
        assert abs(s.run(w) - 2.0) < 1e-3


def test_gradient_through_nested_loops_matches_the_closed_form():
    x = tf.placeholder(tf.float64, [])

    def outer(i, y):
        inner = tf.while_loop(lambda j, z: j < 2, lambda j, z: (j + 1, z * x),
                              [tf.constant(0), y])[1]
        return i + 1, inner + 1.0
    y = tf.while_loop(lambda i, y: i < 3, outer, [tf.constant(0), x])[1]
    g = tf.gradients(y, x)[0]
    f = lambda v: ((v * v * v + 1) * v * v + 1) * v * v + 1  # noqa: E731
    with tf.Session() as s:
        xv = 0.9
        assert np.isclose(s.run(y, {x: xv}), f(xv))
        assert np.isclose(s.run(g, {x: xv}), (f(xv + 1e-6) - f(xv - 1e-6)) / 2e-6, rtol=1e-6)


def test_loop_inside_a_cond_branch_and_its_gradient():
    x = tf.placeholder(tf.float64, [])
    p = tf.placeholder(tf.bool, [])
    y = tf.cond(p, lambda: tf.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, v * x),
                                         [tf.constant(0), x])[1],
                lambda: x * 2.0)
    g = tf.gradients(y, x)[0]
    with tf.Session() as s:
        assert np.allclose(s.run([y, g], {x: 1.5, p: True}), [1.5 ** 4, 4 * 1.5 ** 3])
        assert np.allclose(s.run([y, g], {x: 1.5, p: False}), [3.0, 2.0])


def test_loop_gradient_reuses_the_forward_dropout_masks():
    x = tf.constant(RNG.uniform(1, 2, (40,)))
    _, y = tf.while_loop(lambda i, y: i < 2,
                         lambda i, y: (i + 1, tf.nn.dropout(y, keep_prob=0.5, seed=5)),
                         [tf.constant(0), x])
    g = tf.gradients(tf.reduce_sum(y), x)[0]
    with tf.Session() as s:
        yv, gv, xv = s.run([y, g, x])
        np.testing.assert_allclose(gv * xv, yv, rtol=1e-12)
        assert 0 < np.count_nonzero(yv) < 40
