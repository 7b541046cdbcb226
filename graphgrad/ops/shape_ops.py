"""Ops about shapes: Shape, ShapeN, Size, Rank, Reshape, ExpandDims, Squeeze, BroadcastTo, and the
SumToShape/ReducedShape helpers gradients use. Slicing and joining live in array/indexing_ops."""
import numpy as np

from ..graph import dtypes
from ..graph.constant import constant_value, convert_to_tensor, partial_shape_value
from ..graph.registry import register_op
from ..graph.shapes import TensorShape, broadcast_dims


def static_ints(value, what):
    """`value` (an int, a list of ints or a tensor known at build time) as a list of ints."""
    if not isinstance(value, (int, np.integer, list, tuple, np.ndarray)):
        value = constant_value(value)
        if value is None:
            raise ValueError(f"graphgrad needs `{what}` known when the graph is built "
                             f"(a Python int or a constant), got a computed tensor.")
    return [int(v) for v in np.reshape(np.asarray(value), (-1,))]


def static_int(value, what):
    """`value` (an int or a scalar tensor known at build time) as an int."""
    values = static_ints(value, what)
    if len(values) != 1:
        raise ValueError(f"`{what}` must be a scalar, got {values}")
    return values[0]


def partial_ints(tensor):
    """A 1-D int tensor's elements known at build time (None where computed), or None when
    even its length is unknown. Unlike `partial_shape_value`, negative values are kept."""
    value = constant_value(tensor)
    if value is not None:
        return [int(v) for v in np.reshape(value, (-1,))]
    op = tensor.op
    if op.type == "Pack" and op.attrs.get("axis", 0) == 0:
        out = []
        for t in op.inputs:
            v = constant_value(t)
            out.append(None if v is None or np.ndim(v) else int(v))
        return out
    dims = tensor.shape.as_tuple()
    if dims is None or len(dims) != 1 or dims[0] is None:
        return None
    return [None] * dims[0]


def _out_type_dtype(inputs, attrs):
    return attrs["out_type"]


SHAPE = register_op("Shape", shape=lambda x, out_type: [x.shape.ndims],
                    kernel=lambda xp, x, out_type: xp.asarray(x.shape, dtype=out_type.np),
                    dtype=_out_type_dtype, differentiable=False)
SHAPE_N = register_op(
    "ShapeN", shape=lambda *xs, N, out_type: [[x.shape.ndims] for x in xs],
    kernel=lambda xp, *xs, N, out_type: tuple(xp.asarray(x.shape, dtype=out_type.np)
                                              for x in xs),
    num_outputs=lambda a: a["N"], dtype=_out_type_dtype, same_dtype=False,
    differentiable=False)
SIZE = register_op("Size", shape=lambda x, out_type: (),
                   kernel=lambda xp, x, out_type: xp.asarray(x.size, dtype=out_type.np),
                   dtype=_out_type_dtype, differentiable=False)
RANK = register_op("Rank", shape=lambda x: (), kernel=lambda xp, x: xp.asarray(x.ndim, np.int32),
                   dtype=dtypes.int32, differentiable=False)


def shape(input, name=None, out_type=dtypes.int32):  # noqa: A002 - TF's argument name
    """The shape of `input` as a 1-D int tensor (TF1 `tf.shape`)."""
    return SHAPE(input, out_type=dtypes.as_dtype(out_type), name=name)


def shape_n(input, out_type=dtypes.int32, name=None):  # noqa: A002
    """The shapes of a list of tensors, one 1-D int tensor each (TF1 `tf.shape_n`)."""
    inputs = [convert_to_tensor(x) for x in input]
    return SHAPE_N(*inputs, N=len(inputs), out_type=dtypes.as_dtype(out_type), name=name)


def size(input, name=None, out_type=dtypes.int32):  # noqa: A002
    """The number of elements of `input` (TF1 `tf.size`)."""
    return SIZE(input, out_type=dtypes.as_dtype(out_type), name=name)


def rank(input, name=None):  # noqa: A002
    """The number of dimensions of `input` (TF1 `tf.rank`)."""
    return RANK(input, name=name)


def _count(dims):
    return int(np.prod([d for d in dims if d is not None], dtype=np.int64))


