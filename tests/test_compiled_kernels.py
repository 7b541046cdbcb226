"""The optional numba-compiled kernels (graphgrad/kernels/compiled.py) agree bit for bit with the
NumPy kernels they replace, fall back to them for arrays they do not take, and are used by a
plan only with the `compiled_kernels` option on and numba available (GRAPHGRAD_JIT=0 turns
them off). CI installs numba (the `test` extra), so none of these skip there."""
import numpy as np
import pytest

import graphgrad as tf
from graphgrad.kernels import compiled, training

from .helpers import train_mlp, train_seed_model

pytest.importorskip("numba")


@pytest.fixture(autouse=True)
def compile_at_build(monkeypatch):
    """Plans compile their kernels when built (by default they switch once they have run 1 s)."""
    monkeypatch.setenv("GRAPHGRAD_JIT", "eager")

SHAPES = [(0,), (1,), (7,), (3, 5), (1, 1, 4), (65, 33)]


def no_fallback(monkeypatch):
    """From here on the NumPy rules fail if called: the test checks the compiled loops."""
    def fallback(*args, **kwargs):
        raise AssertionError("fell back to the NumPy kernel")
    for name in ("adam_inplace", "momentum_inplace"):
        monkeypatch.setattr(compiled.training, name, fallback)


def _arrays(shape, dtype, seed, count):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=shape).astype(dtype) for _ in range(count)]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("nesterov", [False, True])
def test_compiled_adam_equals_numpy_adam_bit_for_bit(dtype, shape, nesterov, monkeypatch):
    var, m, grad, v = _arrays(shape, dtype, seed=len(shape), count=4)
    v = np.abs(v)
    hyper = [np.asarray(x, dtype) for x in (0.9 ** 3, 0.999 ** 3, 1e-3, 0.9, 0.999, 1e-8)]
    expected = [a.copy() for a in (var, m, v)]
    training.adam_inplace(np, *expected, *hyper, grad, use_nesterov=nesterov)
    no_fallback(monkeypatch)
    compiled.adam_inplace(np, var, m, v, *hyper, grad, use_nesterov=nesterov)
    for got, want in zip((var, m, v), expected):
        np.testing.assert_array_equal(got, want)
        assert got.dtype == dtype


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("nesterov", [False, True])
def test_compiled_momentum_equals_numpy_momentum_bit_for_bit(dtype, shape, nesterov,
                                                             monkeypatch):
    var, accum, grad = _arrays(shape, dtype, seed=7, count=3)
    lr, momentum = np.asarray(0.1, dtype), np.asarray(0.9, dtype)
    expected = [a.copy() for a in (var, accum)]
    training.momentum_inplace(np, *expected, lr, grad, momentum, use_nesterov=nesterov)
    no_fallback(monkeypatch)
    compiled.momentum_inplace(np, var, accum, lr, grad, momentum, use_nesterov=nesterov)
    for got, want in zip((var, accum), expected):
        np.testing.assert_array_equal(got, want)


def test_special_values_follow_numpy(monkeypatch):
    """inf and nan gradients, a zero second moment: IEEE results, no exception."""
    grad = np.array([np.inf, -np.inf, np.nan, 0.0, 1e30], np.float32)
    var, m, v = (np.zeros(5, np.float32) for _ in range(3))
    hyper = [np.float32(x) for x in (0.9, 0.999, 1e-3, 0.9, 0.999, 0.0)]
    expected = [a.copy() for a in (var, m, v)]
    with np.errstate(all="ignore"):
        training.adam_inplace(np, *expected, *hyper, grad)
    no_fallback(monkeypatch)
    compiled.adam_inplace(np, var, m, v, *hyper, grad)
    for got, want in zip((var, m, v), expected):
        np.testing.assert_array_equal(got, want)


def test_arrays_the_loop_does_not_take_go_to_numpy():
    """A transposed gradient or a Fortran-ordered slot is not flat in memory: the NumPy rule
    updates it, with the same result."""
    var, m, grad, v = _arrays((6, 4), np.float32, seed=2, count=4)
    v = np.abs(v)
    hyper = [np.float32(x) for x in (0.9, 0.999, 1e-2, 0.9, 0.999, 1e-8)]
    expected = [a.copy() for a in (var, m, v)]
    grad_t = np.ascontiguousarray(grad.T).T  # same values, not C-contiguous
    training.adam_inplace(np, *expected, *hyper, grad)
    m_f = np.asfortranarray(m)
    compiled.adam_inplace(np, var, m_f, v, *hyper, grad_t)
    for got, want in zip((var, m_f, v), expected):
        np.testing.assert_array_equal(got, want)


