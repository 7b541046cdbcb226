"""The fused, stable `tf.nn` losses: softmax / sparse softmax / sigmoid cross-entropy, plus
weighted cross-entropy, l2_loss and log_poisson_loss built from graph ops."""
import math

from ..graph import dtypes
from ..graph.constant import convert_to_tensor
from ..graph.default import name_scope
from ..graph.registry import register_op
from ..graph.shapes import TensorShape
from ..kernels import softmax as softmax_kernels
from .array_ops import stop_gradient, transpose, zeros_like
from .math_ops import abs as abs_
from .math_ops import add, exp, log, log1p, logical_and, sigmoid, where
from .nn_ops import LOG_SOFTMAX, SOFTMAX, relu, softmax_backprop
from .shape_ops import expand_dims


def _is_zero(t):
    # tf.gradients fills the unused outputs of a multi-output op with zeros_like.
    return t.op.type == "ZerosLike"


# --- softmax cross-entropy: one op giving the per-example loss and its backprop ---------------
def _xent_shape(logits, labels):
    merged = logits.shape.with_rank_at_least(1).merge_with(labels.shape)
    return [merged[:-1], merged]


def _xent_grad(op, grad_loss, grad_backprop):
    logits = op.inputs[0]
    loss_grad = expand_dims(grad_loss, -1)
    dlogits = loss_grad * op.outputs[1]
    dlabels = loss_grad * -LOG_SOFTMAX(logits)
    # The backprop output, softmax(logits) - labels, only gets a gradient in second derivatives.
    if not _is_zero(grad_backprop):
        dlogits = dlogits + softmax_backprop(SOFTMAX(logits), grad_backprop)
        dlabels = dlabels - grad_backprop
    return [dlogits, dlabels]


SOFTMAX_XENT = register_op("SoftmaxCrossEntropyWithLogits", shape=_xent_shape,
                           kernel=softmax_kernels.softmax_xent, grad=_xent_grad, num_outputs=2)


def _ensure_xent_args(fn, sentinel, labels, logits):
    if sentinel is not None:
        raise ValueError(f"Only call `{fn}` with named arguments (labels=..., logits=..., ...)")
    if labels is None or logits is None:
        raise ValueError("Both labels and logits must be provided.")


def _move_to_end(t, axis):
    rank = t.shape.ndims
    if axis == -1 or (rank is not None and axis == rank - 1):
        return t
    if rank is None:
        raise ValueError(f"Cross-entropy along axis {axis} needs the rank of {t.name} known.")
    axis %= rank
    return transpose(t, [i for i in range(rank) if i != axis] + [axis])


def softmax_cross_entropy_with_logits_v2(labels, logits, axis=None, name=None, dim=None):
    """Per-example -sum(labels * log_softmax(logits)) along `axis` (alias `dim`), computed
    stably in one op; gradients flow into both logits and labels (TF1
    `tf.nn.softmax_cross_entropy_with_logits_v2`). Rows of `labels` should be distributions."""
    axis = -1 if axis is None and dim is None else (dim if axis is None else axis)
    with name_scope(name, "softmax_cross_entropy_with_logits", [logits, labels]) as name:
        logits = convert_to_tensor(logits)
        labels = convert_to_tensor(labels, preferred_dtype=logits.dtype)
        if logits.shape.ndims == 0:
            raise ValueError(f"logits must have rank >= 1, got the scalar {logits.name}.")
        loss, _ = SOFTMAX_XENT(_move_to_end(logits, axis), _move_to_end(labels, axis),
                               name=name)
        return loss


def softmax_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None, dim=-1,
                                      name=None, axis=None):
    """Like `softmax_cross_entropy_with_logits_v2`, but no gradient flows into `labels`
    (TF1 `tf.nn.softmax_cross_entropy_with_logits`, deprecated there the same way)."""
    _ensure_xent_args("softmax_cross_entropy_with_logits", _sentinel, labels, logits)
    with name_scope(name, "softmax_cross_entropy_with_logits_sg", [logits, labels]) as name:
        labels = stop_gradient(labels, name="labels_stop_gradient")
        return softmax_cross_entropy_with_logits_v2(
            labels=labels, logits=logits, axis=dim if axis is None else axis, name=name)


# --- sparse softmax cross-entropy: integer class labels ---------------------------------------
def _sparse_xent_shape(logits, labels):
    logits_shape = logits.shape.with_rank_at_least(1)
    if logits_shape.ndims is not None and labels.shape.ndims is not None \
            and labels.shape.ndims != logits_shape.ndims - 1:
        raise ValueError(f"Rank mismatch: Rank of labels (received {labels.shape.ndims}) should "
                         f"equal rank of logits minus 1 (received {logits_shape.ndims}).")
    batch = labels.shape.merge_with(logits_shape[:-1])
    return [batch, batch.concatenate(logits_shape[-1:])]


def _sparse_xent_grad(op, grad_loss, grad_backprop):
    logits = op.inputs[0]
    dlogits = expand_dims(grad_loss, -1) * op.outputs[1]
    if not _is_zero(grad_backprop):
        dlogits = dlogits + softmax_backprop(SOFTMAX(logits), grad_backprop)
    return [dlogits, None]


