"""Plan-time rewrites (runtime/rewrite.py): each keeps results within float32 tolerance, can be
switched off, and never changes the user's graph."""
import numpy as np
import pytest

import graphgrad as tf
from graphgrad.runtime import rewrite

from .helpers import plan_of as _plan
from .helpers import rewrite_session as _session
from .helpers import seed_model as _w1
from .helpers import train_mlp as _mlp_train
from .helpers import train_seed_model as _train

ALL_OFF = {k: False for k in rewrite.ENABLED}


@pytest.mark.parametrize("name", sorted(rewrite.ENABLED))
def test_training_matches_with_each_rewrite_off_and_with_all_off(name):
    base_losses, base_w, base_b, _ = _train({})
    losses, w, b, _ = _train({name: False})
    np.testing.assert_allclose(losses, base_losses, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(w, base_w, rtol=1e-5, atol=1e-6)
    off_losses, off_w, _, plan = _train(ALL_OFF)
    np.testing.assert_allclose(off_losses, base_losses, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(off_w, base_w, rtol=1e-5, atol=1e-6)
    assert not any(s.memo or set(s.tags) - {"read"} for s in plan.steps)


def test_rewrites_shrink_the_w1_plan_and_fuse_the_softmax_gradient():
    _, _, _, plan = _train({})
    _, _, _, unrewritten = _train(ALL_OFF)
    assert len(plan.steps) < len(unrewritten.steps)
    tags = [t for s in plan.steps for t in s.tags]
    assert "fused_softmax_grad" in tags
    assert not any(s.op.type == "Reciprocal" for s in plan.steps)
    assert sum(1 for s in plan.steps if s.memo) >= 10


def test_shape_memo_follows_a_batch_size_change():
    x = tf.placeholder(tf.float32, [None, 3])
    loss = tf.reduce_mean(tf.reduce_sum(x * x, axis=1))
    grad, = tf.gradients(loss, x)
    with tf.Session() as sess:
        for n in (4, 2, 5, 2):
            value = np.arange(n * 3, dtype=np.float32).reshape(n, 3)
            np.testing.assert_allclose(sess.run(grad, {x: value}), 2 * value / n, rtol=1e-6)


def test_constant_subgraphs_fold_but_random_ops_do_not():
    x = tf.placeholder(tf.float32, [])
    folded = x + tf.constant(2.0) * tf.constant(3.0)
    noise = tf.random_uniform([3], seed=1) * tf.constant(2.0)
    with tf.Session() as sess:
        assert sess.run(folded, {x: 1.0}) == 7.0
        assert [s.op.type for s in _plan(sess, folded).steps] == ["Add"]
        assert not np.array_equal(sess.run(noise), sess.run(noise))


def test_identity_steps_vanish_and_fetches_stay_private():
    x = tf.placeholder(tf.float32, [2])
    doubled = x * 2.0
    same = tf.identity(doubled)
    with tf.Session() as sess:
        a, b = sess.run([doubled, same], {x: [1.0, 2.0]})
        assert [s.op.type for s in _plan(sess, same).steps] == ["Mul"]
        np.testing.assert_array_equal(b, [2.0, 4.0])
        fed = np.array([5.0, 6.0], np.float32)
        out = sess.run(tf.identity(x), {x: fed})
        out[0] = -1.0
        assert fed[0] == 5.0


def test_common_subexpressions_run_once():
    x = tf.placeholder(tf.float32, [None, 2])
    a, b = tf.exp(x), tf.exp(x)
    with tf.Session() as sess:
        va, vb = sess.run([a, b], {x: [[0.0, 1.0]]})
        np.testing.assert_allclose(va, np.exp([[0.0, 1.0]]), rtol=1e-6)
        np.testing.assert_array_equal(va, vb)
        assert sum(1 for s in _plan(sess, a).steps if s.op.type == "Exp") == 1


def test_memoized_and_folded_values_are_fetched_as_fresh_arrays():
    x = tf.placeholder(tf.float32, [None, 3])
    shape = tf.shape(x)
    const = tf.constant([1.0, 2.0]) * 2.0
    with tf.Session() as sess:
        s1, c1 = sess.run([shape, const], {x: np.zeros((2, 3))})
        s1[0] = 99
        c1[0] = 99.0
        s2, c2 = sess.run([shape, const], {x: np.zeros((2, 3))})
    np.testing.assert_array_equal(s2, [2, 3])
    np.testing.assert_array_equal(c2, [2.0, 4.0])


def test_fusion_is_skipped_when_an_intermediate_is_fetched():
    z = tf.placeholder(tf.float64, [None, 4])
    sm = tf.nn.softmax(z)
    loss = tf.reduce_sum(tf.log(sm) * tf.constant([1.0, 2.0, 3.0, 4.0], tf.float64))
    grad, = tf.gradients(loss, z)
    value = np.array([[0.1, -0.3, 2.0, 0.5], [1.0, 1.0, -1.0, 0.0]])
    with _session() as sess:
        fused = sess.run(grad, {z: value})
        assert any("fused_softmax_grad" in s.tags for s in _plan(sess, grad).steps)
    with _session(fuse_softmax_grad=False) as sess:
        plain = sess.run(grad, {z: value})
    np.testing.assert_allclose(fused, plain, rtol=1e-12)
    sm_grad = [op for op in tf.get_default_graph().get_operations()
               if op.name.endswith("Softmax_grad/sub")][0].outputs[0]
    with _session() as sess:
        both, inner = sess.run([grad, sm_grad], {z: value})
        assert not any("fused_softmax_grad" in s.tags for s in _plan(sess, grad).steps)
    np.testing.assert_allclose(both, plain, rtol=1e-12)


@pytest.mark.parametrize("ta,tb", [(False, False), (True, False), (False, True), (True, True)])
def test_specialized_matmul_and_sums_match_numpy(ta, tb):
    rng = np.random.default_rng(5)
    a = rng.standard_normal((3, 5) if not ta else (5, 3)).astype(np.float32)
    b = rng.standard_normal((5, 4) if not tb else (4, 5)).astype(np.float32)
    m = tf.matmul(a, b, transpose_a=ta, transpose_b=tb)
    p = tf.placeholder(tf.float32, [None, 4])
    sums = [tf.reduce_sum(p, axis=ax, keepdims=k) for ax in (0, 1, -1) for k in (False, True)]
    with tf.Session() as sess:
        got = sess.run(m)
        pv = rng.standard_normal((6, 4)).astype(np.float32)
        got_sums = sess.run(sums, {p: pv})
    np.testing.assert_allclose(got, (a.T if ta else a) @ (b.T if tb else b), rtol=1e-5)
    want = [pv.sum(axis=ax, keepdims=k) for ax in (0, 1, -1) for k in (False, True)]
    for g, w in zip(got_sums, want):
        assert g.dtype == np.float32 and g.shape == w.shape
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


def test_unknown_rewrite_option_is_an_error():
    with pytest.raises(ValueError, match="Unknown rewrite option"):
        with _session(no_such_pass=False) as sess:
            sess.run(tf.constant(1.0))


def test_optimizer_updates_go_in_place_only_when_no_fetch_or_later_op_sees_the_old_buffer():
    w = tf.Variable(np.array([1.0, 2.0], np.float32))
    loss = tf.reduce_sum(w * w)
    train = tf.train.AdamOptimizer(0.1).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run([loss, train])
        assert any("inplace" in s.tags for s in _plan(sess, train).steps)
        sess.run(train)
        buffer = sess._state.variables[w.op.name]
        sess.run(train)
        assert sess._state.variables[w.op.name] is buffer
        before, value, _ = sess.run([w, loss, train])
        three = next(p for p in sess._plans.values() if len(p.fetches) == 3)
        assert not any("inplace" in s.tags for s in three.steps)
        np.testing.assert_allclose(value, np.sum(before * before), rtol=1e-6)
        assert not np.array_equal(sess.run(w), before)
    off_w = []
    for opts in ({}, {"inplace_updates": False}):
        tf.reset_default_graph()
        v = tf.Variable(np.array([1.0, -2.0, 0.5], np.float32))
        step = tf.train.MomentumOptimizer(0.01, 0.9, use_nesterov=True).minimize(
            tf.reduce_sum(v * v * v))
        with _session(**opts) as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(4):
                sess.run(step)
            off_w.append(sess.run(v))
    np.testing.assert_allclose(off_w[0], off_w[1], rtol=1e-5)


def test_a_loaded_array_is_never_updated_in_place():
    w = tf.Variable(np.zeros(2, np.float32))
    train = tf.train.GradientDescentOptimizer(1.0).minimize(tf.reduce_sum(w))
    mine = np.array([5.0, 5.0], np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        w.load(mine, sess)
        sess.run(train)
        sess.run(train)
        np.testing.assert_array_equal(sess.run(w), [3.0, 3.0])
    np.testing.assert_array_equal(mine, [5.0, 5.0])


def _train_only(opts, steps=6):
    """W1 trained without fetching the loss (so only its shape is needed), batch sizes 7, 3, 7."""
    tf.reset_default_graph()
    x, y_, w, b, loss, train, feeds = _w1()
    with _session(**opts) as sess:
        sess.run(tf.global_variables_initializer())
        for i in range(steps):
            sess.run(train, feeds[i % 3])
        return sess.run(w), sess.run(b), _plan(sess, train)


def test_a_loss_only_its_gradient_shape_needs_is_not_computed():
    w, b, plan = _train_only({})
    skipped = sorted(s.op.type for s in plan.steps if "shape_only" in s.tags)
    assert skipped == ["Log", "Mul", "Neg", "Sum"]
    assert [s.op.name for s in plan.steps if "reused_buffer" in s.tags] == \
        ["gradients/MatMul_grad/MatMul_1"]
    tags = {"shape_only_stand_ins": "shape_only", "gradient_buffers": "reused_buffer"}
    for opts in ({"shape_only_stand_ins": False}, {"gradient_buffers": False}, ALL_OFF):
        off_w, off_b, off_plan = _train_only(opts)
        off_tags = {t for s in off_plan.steps for t in s.tags}
        assert not any(tags[name] in off_tags for name in opts if name in tags)
        np.testing.assert_allclose(w, off_w, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(b, off_b, rtol=1e-5, atol=1e-6)


def test_shape_only_values_still_report_incompatible_shapes():
    x = tf.placeholder(tf.float32, [None, 3])
    y = tf.placeholder(tf.float32, [None, 3])
    shape = tf.shape(tf.reduce_sum(tf.exp(x) * y, axis=[1], keepdims=True))
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(shape, {x: np.ones((2, 3)), y: np.ones((1, 3))}),
                                      [2, 1])
        assert all("shape_only" in s.tags for s in _plan(sess, shape).steps
                   if s.op.type in ("Exp", "Mul", "Sum"))
        np.testing.assert_array_equal(sess.run(shape, {x: np.ones((5, 3)), y: np.ones((5, 3))}),
                                      [5, 1])
        with pytest.raises(tf.errors.InvalidArgumentError, match="Mul"):
            sess.run(shape, {x: np.ones((2, 3)), y: np.ones((4, 3))})


def test_softmax_shifts_each_row_alone_when_rows_lie_far_apart():
    z = tf.placeholder(tf.float32, [None, 3])
    sm = tf.nn.softmax(z)
    rows = np.array([[0.5, -1.0, 2.0], [1000.0, 999.0, 990.0], [-1000.0, -1001.0, -1000.5],
                     [3.0, np.inf, 1.0], [np.nan, 0.0, 1.0], [-np.inf, 0.0, 1.0]], np.float32)
    shifted = rows - np.nan_to_num(rows, posinf=0, neginf=0).max(axis=1, keepdims=True)
    with np.errstate(invalid="ignore"):
        e = np.exp(shifted.astype(np.float64))
        want = e / e.sum(axis=1, keepdims=True)
    with tf.Session() as sess:
        # no shift needed; shifted by the batch's max; far-apart rows; inf and NaN rows
        for pick in ([0], [1], [0, 1, 2], [0, 1, 2, 3, 4, 5]):
            got = sess.run(sm, {z: rows[pick]})
            assert got.dtype == np.float32
            np.testing.assert_allclose(got[:3], want[pick][:3], rtol=1e-6, atol=1e-30)
        assert "specialized" in _plan(sess, sm).steps[0].tags
    assert np.isnan(got[3:5]).all()
    np.testing.assert_allclose(got[5], [0.0, 0.26894142, 0.7310586], rtol=1e-6)


def test_a_fetched_in_place_update_hands_out_a_copy_of_the_variable():
    from graphgrad.ops.training_ops import apply_gradient_descent
    w = tf.Variable(np.array([1.0, 2.0], np.float32))
    update = apply_gradient_descent(w, tf.constant(0.5), tf.constant([2.0, 2.0]))
    step = tf.group(update)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(step)
        sess.run(step)
        assert any("inplace" in s.tags for s in _plan(sess, step).steps)
        got = sess.run(update)
        got[0] = 99.0
        np.testing.assert_array_equal(sess.run(w), [-2.0, -1.0])


def test_a_fetched_weight_gradient_is_never_a_reused_buffer():
    x, y_, w, b, loss, _, feeds = _w1()
    opt = tf.train.GradientDescentOptimizer(0.5)
    grads = opt.compute_gradients(loss, [w, b])
    train = opt.apply_gradients(grads)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for feed in feeds:
            sess.run(train, feed)
        assert any("reused_buffer" in s.tags for s in _plan(sess, train).steps)
        before = sess.run(w)
        g, _ = sess.run([grads[0][0], train], feeds[0])
        kept = g.copy()
        assert not any("reused_buffer" in s.tags for s in _plan(sess, grads[0][0]).steps)
        np.testing.assert_allclose(sess.run(w), before - 0.5 * g, rtol=1e-5, atol=1e-7)
        for feed in feeds:
            sess.run(train, feed)
            sess.run([grads[0][0], train], feed)
        np.testing.assert_array_equal(g, kept)


def test_mlp_steps_write_into_fresh_inputs_with_the_same_results():
    weights, loss, plan = _mlp_train({"compiled_kernels": False})  # NumPy's steps (no fusion)
    inplace = sorted(s.op.type for s in plan.steps if "inplace_out" in s.tags)
    assert inplace == ["Add", "Relu", "ReluGrad"]
    assert any(getattr(s.fn, "__name__", "") == "softmax_xent_2d" for s in plan.steps)
    assert sum(getattr(s.fn, "__name__", "") == "apply" for s in plan.steps) == 3  # Adam fast path
    for opts in ({"inplace_elementwise": False}, {"specialize_kernels": False}, ALL_OFF):
        off_weights, off_loss, off_plan = _mlp_train(opts)
        assert not any("inplace_out" in s.tags for s in off_plan.steps) or \
            "inplace_elementwise" not in opts
        for a, b in zip(weights, off_weights):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(loss, off_loss, rtol=1e-5)


def test_values_someone_else_sees_are_never_written_in_place():
    rng = np.random.default_rng(2)
    x = tf.placeholder(tf.float32, [None, 3])
    w = tf.Variable(rng.standard_normal((3, 3)).astype(np.float32))
    b = tf.constant(np.array([1.0, -2.0, 3.0], np.float32))
    mm = tf.matmul(x, w)
    twice = tf.matmul(x, w)
    a = tf.nn.relu(mm + b)          # mm is fetched below: must not be overwritten
    c = tf.nn.relu(twice) + twice   # `twice` has two readers
    d = tf.nn.relu(w)               # a variable read: never a fresh array
    e = tf.nn.relu(x)               # a fed array: never written
    small = tf.placeholder(tf.float32, [None, 3])
    f = tf.exp(tf.reduce_sum(x, 0)) + small  # fresh (3,) plus (n, 3): a larger result
    xv = rng.standard_normal((4, 3)).astype(np.float32)
    sv = rng.standard_normal((4, 3)).astype(np.float32)
    kept = xv.copy()
    with tf.Session(config=tf.ConfigProto(graph_options=tf.GraphOptions(
            rewrite_options={"cse": False}))) as sess:
        sess.run(tf.global_variables_initializer())
        wv = sess.run(w)
        got = sess.run([mm, a, c, d, e, f], {x: xv, small: sv})
        ref_mm = xv @ wv
        np.testing.assert_allclose(got[0], ref_mm, rtol=1e-6)
        np.testing.assert_allclose(got[1], np.maximum(ref_mm + [1, -2, 3], 0), rtol=1e-6)
        np.testing.assert_allclose(got[2], np.maximum(ref_mm, 0) + ref_mm, rtol=1e-6)
        np.testing.assert_array_equal(got[3], np.maximum(wv, 0))
        np.testing.assert_array_equal(got[4], np.maximum(xv, 0))
        np.testing.assert_allclose(got[5], np.exp(xv.sum(0)) + sv, rtol=1e-6)
        np.testing.assert_array_equal(xv, kept)
        np.testing.assert_array_equal(sess.run(w), wv)
        plan = next(p for p in sess._plans.values() if len(p.fetches) == 6)
        written = {s.op.name for s in plan.steps if "inplace_out" in s.tags}
        assert a.op.inputs[0].op.name not in written  # its input mm is fetched
        assert d.op.name not in written and e.op.name not in written
        assert f.op.name in written  # eligible, and falls back to a new array at run time


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fused_softmax_cross_entropy_matches_the_generic_kernel(dtype):
    from graphgrad.kernels import fused
    from graphgrad.kernels.softmax import softmax_xent
    rng = np.random.default_rng(4)
    cases = [rng.standard_normal((6, 5)),                     # no shift needed
             rng.standard_normal((6, 5)) * 3 + 1000,          # one shift for the whole matrix
             np.array([[0.0, 1.0, 2.0], [-300.0, -301.0, -299.0]]),  # rows far apart
             np.array([[1.0, np.inf, 0.0], [1.0, 2.0, 3.0]]),
             np.array([[np.nan, 1.0, 0.0], [1.0, 2.0, 3.0]])]
    for logits in cases:
        logits = logits.astype(dtype)
        labels = rng.random(logits.shape).astype(dtype)  # need not sum to one
        with np.errstate(all="ignore"):
            loss, backprop = fused.softmax_xent_2d(logits, labels)
            ref_loss, ref_backprop = softmax_xent(np, logits, labels)
        assert loss.dtype == backprop.dtype == dtype
        tol = 2e-6 if dtype == np.float32 else 1e-13
        np.testing.assert_allclose(loss, ref_loss, rtol=tol, atol=tol)
        np.testing.assert_allclose(backprop, ref_backprop, rtol=tol, atol=tol)


def test_small_static_shapes_keep_plain_ufunc_calls():
    from graphgrad.runtime import inplace
    small = tf.placeholder(tf.float32, [2, 2])
    big = tf.placeholder(tf.float32, [1, inplace.MIN_ELEMENTS])
    outs = [tf.exp(small) + 1.0, tf.exp(big) + 1.0]
    with tf.Session() as sess:
        got = sess.run(outs, {small: np.ones((2, 2)), big: np.zeros((1, inplace.MIN_ELEMENTS))})
        np.testing.assert_allclose(got[0], np.full((2, 2), np.e + 1), rtol=1e-6)
        np.testing.assert_allclose(got[1], 2.0)
        written = {s.op.name for s in _plan(sess, outs[0]).steps if "inplace_out" in s.tags}
    assert written == {outs[1].op.name}


def test_log_of_softmax_stays_finite_where_a_probability_underflows():
    x = tf.placeholder(tf.float32, [None, 3])
    y_ = tf.placeholder(tf.float32, [None, 3])
    loss = tf.reduce_mean(-tf.reduce_sum(y_ * tf.log(tf.nn.softmax(x)), reduction_indices=[1]))
    labels = np.eye(3, dtype=np.float32)[[0, 2]]
    usual = {x: np.array([[0.5, -1.0, 2.0], [1.0, 0.0, 3.0]], np.float32), y_: labels}
    far = {x: np.array([[200.0, 0.0, 1.0], [1.0, 0.0, 3.0]], np.float32), y_: labels}
    ref = -np.mean([np.log(np.exp(0.5) / np.exp([0.5, -1.0, 2.0]).sum()),
                    np.log(np.exp(3.0) / np.exp([1.0, 0.0, 3.0]).sum())])
    with tf.Session() as sess:
        assert any("log_softmax" in s.tags for s in _plan_after(sess, loss, usual).steps)
        np.testing.assert_allclose(sess.run(loss, usual), ref, rtol=1e-6)
        # 0 * log(0) would make this NaN; log-softmax gives row 0 its true loss, 0
        np.testing.assert_allclose(sess.run(loss, far), -np.log(np.exp(3.0) /
                                                               np.exp([1.0, 0.0, 3.0]).sum()) / 2,
                                   rtol=1e-6)
    with _session(log_softmax=False) as sess:
        np.testing.assert_allclose(sess.run(loss, usual), ref, rtol=1e-6)
        assert np.isnan(sess.run(loss, far))  # TF's own result without the rewrite


def _plan_after(sess, fetch, feed):
    sess.run(fetch, feed)
    return _plan(sess, fetch)