def test_loops_compile_in_memory_where_numba_cannot_cache_them(monkeypatch):
    numba = compiled._numba()

    class NoCacheDir:
        """numba as on a machine with no writable cache directory."""
        @staticmethod
        def njit(cache=False, **options):
            if cache:
                raise RuntimeError("cannot cache function: no locator available")
            return numba.njit(**options)
    monkeypatch.setitem(compiled._loops, "numba", NoCacheDir)
    monkeypatch.delitem(compiled._loops, "_adam_loop", raising=False)
    var, m, grad, v = _arrays((3, 4), np.float32, 1, 4)
    v = np.abs(v)
    hyper = [np.asarray(x, np.float32) for x in (0.9, 0.999, 1e-2, 0.9, 0.999, 1e-8)]
    expected = [a.copy() for a in (var, m, v)]
    training.adam_inplace(np, *expected, *hyper, grad)
    no_fallback(monkeypatch)
    compiled.adam_inplace(np, var, m, v, *hyper, grad)
    for got, want in zip((var, m, v), expected):
        np.testing.assert_array_equal(got, want)


def test_switched_off_by_the_environment(monkeypatch):
    assert compiled.inplace_update(training.adam_inplace) is compiled.adam_inplace
    assert compiled.inplace_update(training.gradient_descent_inplace) is None  # none compiled
    monkeypatch.setenv("GRAPHGRAD_JIT", "0")
    assert not compiled.available()
    assert compiled.inplace_update(training.adam_inplace) is None


def _train(optimizer, opts, steps=5):
    tf.reset_default_graph()
    rng = np.random.default_rng(11)
    x = tf.placeholder(tf.float32, [None, 6])
    w = tf.Variable(rng.standard_normal((6, 3)).astype(np.float32))
    b = tf.Variable(np.zeros(3, np.float32))
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w) + b))
    train = optimizer.minimize(loss)
    config = tf.ConfigProto(graph_options=tf.GraphOptions(rewrite_options=opts))
    with tf.Session(config=config) as sess:
        sess.run(tf.global_variables_initializer())
        for i in range(steps):
            sess.run(train, {x: rng.standard_normal((4 + i, 6)).astype(np.float32)})
        plan = next(p for p in sess._plans.values() if train in p.fetches)
        return sess.run([w, b]), [s for s in plan.steps if "compiled" in s.tags]


@pytest.mark.parametrize("make", [lambda: tf.train.AdamOptimizer(0.1),
                                  lambda: tf.train.MomentumOptimizer(0.1, 0.9, use_nesterov=True)])
def test_a_plan_uses_the_compiled_updates_only_with_the_option_on(make, monkeypatch):
    values, steps = _train(make(), {})
    assert len(steps) == 2 and all(s.op.type.startswith("Apply") for s in steps)
    off_values, off_steps = _train(make(), {"compiled_kernels": False})
    assert off_steps == []
    for got, want in zip(values, off_values):
        np.testing.assert_array_equal(got, want)
    monkeypatch.setenv("GRAPHGRAD_JIT", "0")
    env_values, env_steps = _train(make(), {})
    assert env_steps == []
    for got, want in zip(values, env_values):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(0, 5), (1, 1), (7, 13), (4, 0)])
@pytest.mark.parametrize("into_x", [False, True])
def test_bias_relu_equals_add_then_maximum(dtype, shape, into_x):
    x, bias = _arrays(shape, dtype, 3, 1)[0], _arrays(shape[1:], dtype, 4, 1)[0]
    if x.size:
        x.flat[:3] = [np.nan, -0.0, np.inf][:x.size]
    expected = np.maximum(x + bias, 0)
    got = compiled.bias_relu(x, bias, out=x if into_x else None)
    np.testing.assert_array_equal(got, expected)
    assert not np.signbit(got).any() and got.dtype == dtype
    assert (got is x) == into_x


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("into_x", [False, True])
def test_bias_softmax_equals_add_then_softmax(dtype, into_x):
    x, bias = _arrays((9, 6), dtype, 5, 1)[0] * 20, _arrays((6,), dtype, 6, 1)[0]
    x[0, 0] = -np.inf
    expected = compiled.softmax_2d(x + bias)
    got = compiled.bias_softmax(x, bias, out=x if into_x else None)
    np.testing.assert_array_equal(got, expected)
    assert (got is x) == into_x
    x2 = _arrays((6, 9), dtype, 5, 1)[0]  # not contiguous as x2.T: NumPy's steps
    np.testing.assert_allclose(compiled.bias_softmax(x2.T, bias), compiled.softmax_2d(x2.T + bias))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(0, 3), (1,), (7, 13), (2, 3, 5)])
