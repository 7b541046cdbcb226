"""tf.nn beyond the per-op rows: extreme logits, v1/v2 label gradients, NCHW bias_add, top-k
ties, moments, dropout, and the composite functions (checked with the shared harness)."""
import numpy as np
import pytest

import graphgrad as tf
from tests.ops.harness import Case, check_forward, check_gradients

from .helpers import run as _run

RNG = np.random.default_rng(0)


def _np_log_softmax(x):
    s = x - x.max(-1, keepdims=True)
    return s - np.log(np.exp(s).sum(-1, keepdims=True))


# --- cross-entropy on extreme logits ---------------------------------------------------------
EXTREME = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, 1e4], [3.0, 1e4, 1e4]], np.float32)


def test_softmax_cross_entropy_on_extreme_logits_is_finite_and_exact():
    labels = np.array([[0.0, 1.0, 0.0], [0.5, 0.0, 0.5], [0.2, 0.3, 0.5]], np.float32)
    logits = tf.constant(EXTREME)
    loss = tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits)
    grad = tf.gradients(loss, logits)[0]
    value, g = _run([loss, grad])
    expected = -(labels * _np_log_softmax(EXTREME.astype(np.float64))).sum(-1)
    np.testing.assert_allclose(value, expected, rtol=1e-6)
    assert np.isfinite(g).all()
    p = np.exp(_np_log_softmax(EXTREME.astype(np.float64)))
    np.testing.assert_allclose(g, p - labels, atol=1e-6)


def test_sparse_softmax_cross_entropy_on_extreme_logits_is_finite_and_exact():
    logits = tf.constant(EXTREME)
    labels = np.array([1, 2, 0], np.int64)
    loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    value, g = _run([loss, tf.gradients(loss, logits)[0]])
    log_p = _np_log_softmax(EXTREME.astype(np.float64))
    np.testing.assert_allclose(value, -log_p[np.arange(3), labels], rtol=1e-6)
    onehot = np.eye(3)[labels]
    np.testing.assert_allclose(g, np.exp(log_p) - onehot, atol=1e-6)


def test_sigmoid_and_weighted_cross_entropy_on_extreme_logits_are_finite():
    x = np.array([1e4, -1e4, 0.0, 50.0, -50.0], np.float32)
    z = np.array([0.0, 1.0, 0.5, 1.0, 0.0], np.float32)
    logits = tf.constant(x)
    sig = tf.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=logits)
    weighted = tf.nn.weighted_cross_entropy_with_logits(z, logits, 3.0)
    s, w, gs = _run([sig, weighted, tf.gradients(sig, logits)[0]])
    xd, zd = x.astype(np.float64), z.astype(np.float64)
    np.testing.assert_allclose(s, np.logaddexp(0, xd) - xd * zd, rtol=1e-6, atol=1e-12)
    np.testing.assert_allclose(
        w, (1 - zd) * xd + (1 + 2 * zd) * np.logaddexp(0, -xd), rtol=1e-6)
    np.testing.assert_allclose(gs, 0.5 * (1 + np.tanh(xd / 2)) - zd, atol=1e-7)


def test_v1_stops_the_label_gradient_and_v2_differentiates_labels():
    logits = tf.constant(RNG.normal(size=(4, 3)))
    labels = tf.constant(RNG.dirichlet(np.ones(3), size=4))
    v1 = tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    v2 = tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits)
    assert tf.gradients(v1, labels) == [None]
    g1, g2, dz, lv = _run([tf.gradients(v1, logits)[0], tf.gradients(v2, logits)[0],
                           tf.gradients(v2, labels)[0], logits])
    np.testing.assert_allclose(g1, g2)
    np.testing.assert_allclose(dz, -_np_log_softmax(lv), rtol=1e-12)


def test_softmax_cross_entropy_second_derivative_in_the_labels():
    # d/dz of dL/dx = -1 per class: the backprop output softmax - labels carries it.
    logits = tf.constant(RNG.normal(size=(2, 3)))
    labels = tf.constant(RNG.dirichlet(np.ones(3), size=2))
    loss = tf.reduce_sum(tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels,
                                                                    logits=logits))
    dx = tf.gradients(loss, logits)[0]
    w = RNG.normal(size=(2, 3))
    np.testing.assert_allclose(_run(tf.gradients(tf.reduce_sum(dx * w), labels)[0]), -w)


