"""Ops about shapes: Shape, Size, Rank, Reshape, BroadcastTo and SumToShape (used by gradients)."""
import numpy as np

from ..graph import dtypes
from ..graph.constant import constant_value, convert_to_tensor, partial_shape_value
from ..graph.registry import NotDifferentiable, register_op
from ..graph.shapes import TensorShape, broadcast_dims


def _out_type_dtype(inputs, attrs):
    return attrs["out_type"]


SHAPE = register_op("Shape", shape=lambda x, out_type: [x.shape.ndims],
                    kernel=lambda xp, x, out_type: xp.asarray(x.shape, dtype=out_type.np),
                    dtype=_out_type_dtype, differentiable=False)
SIZE = register_op("Size", shape=lambda x, out_type: (),
                   kernel=lambda xp, x, out_type: xp.asarray(x.size, dtype=out_type.np),
                   dtype=_out_type_dtype, differentiable=False)
RANK = register_op("Rank", shape=lambda x: (), kernel=lambda xp, x: xp.asarray(x.ndim, np.int32),
                   dtype=dtypes.int32, differentiable=False)


def shape(input, name=None, out_type=dtypes.int32):  # noqa: A002 - TF's argument name
    """The shape of `input` as a 1-D int tensor (TF1 `tf.shape`)."""
    return SHAPE(input, out_type=dtypes.as_dtype(out_type), name=name)


def size(input, name=None, out_type=dtypes.int32):  # noqa: A002
    """The number of elements of `input` (TF1 `tf.size`)."""
    return SIZE(input, out_type=dtypes.as_dtype(out_type), name=name)


def rank(input, name=None):  # noqa: A002
    """The number of dimensions of `input` (TF1 `tf.rank`)."""
    return RANK(input, name=name)


def _reshape_shape(tensor, shape):
    target = partial_shape_value(shape)
    dims = target.as_tuple()
    if dims is None:
        return target
    known = tensor.shape.num_elements()
    if dims.count(None) == 1 and known is not None and constant_value(shape) is not None:
        rest = int(np.prod([d for d in dims if d is not None]))
        if rest == 0 or known % rest:
            raise ValueError(f"Cannot reshape a tensor with {known} elements to shape "
                             f"{list(np.reshape(constant_value(shape), -1))}")
        dims = tuple(known // rest if d is None else d for d in dims)
    elif None not in dims and known is not None and int(np.prod(dims)) != known:
        raise ValueError(f"Cannot reshape a tensor with {known} elements to shape {list(dims)}")
    return TensorShape(dims)


def _reshape_grad(op, grad):
    return [reshape(grad, shape(op.inputs[0])), None]


RESHAPE = register_op("Reshape", shape=_reshape_shape, grad=_reshape_grad, same_dtype=False,
                      kernel=lambda xp, x, s: xp.reshape(x, tuple(int(d) for d in s)))


def reshape(tensor, shape, name=None):  # noqa: F811 - TF's argument name
    """`tensor` with the given shape; one dim may be -1 (TF1 `tf.reshape`)."""
    return RESHAPE(tensor, convert_to_tensor(shape, dtype=dtypes.int32), name=name)


def _broadcast_to_shape(x, s):
    return TensorShape(broadcast_dims(x.shape.as_tuple(), partial_shape_value(s).as_tuple()))


def _broadcast_to_grad(op, grad):
    return [sum_to(grad, shape(op.inputs[0])), None]


BROADCAST_TO = register_op(
    "BroadcastTo", shape=_broadcast_to_shape, grad=_broadcast_to_grad, same_dtype=False,
    kernel=lambda xp, x, s: xp.broadcast_to(x, tuple(int(d) for d in s)))


def broadcast_to(input, shape, name=None):  # noqa: A002
    """`input` broadcast to `shape` by NumPy rules (TF `tf.broadcast_to`)."""
    return BROADCAST_TO(input, convert_to_tensor(shape, dtype=dtypes.int32), name=name)


def _sum_to_kernel(xp, g, s):
    s = tuple(int(d) for d in s)
    lead = g.ndim - len(s)
    axes = tuple(range(lead)) + tuple(i + lead for i, d in enumerate(s)
                                      if d == 1 and g.shape[i + lead] != 1)
    if axes:
        g = xp.sum(g, axis=axes, keepdims=True, dtype=g.dtype)
    return xp.reshape(g, s)


def _sum_to_grad(op, grad):
    return [broadcast_to(grad, shape(op.inputs[0])), None]


SUM_TO_SHAPE = register_op("SumToShape", shape=lambda g, s: partial_shape_value(s),
                           kernel=_sum_to_kernel, grad=_sum_to_grad, same_dtype=False)


def sum_to(grad, target_shape, name=None):
    """Sums `grad` over the dims that broadcasting added to reach it from `target_shape`."""
    return SUM_TO_SHAPE(grad, target_shape, name=name)


NotDifferentiable("Shape")


def _reduced_shape_kernel(xp, s, axis):
    out = xp.array(s, copy=True)
    out[list(range(len(s))) if axis is None else list(axis)] = 1
    return out


REDUCED_SHAPE = register_op(
    "ReducedShape", shape=lambda s, axis: s.shape, kernel=_reduced_shape_kernel,
    differentiable=False)


def reduced_shape(input_shape, axis):
    """`input_shape` with the reduced `axis` set to 1 (what keepdims=True gives)."""
    return REDUCED_SHAPE(input_shape, axis=axis)

__all__ = ["shape", "size", "rank", "reshape", "broadcast_to"]
