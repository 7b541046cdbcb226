"""Reductions whose axis is a tensor computed in the graph (DynamicSum ... DynamicAny, input 1 the
axis): what reduce_* build when the axis is not known while building, and what a TF reduction
whose axis input is not a constant imports as (TF's own gradient graphs reduce over
BroadcastGradientArgs' output). The static forms in reduction_ops stay the fast path."""
import numpy as np

from ..graph import dtypes
from ..graph.constant import constant_value
from ..graph.registry import register_op
from ..graph.shapes import TensorShape
from ..kernels import stitch as kernels
from .logic_ops import cast, equal, logical_and, where
from .math_ops import NUMERIC, REAL, dtype_rule, floormod, maximum, ones_like_, zeros_like_
from .sequence_ops import range as range_
from .shape_ops import broadcast_to, reshape, shape, size
from .stitch_ops import dynamic_stitch


def _dynamic_reduce_shape(x, axis, keepdims):
    if axis.shape.ndims not in (None, 0, 1):
        raise ValueError(f"The reduction axis must be a scalar or 1-D, but is rank "
                         f"{axis.shape.ndims}")
    dims, value = x.shape.as_tuple(), constant_value(axis)
    if dims is None:
        return TensorShape(None)
    if value is not None:
        reduced = set()
        for a in np.reshape(value, (-1,)).tolist():
            if not -len(dims) <= a < len(dims):
                raise ValueError(f"Invalid reduction dimension {a} for input with {len(dims)} "
                                 "dimensions")
            reduced.add(a % len(dims))
        return TensorShape([1 if i in reduced else d for i, d in enumerate(dims) if keepdims or
                            i not in reduced])
    if keepdims:
        return TensorShape([1 if d == 1 else None for d in dims])
    count = axis.shape.num_elements()
    if count is None:
        return TensorShape(None)
    if count > len(dims):
        raise ValueError(f"Cannot reduce {count} dimensions of an input with {len(dims)}")
    # TF refuses a repeated axis at run time: `count` distinct dims go.
    return TensorShape([d if count == 0 else None for d in dims[count:]])


def kept_shape(x, axis):
    """The shape a reduction of `x` over the runtime `axis` has with keepdims, as a tensor: the
    input's with the reduced dims set to 1 (TF's reduced_shape, by DynamicStitch)."""
    dims = shape(x)
    rank = size(dims)
    axis = floormod(reshape(cast(axis, dtypes.int32), [-1]) + rank, maximum(rank, 1))
    return dynamic_stitch([range_(rank), axis], [dims, ones_like_(axis)])


def _kept(op, y):
    """`y` (the output or its gradient) in keepdims form."""
    return y if op.attrs["keepdims"] else reshape(y, kept_shape(*op.inputs))


def _spread(op, grad):
    """`grad` of the reduction broadcast back to the input's shape."""
    return broadcast_to(_kept(op, grad), shape(op.inputs[0]))


def _sum_grad(op, grad):
    return [_spread(op, grad), None]


def _mean_grad(op, grad):
    x, y = op.inputs[0], op.outputs[0]
    count = cast(size(x) // maximum(size(y), 1), grad.dtype)
    return [_spread(op, grad) / count, None]


def _extreme_grad(op, grad):
    x, axis = op.inputs
    # TF1 splits the gradient evenly between tied extremes.
    hits = cast(equal(x, _kept(op, op.outputs[0])), grad.dtype)
    count = DYNAMIC_SUM(hits, axis, keepdims=True)
    return [_spread(op, grad) * hits / count, None]


def _prod_grad(op, grad):
    x, axis = op.inputs
    # The product of the other reduced elements, exact where some are zero: the nonzero product
    # divided by x when no zero is reduced; that product at a lone zero; 0 beside two zeros.
    # (TF transposes the reduced dims together for exclusive cumprods, which needs the axis
    # while building; this form's second derivative is exact only away from zeros.)
    zero = equal(x, zeros_like_(x))
    safe = where(zero, ones_like_(x), x)
    dims = shape(x)
    nonzero = broadcast_to(DYNAMIC_PROD(safe, axis, keepdims=True), dims)
    zeros = broadcast_to(DYNAMIC_SUM(cast(zero, dtypes.int32), axis, keepdims=True), dims)
    lone = where(logical_and(zero, equal(zeros, 1)), nonzero, zeros_like_(x))
    others = where(equal(zeros, 0), nonzero / safe, lone)
    return [_spread(op, grad) * others, None]


def _axis_dtype(rule):
    def dtype(inputs, attrs):
        if inputs[1].dtype not in (dtypes.int32, dtypes.int64):
            raise TypeError(f"The reduction axis must be int32 or int64, got "
                            f"{inputs[1].dtype.name} ({inputs[1].name})")
        return rule(inputs, attrs)
    return dtype


def _dynamic(op_type, kernel, grad, kinds):
    return register_op(op_type, shape=_dynamic_reduce_shape, kernel=kernel, grad=grad,
                       dtype=_axis_dtype(dtype_rule(op_type, kinds)), same_dtype=False,
                       differentiable=grad is not None)


DYNAMIC_SUM = _dynamic("DynamicSum", kernels.reduce_sum, _sum_grad, NUMERIC)
DYNAMIC_MEAN = _dynamic("DynamicMean", kernels.reduce_mean, _mean_grad, NUMERIC)
DYNAMIC_MAX = _dynamic("DynamicMax", kernels.reduce_max, _extreme_grad, REAL)
DYNAMIC_MIN = _dynamic("DynamicMin", kernels.reduce_min, _extreme_grad, REAL)
DYNAMIC_PROD = _dynamic("DynamicProd", kernels.reduce_prod, _prod_grad, NUMERIC)
DYNAMIC_ALL = _dynamic("DynamicAll", kernels.reduce_all, None, "b")
DYNAMIC_ANY = _dynamic("DynamicAny", kernels.reduce_any, None, "b")
# TF's reduction op type -> the graphgrad op that takes its axis as an input.
DYNAMIC_REDUCTIONS = {"Sum": DYNAMIC_SUM, "Mean": DYNAMIC_MEAN, "Max": DYNAMIC_MAX,
                      "Min": DYNAMIC_MIN, "Prod": DYNAMIC_PROD, "All": DYNAMIC_ALL,
                      "Any": DYNAMIC_ANY}