def test_sparse_label_out_of_range_fails_at_run_time_naming_the_value():
    labels = tf.placeholder(tf.int32, [None])
    loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels,
                                                          logits=tf.zeros([2, 4]))
    np.testing.assert_allclose(_run(loss, {labels: [0, 3]}), [np.log(4)] * 2, rtol=1e-6)
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"label value of 4 .*\[0, 4\)"):
        _run(loss, {labels: [0, 4]})
    with pytest.raises(tf.errors.InvalidArgumentError, match="label value of -1"):
        _run(loss, {labels: [-1, 0]})


def test_cross_entropy_argument_checks():
    with pytest.raises(ValueError, match="named arguments"):
        tf.nn.softmax_cross_entropy_with_logits(tf.zeros([2, 3]), tf.zeros([2, 3]))
    with pytest.raises(ValueError, match="Both labels and logits"):
        tf.nn.sigmoid_cross_entropy_with_logits(logits=tf.zeros([2]))
    with pytest.raises(ValueError, match="Rank mismatch"):
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tf.zeros([2, 3], tf.int32),
                                                       logits=tf.zeros([2, 3]))
    with pytest.raises(TypeError, match="int32 or int64"):
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tf.zeros([2]),
                                                       logits=tf.zeros([2, 3]))
    with pytest.raises(ValueError, match="same shape"):
        tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.zeros([2, 3]), logits=tf.zeros([3, 2]))


def test_loss_tensors_are_named_as_in_tf1():
    x = tf.zeros([2, 3])
    assert tf.nn.sigmoid_cross_entropy_with_logits(labels=x, logits=x).name == "logistic_loss:0"
    v1 = tf.nn.softmax_cross_entropy_with_logits(labels=x, logits=x)
    assert v1.name == "softmax_cross_entropy_with_logits_sg:0"
    assert tf.nn.l2_loss(x, name="reg").name == "reg:0"


# --- bias_add ------------------------------------------------------------------------------
def test_bias_add_nchw_adds_along_dim_1_and_its_gradient_sums_the_rest():
    value = RNG.normal(size=(2, 3, 4, 5))
    bias = np.array([1.0, -2.0, 3.0])
    v, b = tf.constant(value), tf.constant(bias)
    out = tf.nn.bias_add(v, b, data_format="NCHW")
    w = RNG.normal(size=value.shape)
    got, gb, gv = _run([out, *tf.gradients(tf.reduce_sum(out * w), [b, v])])
    np.testing.assert_allclose(got, value + bias[None, :, None, None])
    np.testing.assert_allclose(gb, w.sum(axis=(0, 2, 3)))
    np.testing.assert_allclose(gv, w)


def test_bias_add_rejects_a_bias_of_the_wrong_size():
    with pytest.raises(ValueError, match="Dimensions must be equal, but are 4 and 3"):
        tf.nn.bias_add(tf.zeros([2, 3, 5]), tf.zeros([4]), data_format="NCHW")
    with pytest.raises(ValueError, match="rank"):
        tf.nn.bias_add(tf.zeros([3]), tf.zeros([3]))


# --- top_k / in_top_k --------------------------------------------------------------------
def test_in_top_k_counts_ties_as_in():
    predictions = tf.constant([[0.1, 0.3, 0.3, 0.3], [0.5, 0.5, 0.2, 0.1],
                               [0.4, 0.3, 0.2, 0.1], [np.nan, 0.1, 0.2, 0.3]], tf.float32)
    targets = tf.constant([3, 1, 2, 0])
    k1, k2 = _run([tf.nn.in_top_k(predictions, targets, 1),
                   tf.nn.in_top_k(predictions, targets, 2)])
    # Row 0: nothing beats 0.3 at index 3, so it is in the top 1 despite three-way ties.
    np.testing.assert_array_equal(k1, [True, True, False, False])
    np.testing.assert_array_equal(k2, [True, True, False, False])
    out_of_range = tf.nn.in_top_k(predictions, tf.constant([4, 0, -1, 1]), 4)
    np.testing.assert_array_equal(_run(out_of_range), [False, True, False, True])


def test_top_k_orders_ties_by_index_and_scatters_its_gradient():
    x = tf.constant([[1.0, 3.0, 3.0, 2.0, 3.0]])
    values, indices = tf.nn.top_k(x, k=3)
    grad = tf.gradients(values * tf.constant([[1.0, 10.0, 100.0]]), x)[0]
    v, i, g = _run([values, indices, grad])
    np.testing.assert_array_equal(v, [[3.0, 3.0, 3.0]])
    np.testing.assert_array_equal(i, [[1, 2, 4]])
    np.testing.assert_array_equal(g, [[0.0, 1.0, 10.0, 0.0, 100.0]])
    with pytest.raises(ValueError, match="last dimension >= k"):
        tf.nn.top_k(x, 6)