def _reshape_shape(tensor, shape):
    dims = partial_shape_value(shape).as_tuple()
    if dims is None:
        return TensorShape(None)
    in_dims = tensor.shape.as_tuple()
    out_unknown = [i for i, d in enumerate(dims) if d is None]
    in_unknown = None if in_dims is None else [i for i, d in enumerate(in_dims) if d is None]
    if in_unknown is None or len(out_unknown) > 1 or len(in_unknown) > 1:
        return TensorShape(dims)
    known_in, known_out = _count(in_dims), _count(dims)
    mismatch = f"Cannot reshape a tensor with {known_in} elements to shape " \
               f"{TensorShape(dims).short()} ({known_out} elements)"
    if not in_unknown and not out_unknown and known_in != known_out:
        raise ValueError(mismatch)
    if not in_unknown and out_unknown and known_out > 0:
        if known_in % known_out:
            raise ValueError(mismatch)
        i = out_unknown[0]
        dims = dims[:i] + (known_in // known_out,) + dims[i + 1:]
    elif in_unknown and not out_unknown and known_in and known_out % known_in:
        raise ValueError(mismatch)
    return TensorShape(dims)


def _reshape_grad(op, grad):
    return [reshape(grad, shape(op.inputs[0])), None]


RESHAPE = register_op("Reshape", shape=_reshape_shape, grad=_reshape_grad, same_dtype=False,
                      kernel=lambda xp, x, s: xp.reshape(x, tuple(int(d) for d in s)))


def reshape(tensor, shape, name=None):  # noqa: F811 - TF's argument name
    """`tensor` with the given shape; one dim may be -1 (TF1 `tf.reshape`)."""
    return RESHAPE(tensor, convert_to_tensor(shape, preferred_dtype=dtypes.int32), name=name)


def _expand_dims_shape(x, axis):
    dims = x.shape.as_tuple()
    if dims is None:
        return TensorShape(None)
    if not -len(dims) - 1 <= axis <= len(dims):
        raise ValueError(f"Tried to expand dim index {axis} for tensor with {len(dims)} "
                         f"dimensions.")
    axis %= len(dims) + 1
    return TensorShape(dims[:axis] + (1,) + dims[axis:])


EXPAND_DIMS = register_op(
    "ExpandDims", shape=_expand_dims_shape,
    kernel=lambda xp, x, axis: xp.expand_dims(x, axis),
    grad=lambda op, grad: [reshape(grad, shape(op.inputs[0]))])


def expand_dims(input, axis=None, name=None, dim=None):  # noqa: A002
    """`input` with a size-1 dim inserted at `axis` (old name `dim`) (TF1 `tf.expand_dims`)."""
    if dim is not None:
        if axis is not None:
            raise ValueError("Cannot specify both 'axis' and 'dim'")
        axis = dim
    if axis is None:
        raise ValueError("Must specify an axis argument to tf.expand_dims()")
    return EXPAND_DIMS(input, axis=static_int(axis, "axis"), name=name)


def _squeeze_shape(x, squeeze_dims):
    dims = x.shape.as_tuple()
    if dims is None:
        return TensorShape(None)
    if not squeeze_dims:
        if None in dims:
            return TensorShape(None)  # an unknown dim may or may not be squeezed
        return TensorShape([d for d in dims if d != 1])
    wanted = set()
    for a in squeeze_dims:
        if not -len(dims) <= a < len(dims):
            raise ValueError(f"Tried to squeeze dim index {a} for tensor with {len(dims)} "
                             f"dimensions.")
        a %= len(dims)
        if dims[a] is not None and dims[a] != 1:
            raise ValueError(f"Can not squeeze dim[{a}], expected a dimension of 1, got "
                             f"{dims[a]}")
        wanted.add(a)
    return TensorShape([d for i, d in enumerate(dims) if i not in wanted])


def _squeeze_kernel(xp, x, squeeze_dims):
    return xp.squeeze(x, axis=tuple(squeeze_dims) if squeeze_dims else None)


SQUEEZE = register_op("Squeeze", shape=_squeeze_shape, kernel=_squeeze_kernel,
                      grad=lambda op, grad: [reshape(grad, shape(op.inputs[0]))])


def squeeze(input, axis=None, name=None, squeeze_dims=None):  # noqa: A002
    """`input` without its size-1 dims (only those in `axis`, old name `squeeze_dims`, when
    given) (TF1 `tf.squeeze`)."""
    if squeeze_dims is not None:
        if axis is not None:
            raise ValueError("Cannot specify both 'squeeze_dims' and 'axis'")
        axis = squeeze_dims
    axes = [] if axis is None else static_ints(axis, "axis")
    return SQUEEZE(input, squeeze_dims=tuple(axes), name=name)


def _broadcast_to_shape(x, s):
    return TensorShape(broadcast_dims(x.shape.as_tuple(), partial_shape_value(s).as_tuple()))


def _broadcast_to_grad(op, grad):
    return [sum_to(grad, shape(op.inputs[0])), None]


BROADCAST_TO = register_op(
    "BroadcastTo", shape=_broadcast_to_shape, grad=_broadcast_to_grad, same_dtype=False,
    kernel=lambda xp, x, s: xp.broadcast_to(x, tuple(int(d) for d in s)))


def broadcast_to(input, shape, name=None):  # noqa: A002
    """`input` broadcast to `shape` by NumPy rules (TF `tf.broadcast_to`)."""
    return BROADCAST_TO(input, convert_to_tensor(shape, preferred_dtype=dtypes.int32), name=name)


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


__all__ = ["broadcast_to", "expand_dims", "rank", "reshape", "shape", "shape_n", "size",
           "squeeze"]
