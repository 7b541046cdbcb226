"""tf.losses against NumPy: each loss, TF1's weights and Reduction semantics (default
SUM_BY_NONZERO_WEIGHTS), the LOSSES collection and get_total_loss with regularization."""
import numpy as np
import pytest

import graphgrad as tf

RNG = np.random.RandomState(0)
LABELS = RNG.rand(5, 3).astype(np.float32)
PREDS = RNG.rand(5, 3).astype(np.float32)


def _eval(t, feed=None):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return sess.run(t, feed)


def _reduce(per_entry, weights, reduction=tf.losses.Reduction.SUM_BY_NONZERO_WEIGHTS):
    w = np.broadcast_to(np.asarray(weights, np.float32), per_entry.shape)
    weighted = per_entry * w
    R = tf.losses.Reduction
    if reduction == R.NONE:
        return weighted
    total = weighted.sum()
    if reduction == R.SUM:
        return total
    if reduction == R.MEAN:
        den = w.sum()
    elif reduction == R.SUM_OVER_BATCH_SIZE:
        den = per_entry.size
    else:
        den = np.count_nonzero(w)
    return total / den if den else 0.0


def _softmax(z):
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


ELEMENTWISE = [
    ("mean_squared_error", lambda y, p: (p - y) ** 2, {}),
    ("absolute_difference", lambda y, p: np.abs(p - y), {}),
    ("log_loss", lambda y, p: -y * np.log(p + 1e-7) - (1 - y) * np.log(1 - p + 1e-7), {}),
    ("hinge_loss", lambda y, p: np.maximum(0, 1 - (2 * np.round(y) - 1) * (p * 4 - 2)), {}),
]


@pytest.mark.parametrize("name,ref,kwargs", ELEMENTWISE)
@pytest.mark.parametrize("weights", [1.0, 2.5, np.array([[0.0], [1.0], [2.0], [0.0], [3.0]]),
                                     "full"])
def test_elementwise_losses_match_numpy(name, ref, kwargs, weights):
    labels, preds = LABELS, PREDS
    if name == "hinge_loss":
        labels, preds = np.round(LABELS), PREDS * 4 - 2
    if isinstance(weights, str):
        weights = RNG.rand(5, 3).astype(np.float32) * (RNG.rand(5, 3) > 0.3)
    fn = getattr(tf.losses, name)
    if name == "hinge_loss":
        loss = fn(labels=tf.constant(labels), logits=tf.constant(preds), weights=weights)
    else:
        loss = fn(tf.constant(labels), tf.constant(preds), weights=weights)
    expected = _reduce(ref(LABELS if name != "hinge_loss" else labels,
                           PREDS if name != "hinge_loss" else PREDS), weights)
    assert loss.dtype == tf.float32 and loss.shape.ndims == 0
    np.testing.assert_allclose(_eval(loss), expected, rtol=1e-5, atol=1e-6)
    assert tf.losses.get_losses() == [loss]


@pytest.mark.parametrize("reduction", ["none", "weighted_sum", "weighted_mean",
                                       "weighted_sum_over_batch_size",
                                       "weighted_sum_by_nonzero_weights"])
def test_reductions_match_numpy(reduction):
    weights = np.array([[0.0], [1.0], [2.0], [0.0], [3.0]], np.float32)
    loss = tf.losses.mean_squared_error(LABELS, PREDS, weights=weights, reduction=reduction)
    expected = _reduce((PREDS - LABELS) ** 2, weights, reduction)
    np.testing.assert_allclose(_eval(loss), expected, rtol=1e-5)
    assert loss.shape.as_list() == ([5, 3] if reduction == "none" else [])


def test_all_zero_weights_give_zero_not_nan_and_finite_gradients():
    preds = tf.constant(PREDS)
    for reduction in ("weighted_mean", "weighted_sum_by_nonzero_weights"):
        loss = tf.losses.mean_squared_error(LABELS, preds, weights=0.0, reduction=reduction)
        grad = tf.gradients(loss, preds)[0]
        value, g = _eval([loss, grad])
        assert value == 0.0 and np.isfinite(g).all() and (g == 0).all()


def test_gradient_of_mean_squared_error():
    preds = tf.constant(PREDS)
    loss = tf.losses.mean_squared_error(LABELS, preds)
    g = _eval(tf.gradients(loss, preds)[0])
    np.testing.assert_allclose(g, 2 * (PREDS - LABELS) / PREDS.size, rtol=1e-5)


def test_huber_loss_matches_numpy_for_several_deltas():
    labels = RNG.randn(4, 6).astype(np.float32) * 2
    preds = RNG.randn(4, 6).astype(np.float32) * 2
    for delta in (0.5, 1.0, 3.0):
        err = np.abs(preds - labels)
        ref = np.where(err <= delta, 0.5 * err ** 2, delta * (err - 0.5 * delta))
        loss = tf.losses.huber_loss(labels, preds, delta=delta)
        np.testing.assert_allclose(_eval(loss), ref.mean(), rtol=1e-5)


def test_cosine_distance():
    a = RNG.randn(4, 3)
    b = RNG.randn(4, 3)
    a /= np.linalg.norm(a, axis=1, keepdims=True)
    b /= np.linalg.norm(b, axis=1, keepdims=True)
    loss = tf.losses.cosine_distance(a.astype(np.float32), b.astype(np.float32), axis=1)
    np.testing.assert_allclose(_eval(loss), np.mean(1 - (a * b).sum(1)), rtol=1e-5)
    with pytest.raises(ValueError, match="You must specify 'axis'."):
        tf.losses.cosine_distance(a, b)


