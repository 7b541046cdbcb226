"""The `tf.losses` namespace (TF1): weighted, reduced losses that register themselves in
GraphKeys.LOSSES, and the loss and regularization-loss collections."""
from .graph import dtypes
from .graph.constant import convert_to_tensor
from .graph.default import add_to_collection, get_collection, name_scope
from .graph.graph import GraphKeys
from .ops.array_ops import ones_like, stop_gradient, zeros_like
from .ops.logic_ops import cast, equal, where
from .ops.math_ops import (
    abs,
    add,
    add_n,
    divide,
    log,
    minimum,
    multiply,
    reduce_sum,
    squared_difference,
    subtract,
)
from .ops.nn_loss_ops import (
    sigmoid_cross_entropy_with_logits,
    softmax_cross_entropy_with_logits_v2,
    sparse_softmax_cross_entropy_with_logits,
)
from .ops.nn_ops import relu
from .ops.shape_ops import shape, size, squeeze


class Reduction:
    """How compute_weighted_loss reduces the weighted losses (TF1 `tf.losses.Reduction`)."""

    NONE = "none"
    SUM = "weighted_sum"
    SUM_OVER_BATCH_SIZE = "weighted_sum_over_batch_size"
    MEAN = "weighted_mean"
    SUM_BY_NONZERO_WEIGHTS = "weighted_sum_by_nonzero_weights"
    SUM_OVER_NONZERO_WEIGHTS = SUM_BY_NONZERO_WEIGHTS

    @classmethod
    def all(cls):
        return (cls.NONE, cls.SUM, cls.MEAN, cls.SUM_OVER_BATCH_SIZE, cls.SUM_OVER_NONZERO_WEIGHTS,
                cls.SUM_BY_NONZERO_WEIGHTS)

    @classmethod
    def validate(cls, key):
        if key not in cls.all():
            raise ValueError(f"Invalid Reduction Key {key}.")


def _safe_div(total, count):
    """total / count, 0 where count is 0 (TF's div_no_nan), with finite gradients."""
    zero = equal(count, 0.0)
    return where(zero, zeros_like(total), divide(total, where(zero, ones_like(count), count)),
                 name="value")


def _check_broadcastable(weights, values):
    """TF1's rule: weights are a scalar or have the rank of values, each dim 1 or equal."""
    w, v = weights.shape.as_tuple(), values.shape.as_tuple()
    if w is None or v is None or len(w) == 0:
        return
    ok = len(w) == len(v) and all(a is None or b is None or a in (1, b) for a, b in zip(w, v))
    if not ok:
        raise ValueError(f"weights can not be broadcast to values. values.rank={len(v)}. "
                         f"weights.rank={len(w)}. values.shape={values.shape}. "
                         f"weights.shape={weights.shape}.")


def _num_present(losses, weights):
    if isinstance(weights, float) and weights != 0.0:
        return _num_elements(losses)
    with name_scope(None, "num_present", (losses, weights)) as scope:
        weights = cast(weights, dtypes.float32)
        present = where(equal(weights, 0.0), zeros_like(weights), ones_like(weights))
        present = present * ones_like(losses)
        return reduce_sum(present, name=scope)


def _num_elements(losses):
    with name_scope(None, "num_elements", values=[losses]) as scope:
        return cast(size(losses, name=scope), dtype=losses.dtype)