# --- moments and friends -------------------------------------------------------------------
@pytest.mark.parametrize("axes,keep", [([0], False), ([0, 2], True), ([-1], False),
                                       ([0, 1, 2], False)])
def test_moments_match_numpy(axes, keep):
    value = RNG.normal(2.0, 3.0, size=(4, 3, 5))
    mean, var = tf.nn.moments(tf.constant(value), axes, keep_dims=keep)
    m, v = _run([mean, var])
    np.testing.assert_allclose(m, value.mean(axis=tuple(axes), keepdims=keep))
    np.testing.assert_allclose(v, value.var(axis=tuple(axes), keepdims=keep))
    assert mean.shape.as_tuple() == m.shape and var.shape.as_tuple() == v.shape


def test_moments_keeps_float16_dtype():
    mean, var = tf.nn.moments(tf.constant(np.arange(6, dtype=np.float16)), [0])
    assert mean.dtype == tf.float16 and var.dtype == tf.float16
    np.testing.assert_allclose(_run(var), np.var(np.arange(6)), rtol=1e-3)


def _np_bn(x, m, v, o, s):
    return (x - m) / np.sqrt(v + 1e-3) * s + o


COMPOSITES = [
    Case("nn.moments-mean", lambda x: tf.nn.moments(x, [0, 2])[0], lambda x: x.mean((0, 2)),
         [((3, 2, 5),), ((1, 4, 1),)]),
    Case("nn.moments-variance", lambda x: tf.nn.moments(x, [1], keep_dims=True)[1],
         lambda x: x.var(1, keepdims=True), [((3, 4),), ((2, 5, 3),), ((4, 1),)]),
    Case("nn.batch_normalization",
         lambda x, m, v, o, s: tf.nn.batch_normalization(x, m, v, o, s, 1e-3), _np_bn,
         [((4, 3), (3,), (3,), (3,), (3,)), ((2, 1, 3), (3,), (3,), (3,), (3,))],
         domain=[(-2, 2), (-1, 1), (0.5, 2), (-1, 1), (0.5, 2)]),
    Case("nn.l2_normalize", lambda x: tf.nn.l2_normalize(x, axis=1),
         lambda x: x / np.sqrt(np.maximum((x * x).sum(1, keepdims=True), 1e-12)),
         [((3, 4),), ((2, 5, 1),)], domain=(0.2, 2.0)),
    Case("nn.l2_normalize-dim0", lambda x: tf.nn.l2_normalize(x, dim=0),
         lambda x: x / np.sqrt((x * x).sum(0, keepdims=True)), [((5, 2),)], domain=(0.2, 2.0)),
    Case("nn.weighted_cross_entropy_with_logits",
         lambda z, x: tf.nn.weighted_cross_entropy_with_logits(targets=z, logits=x,
                                                               pos_weight=2.5),
         lambda z, x: (1 - z) * x + (1 + 1.5 * z) * np.logaddexp(0, -x),
         [((3, 4),) * 2, ((0, 2),) * 2, ((),) * 2],
         domain=[(0.05, 0.95), lambda r, s, d: (r.uniform(0.2, 3, s) * r.choice([-1, 1], s)
                                                ).astype(d)]),
    Case("nn.log_poisson_loss", lambda t, x: tf.nn.log_poisson_loss(t, x),
         lambda t, x: np.exp(x) - x * t, [((3, 4),) * 2, ((1,),) * 2], domain=[(0, 3), (-2, 2)]),
    Case("nn.log_poisson_loss-full", lambda t, x: tf.nn.log_poisson_loss(t, x, True),
         lambda t, x: np.exp(x) - x * t + np.where(
             t <= 1, 0, t * np.log(t) - t + 0.5 * np.log(2 * np.pi * t)),
         [((5, 4),) * 2], domain=[(1.1, 4.0), (-2, 2)], grad=(1,)),
    Case("nn.crelu", tf.nn.crelu, lambda x: np.concatenate([np.maximum(x, 0),
                                                            np.maximum(-x, 0)], -1),
         [((3, 4),), ((2,),)], domain=lambda r, s, d: (r.uniform(0.2, 2, s) *
                                                      r.choice([-1, 1], s)).astype(d)),
    Case("nn.xw_plus_b", tf.nn.xw_plus_b, lambda x, w, b: x @ w + b,
         [((3, 4), (4, 2), (2,)), ((0, 3), (3, 5), (5,))]),
    Case("nn.zero_fraction", lambda x: tf.nn.zero_fraction(tf.nn.relu(x)),
         lambda x: np.float32(np.mean(x <= 0)), [((3, 7),), ((1,),)], order=0),
]