def test_softmax_cross_entropy_with_label_smoothing_and_weights():
    logits = RNG.randn(6, 4).astype(np.float32)
    onehot = np.eye(4, dtype=np.float32)[RNG.randint(0, 4, 6)]
    weights = np.array([1.0, 0.0, 2.0, 1.0, 0.5, 0.0], np.float32)
    loss = tf.losses.softmax_cross_entropy(onehot, logits, weights=weights, label_smoothing=0.1)
    smoothed = onehot * 0.9 + 0.1 / 4
    per = -(smoothed * np.log(_softmax(logits))).sum(-1)
    np.testing.assert_allclose(_eval(loss), (per * weights).sum() / 4, rtol=1e-5)
    assert loss.op.name == "softmax_cross_entropy_loss/value"


def test_softmax_cross_entropy_has_no_gradient_into_labels():
    labels = tf.constant(np.eye(3, dtype=np.float32))
    loss = tf.losses.softmax_cross_entropy(labels, tf.constant(RNG.randn(3, 3), tf.float32))
    assert tf.gradients(loss, labels) == [None]


def test_sparse_softmax_cross_entropy_squeezes_a_trailing_label_dim():
    logits = RNG.randn(5, 7).astype(np.float32)
    labels = RNG.randint(0, 7, 5)
    per = -np.log(_softmax(logits)[np.arange(5), labels])
    flat = tf.losses.sparse_softmax_cross_entropy(labels.astype(np.int32), logits)
    column = tf.losses.sparse_softmax_cross_entropy(labels.reshape(5, 1).astype(np.int64),
                                                    logits, weights=np.ones((5, 1), np.float32))
    np.testing.assert_allclose(_eval(flat), per.mean(), rtol=1e-5)
    np.testing.assert_allclose(_eval(column), per.mean(), rtol=1e-5)


def test_sigmoid_cross_entropy_with_label_smoothing():
    logits = RNG.randn(4, 3).astype(np.float32)
    labels = (RNG.rand(4, 3) > 0.5).astype(np.float32)
    loss = tf.losses.sigmoid_cross_entropy(labels, logits, label_smoothing=0.2)
    z = labels * 0.8 + 0.1
    per = np.maximum(logits, 0) - logits * z + np.log1p(np.exp(-np.abs(logits)))
    np.testing.assert_allclose(_eval(loss), per.mean(), rtol=1e-5)


def test_float64_losses_come_back_as_float64():
    loss = tf.losses.sigmoid_cross_entropy(np.ones((2, 2)), np.zeros((2, 2)))
    assert loss.dtype == tf.float64
    np.testing.assert_allclose(_eval(loss), np.log(2.0), rtol=1e-6)


def test_compute_weighted_loss_and_collections():
    losses = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    a = tf.losses.compute_weighted_loss(losses, weights=[[1.0], [0.0]])
    b = tf.losses.compute_weighted_loss(losses, loss_collection=None)
    assert _eval(a) == pytest.approx(1.5) and _eval(b) == pytest.approx(2.5)
    assert tf.losses.get_losses() == [a]
    assert tf.get_collection(tf.GraphKeys.LOSSES) == [a]
    with pytest.raises(ValueError, match="Invalid Reduction Key"):
        tf.losses.compute_weighted_loss(losses, reduction="mean")
    with pytest.raises(ValueError, match="weights can not be broadcast to values"):
        tf.losses.compute_weighted_loss(losses, weights=[1.0, 2.0, 3.0])


def test_add_loss_and_scoped_get_losses():
    with tf.name_scope("tower"):
        first = tf.losses.absolute_difference(LABELS, PREDS)
    second = tf.constant(2.0)
    tf.losses.add_loss(second)
    assert tf.losses.get_losses() == [first, second]
    assert tf.losses.get_losses(scope="tower") == [first]


def test_total_loss_adds_regularization_losses():
    w = tf.get_variable("w", [3], initializer=tf.constant_initializer([1.0, 2.0, 3.0]),
                        regularizer=tf.contrib.layers.l2_regularizer(0.5))
    assert _eval(tf.losses.get_regularization_loss()) == pytest.approx(0.5 * 14 / 2)
    data = tf.losses.mean_squared_error(tf.zeros([3]), w)
    total = tf.losses.get_total_loss()
    without = tf.losses.get_total_loss(add_regularization_losses=False, name="data_only")
    assert total.op.name == "total_loss" and without.op.name == "data_only"
    assert _eval(total) == pytest.approx(14 / 3 + 3.5, rel=1e-6)
    assert _eval(without) == pytest.approx(_eval(data))


def test_regularization_loss_is_zero_without_regularizers_and_total_loss_needs_a_loss():
    assert _eval(tf.losses.get_regularization_loss()) == 0.0
    with pytest.raises(ValueError, match="No losses found"):
        tf.losses.get_total_loss()


def test_missing_arguments_and_incompatible_shapes():
    with pytest.raises(ValueError, match="labels must not be None."):
        tf.losses.mean_squared_error(None, PREDS)
    with pytest.raises(ValueError):
        tf.losses.mean_squared_error(LABELS, PREDS[:, :2])