def compute_weighted_loss(losses, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
                          reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """losses * weights reduced by `reduction` (default: the sum over the number of nonzero
    weights, 0 when there are none), cast back to the losses' dtype and added to
    `loss_collection` (TF1 `tf.losses.compute_weighted_loss`). The sums run in float32, as TF1."""
    Reduction.validate(reduction)
    with name_scope(scope, "weighted_loss", (losses, weights)):
        losses = convert_to_tensor(losses)
        input_dtype = losses.dtype
        raw_weights = weights
        losses = cast(losses, dtypes.float32)
        weights = cast(convert_to_tensor(weights), dtypes.float32)
        _check_broadcastable(weights, losses)
        weighted = multiply(losses, weights)
        if reduction == Reduction.NONE:
            loss = weighted
        else:
            loss = reduce_sum(weighted)
            if reduction == Reduction.MEAN:
                loss = _safe_div(loss, reduce_sum(ones_like(losses) * weights))
            elif reduction == Reduction.SUM_BY_NONZERO_WEIGHTS:
                loss = _safe_div(loss, _num_present(losses, raw_weights if isinstance(
                    raw_weights, float) else weights))
            elif reduction == Reduction.SUM_OVER_BATCH_SIZE:
                loss = _safe_div(loss, _num_elements(losses))
        loss = cast(loss, input_dtype)
        add_loss(loss, loss_collection)
        return loss


def _as_float_pair(labels, predictions):
    if labels is None:
        raise ValueError("labels must not be None.")
    if predictions is None:
        raise ValueError("predictions must not be None.")
    predictions = cast(predictions, dtypes.float32)
    labels = cast(labels, dtypes.float32)
    predictions.shape.assert_is_compatible_with(labels.shape)
    return labels, predictions


def absolute_difference(labels, predictions, weights=1.0, scope=None,
                        loss_collection=GraphKeys.LOSSES,
                        reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """|predictions - labels|, weighted and reduced (TF1 `tf.losses.absolute_difference`)."""
    with name_scope(scope, "absolute_difference", (predictions, labels, weights)) as scope:
        labels, predictions = _as_float_pair(labels, predictions)
        losses = abs(subtract(predictions, labels))
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def mean_squared_error(labels, predictions, weights=1.0, scope=None,
                       loss_collection=GraphKeys.LOSSES,
                       reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """(predictions - labels)**2, weighted and reduced (TF1 `tf.losses.mean_squared_error`)."""
    with name_scope(scope, "mean_squared_error", (predictions, labels, weights)) as scope:
        labels, predictions = _as_float_pair(labels, predictions)
        losses = squared_difference(predictions, labels)
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def log_loss(labels, predictions, weights=1.0, epsilon=1e-7, scope=None,
             loss_collection=GraphKeys.LOSSES, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """-y log(p + eps) - (1 - y) log(1 - p + eps) (TF1 `tf.losses.log_loss`)."""
    with name_scope(scope, "log_loss", (predictions, labels, weights)) as scope:
        labels, predictions = _as_float_pair(labels, predictions)
        losses = -multiply(labels, log(predictions + epsilon)) - multiply(
            (1 - labels), log(1 - predictions + epsilon))
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def hinge_loss(labels, logits, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
               reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """relu(1 - (2 * labels - 1) * logits) for 0/1 labels (TF1 `tf.losses.hinge_loss`)."""
    if labels is None:
        raise ValueError("labels must not be None.")
    if logits is None:
        raise ValueError("logits must not be None.")
    with name_scope(scope, "hinge_loss", (logits, labels, weights)) as scope:
        labels, logits = _as_float_pair(labels, logits)
        all_ones = ones_like(labels)
        labels = subtract(2 * labels, all_ones)
        losses = relu(subtract(all_ones, multiply(labels, logits)))
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def huber_loss(labels, predictions, weights=1.0, delta=1.0, scope=None,
               loss_collection=GraphKeys.LOSSES, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """0.5 x**2 for |x| <= delta, else delta * (|x| - 0.5 delta), x = predictions - labels
    (TF1 `tf.losses.huber_loss`)."""
    with name_scope(scope, "huber_loss", (predictions, labels, weights)) as scope:
        labels, predictions = _as_float_pair(labels, predictions)
        abs_error = abs(subtract(predictions, labels))
        quadratic = minimum(abs_error, delta)
        linear = subtract(abs_error, quadratic)
        losses = add(multiply(convert_to_tensor(0.5, dtype=quadratic.dtype),
                              multiply(quadratic, quadratic)), multiply(delta, linear))
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def cosine_distance(labels, predictions, axis=None, weights=1.0, scope=None,
                    loss_collection=GraphKeys.LOSSES, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS,
                    dim=None):
    """1 - sum(predictions * labels, axis) for unit-normalized inputs (TF1
    `tf.losses.cosine_distance`)."""
    axis = dim if axis is None else axis
    if axis is None:
        raise ValueError("You must specify 'axis'.")
    with name_scope(scope, "cosine_distance_loss", (predictions, labels, weights)) as scope:
        labels, predictions = _as_float_pair(labels, predictions)
        losses = 1 - reduce_sum(multiply(predictions, labels), axis=(axis,), keepdims=True)
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def sigmoid_cross_entropy(multi_class_labels, logits, weights=1.0, label_smoothing=0,
                          scope=None, loss_collection=GraphKeys.LOSSES,
                          reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Sigmoid cross-entropy; labels are smoothed towards 1/2 by `label_smoothing` (TF1
    `tf.losses.sigmoid_cross_entropy`)."""
    with name_scope(scope, "sigmoid_cross_entropy_loss",
                    (logits, multi_class_labels, weights)) as scope:
        logits = convert_to_tensor(logits)
        labels = cast(multi_class_labels, logits.dtype)
        logits.shape.assert_is_compatible_with(labels.shape)
        if label_smoothing > 0:
            labels = labels * (1 - label_smoothing) + 0.5 * label_smoothing
        losses = sigmoid_cross_entropy_with_logits(labels=labels, logits=logits, name="xentropy")
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def softmax_cross_entropy(onehot_labels, logits, weights=1.0, label_smoothing=0, scope=None,
                          loss_collection=GraphKeys.LOSSES,
                          reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Softmax cross-entropy per example (no gradient into the labels); labels are smoothed
    towards 1/num_classes by `label_smoothing` (TF1 `tf.losses.softmax_cross_entropy`)."""
    with name_scope(scope, "softmax_cross_entropy_loss",
                    (logits, onehot_labels, weights)) as scope:
        logits = convert_to_tensor(logits)
        labels = cast(onehot_labels, logits.dtype)
        logits.shape.assert_is_compatible_with(labels.shape)
        if label_smoothing > 0:
            num_classes = cast(shape(labels)[-1], logits.dtype)
            labels = labels * (1.0 - label_smoothing) + label_smoothing / num_classes
        labels = stop_gradient(labels, name="labels_stop_gradient")
        losses = softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits,
                                                      name="xentropy")
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def _squeeze_last_if(t, rank):
    dims = t.shape.as_tuple()
    if dims is not None and len(dims) == rank + 1 and dims[-1] in (1, None):
        return squeeze(t, [-1])
    return t


def sparse_softmax_cross_entropy(labels, logits, weights=1.0, scope=None,
                                 loss_collection=GraphKeys.LOSSES,
                                 reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Softmax cross-entropy with integer class labels; a trailing size-1 label (or weight)
    dimension is squeezed (TF1 `tf.losses.sparse_softmax_cross_entropy`)."""
    with name_scope(scope, "sparse_softmax_cross_entropy_loss",
                    (logits, labels, weights)) as scope:
        logits = convert_to_tensor(logits)
        labels = convert_to_tensor(labels)
        if logits.shape.ndims is not None:
            labels = _squeeze_last_if(labels, logits.shape.ndims - 1)
        losses = sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits,
                                                          name="xentropy")
        if not isinstance(weights, float) and losses.shape.ndims is not None:
            weights = _squeeze_last_if(convert_to_tensor(weights), losses.shape.ndims)
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def add_loss(loss, loss_collection=GraphKeys.LOSSES):
    """Adds `loss` to `loss_collection` (no-op for a falsy collection) (TF1
    `tf.losses.add_loss`)."""
    if loss_collection:
        add_to_collection(loss_collection, loss)


def get_losses(scope=None, loss_collection=GraphKeys.LOSSES):
    return get_collection(loss_collection, scope)


def get_regularization_losses(scope=None):
    return get_collection(GraphKeys.REGULARIZATION_LOSSES, scope)


def get_regularization_loss(scope=None, name="total_regularization_loss"):
    """The sum of the regularization losses, or 0.0 when there are none."""
    losses = get_regularization_losses(scope)
    if losses:
        return add_n(losses, name=name)
    return convert_to_tensor(0.0)


def get_total_loss(add_regularization_losses=True, name="total_loss", scope=None):
    """The sum of get_losses() and, by default, the regularization losses (TF1
    `tf.losses.get_total_loss`); an error when there are none."""
    losses = get_losses(scope=scope)
    if add_regularization_losses:
        losses += get_regularization_losses(scope=scope)
    if not losses:
        raise ValueError("No losses found: get_total_loss needs at least one loss in "
                         "GraphKeys.LOSSES or GraphKeys.REGULARIZATION_LOSSES.")
    return add_n(losses, name=name)

