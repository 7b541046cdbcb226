"""Comparisons, logical ops, casts and where (Select); re-exported by math_ops."""
from ..graph import dtypes
from ..graph.constant import convert_to_tensor
from ..graph.registry import register_op
from ..graph.shapes import TensorShape, broadcast_dims
from ..graph.tensor import Tensor
from .math_ops import ANY, REAL, binary_op, route_by_mask, same_shape, unary_op
from .shape_ops import reshape


# --- comparisons and logic ---------------------------------------------------------------------
def _compare(op_type, kernel, kinds=REAL):
    return binary_op(op_type, kernel, None, kinds, dtypes.bool)


# TF compares strings too ("O": tf.string's object arrays of bytes).
EQUAL = _compare("Equal", lambda xp, x, y: xp.equal(x, y), ANY + "O")
NOT_EQUAL = _compare("NotEqual", lambda xp, x, y: xp.not_equal(x, y), ANY + "O")
LESS = _compare("Less", lambda xp, x, y: xp.less(x, y))
LESS_EQUAL = _compare("LessEqual", lambda xp, x, y: xp.less_equal(x, y))
GREATER = _compare("Greater", lambda xp, x, y: xp.greater(x, y))
GREATER_EQUAL = _compare("GreaterEqual", lambda xp, x, y: xp.greater_equal(x, y))
LOGICAL_AND = _compare("LogicalAnd", lambda xp, x, y: xp.logical_and(x, y), "b")
LOGICAL_OR = _compare("LogicalOr", lambda xp, x, y: xp.logical_or(x, y), "b")
LOGICAL_NOT = unary_op("LogicalNot", lambda xp, x: xp.logical_not(x), None, "b")


def equal(x, y, name=None):
    """x == y elementwise, a bool tensor (TF1 `tf.equal`)."""
    return EQUAL(x, y, name=name)


def not_equal(x, y, name=None):
    """x != y elementwise (TF1 `tf.not_equal`)."""
    return NOT_EQUAL(x, y, name=name)


def less(x, y, name=None):
    """x < y elementwise (TF1 `tf.less`)."""
    return LESS(x, y, name=name)


def less_equal(x, y, name=None):
    """x <= y elementwise (TF1 `tf.less_equal`)."""
    return LESS_EQUAL(x, y, name=name)


def greater(x, y, name=None):
    """x > y elementwise (TF1 `tf.greater`)."""
    return GREATER(x, y, name=name)


def greater_equal(x, y, name=None):
    """x >= y elementwise (TF1 `tf.greater_equal`)."""
    return GREATER_EQUAL(x, y, name=name)


def _as_bool(x):
    return x if isinstance(x, Tensor) or hasattr(x, "_as_tensor") else \
        convert_to_tensor(x, dtype=dtypes.bool)


def logical_and(x, y, name=None):
    """x AND y for bool tensors (TF1 `tf.logical_and`)."""
    return LOGICAL_AND(_as_bool(x), _as_bool(y), name=name)


def logical_or(x, y, name=None):
    """x OR y for bool tensors (TF1 `tf.logical_or`)."""
    return LOGICAL_OR(_as_bool(x), _as_bool(y), name=name)


def logical_not(x, name=None):
    """NOT x for a bool tensor (TF1 `tf.logical_not`)."""
    return LOGICAL_NOT(_as_bool(x), name=name)


def logical_xor(x, y, name="LogicalXor"):
    """x XOR y for bool tensors, built as TF1 builds it (TF1 `tf.logical_xor`)."""
    return logical_and(logical_or(x, y), logical_not(logical_and(x, y)), name=name)


# --- casts and selection -----------------------------------------------------------------------
def _cast_grad(op, grad):
    x = op.inputs[0]
    if (x.dtype.is_floating or x.dtype.is_complex) and grad.dtype.is_floating:
        return [cast(grad, x.dtype)]
    return [None]


CAST = register_op("Cast", shape=same_shape, dtype=lambda i, a: a["DstT"], grad=_cast_grad,
                   kernel=lambda xp, x, DstT: xp.asarray(x).astype(DstT.np))


def cast(x, dtype, name=None):
    """`x` converted to `dtype` elementwise; floats to ints truncate toward zero (TF1 `tf.cast`).
    A tensor that already has `dtype` comes back unchanged, as in TF."""
    dtype = dtypes.as_dtype(dtype)
    x = convert_to_tensor(x)
    if x.dtype == dtype:
        return x
    return CAST(x, DstT=dtype, name=name or "Cast")


def to_float(x, name="ToFloat"):
    """cast(x, float32) (TF1 `tf.to_float`)."""
    return cast(x, dtypes.float32, name=name)


def to_double(x, name="ToDouble"):
    """cast(x, float64) (TF1 `tf.to_double`)."""
    return cast(x, dtypes.float64, name=name)


def to_int32(x, name="ToInt32"):
    """cast(x, int32) (TF1 `tf.to_int32`)."""
    return cast(x, dtypes.int32, name=name)


def to_int64(x, name="ToInt64"):
    """cast(x, int64) (TF1 `tf.to_int64`)."""
    return cast(x, dtypes.int64, name=name)


def _select_shape(c, x, y):
    return TensorShape(broadcast_dims(broadcast_dims(c.shape.as_tuple(), x.shape.as_tuple()),
                                      y.shape.as_tuple()))


def _select_grad(op, grad):
    c, x, y = op.inputs
    return [None] + route_by_mask(c, grad, x, y)


SELECT = register_op("Select", shape=_select_shape, kernel=lambda xp, c, x, y: xp.where(c, x, y),
                     grad=_select_grad, same_dtype=(1, 2), dtype=lambda i, a: i[1].dtype)


def where(condition, x=None, y=None, name=None):
    """Elementwise x where `condition` else y (TF1 `tf.where`, `tf.select`); with only
    `condition`, the coordinates of its true elements. A rank-1 condition picks whole rows
    (slices along dim 0) of higher-rank x and y, as TF1.

    Differs from TF: x, y and condition may also broadcast against each other (as where_v2).
    """
    if x is None and y is None:
        from .array_ops import where_indices
        return where_indices(condition, name=name)
    if x is None or y is None:
        raise ValueError("x and y must both be non-None or both be None.")
    c = _as_bool(condition)
    x = convert_to_tensor(x)
    y = convert_to_tensor(y, preferred_dtype=x.dtype)
    rank = x.shape.ndims
    if c.shape.ndims == 1 and rank is not None and rank > 1:
        c = reshape(c, [-1] + [1] * (rank - 1))
    return SELECT(c, x, y, name=name)


__all__ = ["equal", "not_equal", "less", "less_equal", "greater", "greater_equal", "logical_and",
           "logical_or", "logical_not", "logical_xor", "cast", "to_float", "to_double",
           "to_int32", "to_int64", "where"]