@pytest.mark.parametrize("case", COMPOSITES, ids=lambda c: c.id)
def test_composite_functions_match_numpy_and_finite_differences(case):
    for shapes in case.shapes:
        for dtype in case.dtypes:
            check_forward(case, shapes, dtype)
        if case.order:
            check_gradients(case, shapes)


# --- dropout -------------------------------------------------------------------------------
def test_dropout_with_keep_prob_one_is_the_identity():
    x = tf.constant(RNG.normal(size=(3, 4)), tf.float32)
    assert tf.nn.dropout(x, 1.0) is x
    assert tf.nn.dropout(x, rate=0.0) is x
    keep = tf.placeholder_with_default(tf.constant(1.0), [])
    np.testing.assert_array_equal(*_run([tf.nn.dropout(x, keep), x]))


def test_dropout_zeroes_or_scales_each_entry_and_passes_the_same_mask_back():
    value = RNG.uniform(1, 2, size=(50, 40)).astype(np.float32)
    x = tf.constant(value)
    out = tf.nn.dropout(x, keep_prob=0.25, seed=1)
    assert out.shape.as_list() == [50, 40] and out.op.type == "Mul"
    got, grad = _run([out, tf.gradients(out, x)[0]])
    kept = got != 0
    np.testing.assert_allclose(got[kept], value[kept] / 0.25, rtol=1e-6)
    np.testing.assert_allclose(grad, kept / 0.25)
    assert abs(kept.mean() - 0.25) < 0.03


def test_dropout_preserves_the_mean_and_takes_rate():
    x = tf.ones([200, 100])
    by_keep = tf.reduce_mean(tf.nn.dropout(x, keep_prob=0.6, seed=2))
    by_rate = tf.reduce_mean(tf.nn.dropout(x, rate=0.4, seed=3))
    a, b = _run([by_keep, by_rate])
    assert abs(a - 1.0) < 0.03 and abs(b - 1.0) < 0.03


def test_dropout_noise_shape_broadcasts_one_mask_over_the_unit_dims():
    x = tf.ones([64, 3, 5])
    out = _run(tf.nn.dropout(x, 0.5, noise_shape=[64, 1, 5], seed=4))
    assert np.all(out == out[:, :1, :])
    assert set(np.unique(out)) == {0.0, 2.0}
    dynamic = tf.placeholder(tf.float32, [None, 3])
    out = _run(tf.nn.dropout(dynamic, 0.5, noise_shape=[None, 1], seed=5),
               {dynamic: np.ones((40, 3), np.float32)})
    assert out.shape == (40, 3) and np.all(out == out[:, :1])


def test_dropout_is_reproducible_with_a_graph_seed_and_checks_its_arguments():
    def sample():
        with tf.Graph().as_default():
            tf.set_random_seed(3)
            return _run(tf.nn.dropout(tf.ones([10, 10]), 0.5))
    np.testing.assert_array_equal(sample(), sample())
    with pytest.raises(ValueError, match=r"range \(0, 1\]"):
        tf.nn.dropout(tf.ones([2]), 1.5)
    with pytest.raises(ValueError, match="both keep_prob and rate"):
        tf.nn.dropout(tf.ones([2]), 0.5, rate=0.5)
    with pytest.raises(ValueError, match="floating point"):
        tf.nn.dropout(tf.ones([2], tf.int32), 0.5)


def test_nn_namespace_has_the_tf1_names():
    for name in ["relu", "relu6", "elu", "selu", "leaky_relu", "softplus", "softsign", "crelu",
                 "sigmoid", "tanh", "softmax", "log_softmax", "bias_add", "xw_plus_b",
                 "softmax_cross_entropy_with_logits", "softmax_cross_entropy_with_logits_v2",
                 "sparse_softmax_cross_entropy_with_logits", "sigmoid_cross_entropy_with_logits",
                 "weighted_cross_entropy_with_logits", "l2_loss", "log_poisson_loss", "dropout",
                 "top_k", "in_top_k", "moments", "batch_normalization", "l2_normalize",
                 "zero_fraction"]:
        assert callable(getattr(tf.nn, name)), name
