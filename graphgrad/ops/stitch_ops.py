"""DynamicStitch (TF1 `tf.dynamic_stitch`) and BroadcastGradientArgs, the index ops TF's own
gradient graphs are made of (reduce_sum's gradient stitches the kept shape; a broadcasting binary
op's gradient sums over BroadcastGradientArgs' indices)."""
import numpy as np

from ..graph import dtypes
from ..graph.constant import constant_value, convert_to_tensor
from ..graph.registry import NotDifferentiable, register_op
from ..graph.shapes import TensorShape
from ..kernels import stitch as kernels
from .indexing_ops import gather


def _int_inputs(tensors, what):
    for t in tensors:
        if t.dtype not in (dtypes.int32, dtypes.int64):
            raise TypeError(f"{what} must be int32 or int64, got {t.dtype.name} ({t.name})")


def _stitch_shape(*inputs, N):
    indices, data = inputs[:N], inputs[N:]
    values = [constant_value(i) for i in indices]
    size = None
    if all(v is not None for v in values):
        size = max((int(v.max()) + 1 for v in values if v.size), default=0)
    inner = TensorShape(None)
    for idx, d in zip(indices, data):
        rank = idx.shape.ndims
        if rank is None or d.shape.ndims is None:
            continue
        d.shape.with_rank_at_least(rank)
        if not TensorShape(d.shape.as_tuple()[:rank]).is_compatible_with(idx.shape):
            raise ValueError(f"Dimensions of data {d.shape} must start with the indices' "
                             f"shape {idx.shape}")
        inner = inner.merge_with(TensorShape(d.shape.as_tuple()[rank:]))
    if inner.ndims is None:
        return TensorShape(None)
    return TensorShape([size] + list(inner.as_tuple()))


def _stitch_dtype(inputs, attrs):
    n = attrs["N"]
    _int_inputs(inputs[:n], "DynamicStitch indices")
    for d in inputs[n + 1:]:
        if d.dtype != inputs[n].dtype:
            raise TypeError(f"DynamicStitch data must share one dtype: {inputs[n].dtype.name} "
                            f"and {d.dtype.name} ({d.name})")
    return inputs[n].dtype


def _stitch_grad(op, grad):
    # As TF1: each data input gets the gradient at its indices (a duplicated index, whose value
    # the stitch overwrote, gets it too).
    n = op.attrs["N"]
    return [None] * n + [gather(grad, idx) for idx in op.inputs[:n]]


DYNAMIC_STITCH = register_op("DynamicStitch", shape=_stitch_shape, kernel=kernels.dynamic_stitch,
                             dtype=_stitch_dtype, same_dtype=False, grad=_stitch_grad)


def dynamic_stitch(indices, data, name=None):
    """One tensor from `data` placed at `indices`: merged[indices[m][i, ...], ...] =
    data[m][i, ...]; where indices repeat, the later list wins (TF1 `tf.dynamic_stitch`)."""
    if len(indices) != len(data) or not indices:
        raise ValueError(f"dynamic_stitch needs as many index tensors as data tensors (at least "
                         f"one), got {len(indices)} and {len(data)}")
    indices = [convert_to_tensor(i, preferred_dtype=dtypes.int32) for i in indices]
    data = [convert_to_tensor(d) for d in data]
    return DYNAMIC_STITCH(*indices, *data, N=len(indices), name=name)


def _gradient_args_shape(s0, s1):
    for s in (s0, s1):
        if s.shape.ndims not in (None, 1):
            raise ValueError(f"Shape must be rank 1 but is rank {s.shape.ndims}")
    v0, v1 = constant_value(s0), constant_value(s1)
    if v0 is None or v1 is None:
        return [[None], [None]]
    r0, r1 = kernels.broadcast_gradient_args(np, np.asarray(v0), np.asarray(v1))
    return [[len(r0)], [len(r1)]]


def _gradient_args_dtype(inputs, attrs):
    _int_inputs(inputs, "BroadcastGradientArgs shapes")
    return [inputs[0].dtype, inputs[0].dtype]


BROADCAST_GRADIENT_ARGS = register_op(
    "BroadcastGradientArgs", shape=_gradient_args_shape, kernel=kernels.broadcast_gradient_args,
    dtype=_gradient_args_dtype, num_outputs=2)
# Its outputs are dim indices, piecewise constant in the shapes: no gradient, as in TF.
NotDifferentiable("BroadcastGradientArgs")


def broadcast_gradient_args(s0, s1, name=None):
    """(r0, r1): the dims a gradient of the broadcast shape must be summed over to reach shape
    `s0`, and `s1` (TF's `gen_array_ops.broadcast_gradient_args`)."""
    return BROADCAST_GRADIENT_ARGS(convert_to_tensor(s0, preferred_dtype=dtypes.int32),
                                   convert_to_tensor(s1, preferred_dtype=dtypes.int32),
                                   name=name)


__all__ = ["dynamic_stitch"]
