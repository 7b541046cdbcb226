"""`tf.contrib.layers` regularizers: callables weights -> scalar loss tensor (or None)."""
import numbers

from ...graph.constant import constant, convert_to_tensor
from ...graph.default import add_to_collection, get_collection, name_scope
from ...graph.graph import GraphKeys
from ...ops.math_ops import abs, add_n, multiply, reduce_sum
from ...ops.nn_loss_ops import l2_loss


def _checked_scale(scale, what="scale"):
    if isinstance(scale, numbers.Integral):
        raise ValueError(f"{what} cannot be an integer: {scale}")
    if isinstance(scale, numbers.Real) and scale < 0.:
        raise ValueError(f"Setting a scale less than 0 on a regularizer: {scale:g}")
    return scale


def _regularizer(scale, scope, default_name, penalty):
    _checked_scale(scale)
    if isinstance(scale, numbers.Real) and scale == 0.:
        return lambda _: None  # TF1: a scale of 0 disables the regularizer.

    def regularize(weights, name=None):
        with name_scope(scope, default_name, [weights]) as name:
            my_scale = convert_to_tensor(scale, dtype=weights.dtype.base_dtype, name="scale")
            return multiply(my_scale, penalty(weights), name=name)

    return regularize


def l1_regularizer(scale, scope=None):
    """weights -> scale * sum(|weights|) (TF1 `tf.contrib.layers.l1_regularizer`)."""
    return _regularizer(scale, scope, "l1_regularizer", lambda w: reduce_sum(abs(w)))


def l2_regularizer(scale, scope=None):
    """weights -> scale * sum(weights ** 2) / 2 (TF1 `tf.contrib.layers.l2_regularizer`)."""
    return _regularizer(scale, scope, "l2_regularizer", l2_loss)


def sum_regularizer(regularizer_list, scope=None):
    """The sum of several regularizers' outputs, None-safe (TF1 `sum_regularizer`)."""
    regularizer_list = [reg for reg in regularizer_list if reg is not None]
    if not regularizer_list:
        return None

    def sum_reg(weights):
        with name_scope(scope, "sum_regularizer", [weights]) as name:
            tensors = [t for t in (reg(weights) for reg in regularizer_list) if t is not None]
            return add_n(tensors, name=name) if tensors else None

    return sum_reg


def l1_l2_regularizer(scale_l1=1.0, scale_l2=1.0, scope=None):
    """l1_regularizer(scale_l1) + l2_regularizer(scale_l2) (TF1 `l1_l2_regularizer`)."""
    _checked_scale(scale_l1, "scale_l1")
    _checked_scale(scale_l2, "scale_l2")
    scope = scope or "l1_l2_regularizer"
    if scale_l1 == 0.:
        return l2_regularizer(scale_l2, scope)
    if scale_l2 == 0.:
        return l1_regularizer(scale_l1, scope)
    return sum_regularizer([l1_regularizer(scale_l1), l2_regularizer(scale_l2)], scope=scope)


def apply_regularization(regularizer, weights_list=None):
    """The summed penalty of `regularizer` over `weights_list` (default: GraphKeys.WEIGHTS),
    added to REGULARIZATION_LOSSES (TF1 `tf.contrib.layers.apply_regularization`)."""
    if not weights_list:
        weights_list = get_collection(GraphKeys.WEIGHTS)
    if not weights_list:
        raise ValueError("No weights to regularize.")
    with name_scope("get_regularization_penalty", values=weights_list) as scope:
        penalties = [regularizer(w) for w in weights_list]
        penalties = [p if p is not None else constant(0.0) for p in penalties]
        for p in penalties:
            if p.shape.ndims != 0:
                raise ValueError("regularizer must return a scalar Tensor instead of a Tensor "
                                 f"with rank {p.shape.ndims}.")
        summed = add_n(penalties, name=scope)
        add_to_collection(GraphKeys.REGULARIZATION_LOSSES, summed)
        return summed