SPARSE_SOFTMAX_XENT = register_op(
    "SparseSoftmaxCrossEntropyWithLogits", shape=_sparse_xent_shape,
    kernel=softmax_kernels.sparse_softmax_xent, grad=_sparse_xent_grad, num_outputs=2,
    same_dtype=False, dtype=lambda inputs, attrs: [inputs[0].dtype] * 2)


def sparse_softmax_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None,
                                             name=None):
    """Per-example -log_softmax(logits)[label] for int class `labels` of shape
    logits.shape[:-1] (TF1 `tf.nn.sparse_softmax_cross_entropy_with_logits`). A label outside
    [0, num_classes) raises InvalidArgumentError when run."""
    _ensure_xent_args("sparse_softmax_cross_entropy_with_logits", _sentinel, labels, logits)
    with name_scope(name, "SparseSoftmaxCrossEntropyWithLogits", [labels, logits]) as name:
        logits = convert_to_tensor(logits)
        labels = convert_to_tensor(labels)
        if labels.dtype not in (dtypes.int32, dtypes.int64):
            raise TypeError(f"labels must be int32 or int64, got {labels.dtype.name} "
                            f"({labels.name}); use softmax_cross_entropy_with_logits for "
                            "probability labels.")
        loss, _ = SPARSE_SOFTMAX_XENT(logits, labels, name=name)
        return loss


# --- sigmoid cross-entropy ------------------------------------------------------------------
def _same_shapes(logits, labels):
    if not logits.shape.is_compatible_with(labels.shape):
        raise ValueError(f"logits and labels must have the same shape ({logits.shape} vs "
                         f"{labels.shape})")
    return logits.shape.merge_with(labels.shape)


SIGMOID_XENT = register_op(
    "SigmoidCrossEntropyWithLogits", shape=_same_shapes, kernel=softmax_kernels.sigmoid_xent,
    grad=lambda op, grad: [grad * (sigmoid(op.inputs[0]) - op.inputs[1]),
                           grad * -op.inputs[0]])


def sigmoid_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None, name=None):
    """Elementwise max(x, 0) - x * z + log(1 + exp(-|x|)) for logits x and labels z
    (TF1 `tf.nn.sigmoid_cross_entropy_with_logits`).
    Differs from TF: one fused op instead of a composite, same values and gradients."""
    _ensure_xent_args("sigmoid_cross_entropy_with_logits", _sentinel, labels, logits)
    with name_scope(name, "logistic_loss", [logits, labels]) as name:
        logits = convert_to_tensor(logits)
        return SIGMOID_XENT(logits, labels, name=name)


def weighted_cross_entropy_with_logits(labels=None, logits=None, pos_weight=None, name=None,
                                       targets=None):
    """Sigmoid cross-entropy with the positive term weighted by `pos_weight`: (1 - z) * x +
    (1 + (q - 1) * z) * log(1 + exp(-x)), stably (TF1 `tf.nn.weighted_cross_entropy_with_logits`,
    `targets` is the old name of `labels`)."""
    labels = targets if labels is None else labels
    with name_scope(name, "logistic_loss", [logits, labels]) as name:
        logits = convert_to_tensor(logits)
        labels = convert_to_tensor(labels, preferred_dtype=logits.dtype)
        _same_shapes(logits, labels)
        log_weight = 1 + (pos_weight - 1) * labels
        softplus_neg = log1p(exp(-abs_(logits))) + relu(-logits)
        return add((1 - labels) * logits, log_weight * softplus_neg, name=name)


# --- l2_loss and log_poisson_loss -------------------------------------------------------------
L2_LOSS = register_op(
    "L2Loss", shape=lambda t: TensorShape([]), grad=lambda op, grad: [grad * op.inputs[0]],
    kernel=lambda xp, t: xp.asarray(xp.sum(t * t) / 2, dtype=t.dtype))


def l2_loss(t, name=None):
    """sum(t ** 2) / 2, a scalar (TF1 `tf.nn.l2_loss`)."""
    return L2_LOSS(t, name=name)


def log_poisson_loss(targets, log_input, compute_full_loss=False, name=None):
    """exp(log_input) - log_input * targets; with `compute_full_loss` also the Stirling term
    for targets > 1 (TF1 `tf.nn.log_poisson_loss`)."""
    with name_scope(name, "log_poisson_loss", [log_input, targets]) as name:
        log_input = convert_to_tensor(log_input)
        targets = convert_to_tensor(targets, preferred_dtype=log_input.dtype)
        _same_shapes(log_input, targets)
        result = exp(log_input) - log_input * targets
        if not compute_full_loss:
            return result
        stirling = targets * log(targets) - targets + 0.5 * log(2 * math.pi * targets)
        small = logical_and(targets >= 0, targets <= 1)
        return add(result, where(small, zeros_like(targets), stirling), name=name)


__all__ = ["softmax_cross_entropy_with_logits", "softmax_cross_entropy_with_logits_v2",
           "sparse_softmax_cross_entropy_with_logits", "sigmoid_cross_entropy_with_logits",
           "weighted_cross_entropy_with_logits", "l2_loss", "log_poisson_loss"]