@pytest.mark.parametrize("into_grad", [False, True])
def test_relu_grad_equals_numpy_with_signs_and_specials(dtype, shape, into_grad):
    grad, y = _arrays(shape, dtype, 9, 2)
    if grad.size >= 4:
        grad.flat[:4] = [np.nan, np.inf, -2.0, 0.0]
        y.flat[:4] = [-1.0, -1.0, -1.0, 0.0]  # masked: nan, nan, -0, 0
    with np.errstate(invalid="ignore"):
        expected = grad * (y > 0)
    got = compiled.relu_grad(grad, y, out=grad if into_grad else None)
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(np.signbit(got), np.signbit(expected))
    assert (got is grad) == into_grad and got.dtype == dtype


def test_bias_relu_of_arrays_the_loop_does_not_take():
    x, bias = _arrays((5, 6), np.float32, 1, 1)[0], _arrays((5,), np.float32, 2, 1)[0]
    np.testing.assert_array_equal(compiled.bias_relu(x.T, bias), np.maximum(x.T + bias, 0))
    np.testing.assert_array_equal(compiled.bias_relu(x, bias[:1]), np.maximum(x + bias[:1], 0))
    np.testing.assert_array_equal(compiled.bias_relu(x, x[0].astype(np.float64)),
                                  np.maximum(x + x[0].astype(np.float64), 0))


@pytest.mark.parametrize("dtype,rtol", [(np.float32, 2e-6), (np.float64, 1e-13)])
@pytest.mark.parametrize("shape", [(1, 1), (5, 3), (128, 10), (3, 1000)])
def test_compiled_softmax_cross_entropy_matches_the_numpy_kernel(dtype, rtol, shape):
    from graphgrad.kernels import softmax
    rng = np.random.default_rng(shape[1])
    logits = (rng.normal(size=shape) * 30).astype(dtype)
    logits[0, 0] = -1e30  # a probability that underflows to 0, its label 0
    labels = rng.dirichlet(np.ones(shape[1]), size=shape[0]).astype(dtype)
    labels[0, 0] = 0
    loss, grad = compiled.softmax_xent_2d(logits, labels)
    want_loss, want_grad = softmax.softmax_xent(np, logits, labels)
    assert loss.dtype == grad.dtype == dtype
    np.testing.assert_allclose(loss, want_loss, rtol=rtol, atol=rtol)
    np.testing.assert_allclose(grad, want_grad, rtol=rtol, atol=rtol)


def test_compiled_softmax_cross_entropy_of_a_nan_row_is_nan():
    logits = np.array([[1.0, np.nan, 2.0], [1.0, 2.0, 3.0]], np.float32)
    labels = np.array([[0, 0, 1], [0, 1, 0]], np.float32)
    loss, grad = compiled.softmax_xent_2d(logits, labels)
    assert np.isnan(loss[0]) and np.isnan(grad[0]).all()
    assert np.isfinite(loss[1]) and np.isfinite(grad[1]).all()


def test_a_plan_fuses_bias_add_and_relu_and_compiles_the_cross_entropy():
    values, _, plan = train_mlp({})
    kinds = sorted(s.op.type for s in plan.steps if "compiled" in s.tags)
    assert kinds == ["ApplyAdam"] * 3 + ["Relu", "ReluGrad", "SoftmaxCrossEntropyWithLogits"]
    relu = next(s for s in plan.steps if s.op.type == "Relu")
    assert "inplace_out" in relu.tags  # into the MatMul's fresh output
    assert not any(s.op.name == "add" for s in plan.steps)  # the add is part of the Relu step
    off_values, _, off_plan = train_mlp({"compiled_kernels": False})
    assert not any("compiled" in s.tags for s in off_plan.steps)
    for got, want in zip(values, off_values):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_a_fetched_pre_activation_is_not_fused_away():
    values, _, plan = train_mlp({}, fetch_pre_activation=True)
    assert any(s.op.name == "add" for s in plan.steps)
    assert not any(s.op.type == "Relu" and "compiled" in s.tags for s in plan.steps)
    off_values, _, _ = train_mlp({"compiled_kernels": False}, fetch_pre_activation=True)
    for got, want in zip(values, off_values):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_a_traced_run_names_the_compiled_steps():
    tf.reset_default_graph()
    x = tf.placeholder(tf.float32, [None, 4])
    b = tf.Variable(np.arange(4, dtype=np.float32) - 2)
    out = tf.nn.relu(tf.matmul(x, tf.eye(4)) + b) * 2.0
    metadata = tf.RunMetadata()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got = sess.run(out, {x: np.ones((3, 4), np.float32)},
                       options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE),
                       run_metadata=metadata)
    np.testing.assert_array_equal(got, np.tile([0, 0, 2, 4], (3, 1)).astype(np.float32))
    nodes = {n.node_name: n for n in metadata.step_stats.dev_stats[0].node_stats}
    assert "compiled" in nodes["Relu"].rewrites and "add" not in nodes


@pytest.mark.parametrize("dtype,rtol", [(np.float32, 2e-6), (np.float64, 1e-13)])
@pytest.mark.parametrize("shape", [(1, 1), (100, 10), (3, 1000), (0, 4)])
def test_compiled_softmax_and_its_log_gradient_match_numpy(dtype, rtol, shape):
    from graphgrad.kernels import softmax
    rng = np.random.default_rng(shape[0])
    x = (rng.normal(size=shape) * 30).astype(dtype)
    g = rng.normal(size=shape).astype(dtype)
    if x.size:
        x[0, 0] = -np.inf  # a probability of exactly 0
    got = compiled.softmax_2d(x)
    with np.errstate(invalid="ignore"):  # a (1, 1) row of -inf: nan, as NumPy's kernel
        want = softmax.softmax(np, x)
    np.testing.assert_allclose(got, want, rtol=rtol, atol=rtol)
    assert got.dtype == dtype and not np.shares_memory(got, x)
    want = g - got * g.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(compiled.softmax_log_grad(g, got), want, rtol=rtol,
                               atol=rtol * np.abs(g).sum(axis=1, keepdims=True).max(initial=1))


def test_compiled_softmax_of_special_rows_follows_numpy():
    x = np.array([[1.0, np.nan, 2.0], [-np.inf, -np.inf, -np.inf], [np.inf, 0.0, 1.0],
                  [3.0, 1.0, 2.0]], np.float32)
    from graphgrad.kernels import softmax
    with np.errstate(all="ignore"):
        want = softmax.softmax(np, x)
        got = compiled.softmax_2d(x)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    np.testing.assert_allclose(got[3], want[3], rtol=2e-6)


def test_the_seed_models_softmax_and_its_gradient_run_compiled():
    def train(opts):
        _, w, b, plan = train_seed_model(opts)
        return [w, b], sorted(s.op.name for s in plan.steps if "compiled" in s.tags)
    values, names = train({})
    # the fused log-softmax gradient sits in a Mul's step; the bias add in the Softmax step
    assert names == ["Softmax", "gradients/Softmax_grad/mul_1"]
    off_values, off_names = train({"compiled_kernels": False})
    assert off_names == []
    for got, want in zip(values, off_values):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_by_default_a_plan_switches_to_compiled_kernels_at_a_fixed_run(monkeypatch):
    from graphgrad.runtime import compiled_steps
    monkeypatch.delenv("GRAPHGRAD_JIT")
    monkeypatch.setattr(compiled_steps, "SWITCH_AT", 20)
    tf.reset_default_graph()
    x = tf.placeholder(tf.float32, [None, 8])
    w = tf.Variable(np.linspace(-1, 1, 24, dtype=np.float32).reshape(8, 3))
    loss = tf.reduce_sum(tf.square(tf.matmul(x, w)))
    train = tf.train.AdamOptimizer(0.01).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        run = sess.make_callable(train, [x])
        plan, feed = run.plan, np.ones((4, 8), np.float32)
        for _ in range(19):
            run(feed)
        assert plan._tier is not None and not any("compiled" in s.tags for s in plan.steps)
        before = sess.run(w)
        run(feed)  # the 20th run: the rebuilt plan, updating the same variable
        assert plan._tier is None and any("compiled" in s.tags for s in plan.steps)
        assert not np.array_equal(before, sess.run(w))


def test_plans_with_nothing_to_compile_never_switch(monkeypatch):
    monkeypatch.delenv("GRAPHGRAD_JIT")
    tf.reset_default_graph()
    x = tf.placeholder(tf.float32, [None, 8])
    w = tf.Variable(tf.ones([8, 3]))
    train = tf.train.GradientDescentOptimizer(0.1).minimize(tf.reduce_sum(tf.matmul(x, w)))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.make_callable(train, [x]).plan._tier is None
