"""`tf.nn` helpers: top_k, in_top_k, moments, batch_normalization, l2_normalize, zero_fraction
and dropout (the losses are in nn_loss_ops.py, activations in nn_ops.py)."""
import collections
import numbers

from ..graph import dtypes
from ..graph.constant import constant_value, convert_to_tensor, partial_shape_value
from ..graph.default import name_scope
from ..graph.registry import register_op
from ..graph.shapes import TensorShape
from ..kernels import nn_topk
from .math_ops import (
    cast,
    divide,
    equal,
    floor,
    maximum,
    multiply,
    reduce_mean,
    reduce_sum,
    rsqrt,
    square,
    squared_difference,
)
from .random_ops import random_uniform
from .shape_ops import shape, squeeze


# --- top_k and its gradient: a gather/scatter pair along the last axis ------------------------
def _gather_shape(params, indices):
    batch = params.shape.with_rank_at_least(1)[:-1].merge_with(indices.shape[:-1])
    return batch.concatenate(indices.shape.with_rank_at_least(1)[-1:])


GATHER_LAST_AXIS = register_op(
    "GatherLastAxis", shape=_gather_shape, kernel=nn_topk.gather_last_axis, same_dtype=False,
    grad=lambda op, grad: [SCATTER_LAST_AXIS(shape(op.inputs[0]), op.inputs[1], grad), None])
SCATTER_LAST_AXIS = register_op(
    "ScatterLastAxis", shape=lambda s, indices, updates: partial_shape_value(s),
    kernel=nn_topk.scatter_last_axis, same_dtype=False, dtype=lambda inputs, attrs: inputs[2].dtype,
    grad=lambda op, grad: [None, None, GATHER_LAST_AXIS(grad, op.inputs[1])])


def _top_k_shape(x, k, sorted):  # noqa: A002 - TF's attr name
    dims = x.shape.with_rank_at_least(1).as_tuple()
    value = constant_value(k)
    k = None if value is None else int(value)
    if k is not None and k < 0:
        raise ValueError(f"Need k >= 0, got {k}")
    if dims is None:
        return [TensorShape(None)] * 2
    if k is not None and dims[-1] is not None and dims[-1] < k:
        raise ValueError(f"input must have last dimension >= k = {k} but is {dims[-1]}")
    out = TensorShape(dims[:-1] + (k,))
    return [out, out]


TOP_K = register_op(
    "TopKV2", shape=_top_k_shape, kernel=nn_topk.top_k, num_outputs=2, same_dtype=False,
    dtype=lambda inputs, attrs: [inputs[0].dtype, dtypes.int32],
    grad=lambda op, grad, _: [SCATTER_LAST_AXIS(shape(op.inputs[0]), op.outputs[1], grad), None])

TopKV2 = collections.namedtuple("TopKV2", ["values", "indices"])


def top_k(input, k=1, sorted=True, name=None):  # noqa: A002 - TF's argument names
    """The k largest entries of each last-axis row and their indices, largest first; equal
    values keep the lower index first (TF1 `tf.nn.top_k`)."""
    k = convert_to_tensor(k, dtype=dtypes.int32, name="k")
    values, indices = TOP_K(input, k, sorted=bool(sorted), name=name)
    return TopKV2(values, indices)


def _in_top_k_shape(predictions, targets, k):
    batch = predictions.shape.with_rank(2)[:1].merge_with(targets.shape.with_rank(1))
    return batch


IN_TOP_K = register_op("InTopKV2", shape=_in_top_k_shape, kernel=nn_topk.in_top_k,
                       same_dtype=(1, 2), dtype=dtypes.bool, differentiable=False)


def in_top_k(predictions, targets, k, name=None):
    """Whether each row's `targets` entry is among its `k` largest `predictions`: true when
    fewer than k entries are strictly larger, so ties count as in; false for a non-finite
    prediction or an out-of-range target (TF1 `tf.nn.in_top_k`)."""
    with name_scope(name, "in_top_k"):
        targets = convert_to_tensor(targets)
        k = convert_to_tensor(k, dtype=targets.dtype, name="k")
        return IN_TOP_K(predictions, targets, k, name=name)


# --- moments, normalization -----------------------------------------------------------------
def _normalized_axes(x, axes):
    axes = [int(a) for a in (axes if isinstance(axes, (list, tuple)) else [axes])]
    rank = x.shape.ndims
    if rank is None and any(a < 0 for a in axes):
        raise ValueError(f"Negative axes {axes} need the rank of {x.name} known.")
    return sorted({a % rank if rank else a for a in axes})


def moments(x, axes, shift=None, name=None, keep_dims=None, keepdims=None):
    """(mean, variance) of `x` over `axes` (TF1 `tf.nn.moments`); `shift` is unused, as in TF.
    Differs from TF: the variance does not stop the gradient into the mean, so its second
    derivatives are right too (first derivatives and values are the same)."""
    keep = bool(keepdims if keepdims is not None else keep_dims)
    with name_scope(name, "moments", [x, axes]):
        x = convert_to_tensor(x)
        y = cast(x, dtypes.float32) if x.dtype == dtypes.float16 else x
        axes = _normalized_axes(y, axes)
        mean = reduce_mean(y, axes, keepdims=True, name="mean")
        variance = reduce_mean(squared_difference(y, mean), axes, keepdims=True, name="variance")
        if not keep:
            mean, variance = squeeze(mean, axes), squeeze(variance, axes)
        if x.dtype == dtypes.float16:
            return cast(mean, dtypes.float16), cast(variance, dtypes.float16)
        return mean, variance


def batch_normalization(x, mean, variance, offset, scale, variance_epsilon, name=None):
    """(x - mean) * scale / sqrt(variance + variance_epsilon) + offset, where offset and scale
    may be None (TF1 `tf.nn.batch_normalization`)."""
    with name_scope(name, "batchnorm", [x, mean, variance, scale, offset]):
        x = convert_to_tensor(x)
        inv = rsqrt(variance + variance_epsilon)
        if scale is not None:
            inv = inv * scale
        shift = -mean * inv if offset is None else offset - mean * inv
        return x * cast(inv, x.dtype) + cast(shift, x.dtype)


def l2_normalize(x, axis=None, epsilon=1e-12, name=None, dim=None):
    """x / sqrt(max(sum(x ** 2, axis), epsilon)) (TF1 `tf.nn.l2_normalize`, `dim` the old
    name of `axis`)."""
    axis = dim if axis is None else axis
    with name_scope(name, "l2_normalize", [x]) as name:
        x = convert_to_tensor(x)
        square_sum = reduce_sum(square(x), axis, keepdims=True)
        return multiply(x, rsqrt(maximum(square_sum, epsilon)), name=name)


def zero_fraction(value, name=None):
    """The fraction of zeros in `value`, a float32 scalar (TF1 `tf.nn.zero_fraction`)."""
    with name_scope(name, "zero_fraction", [value]):
        value = convert_to_tensor(value)
        return reduce_mean(cast(equal(value, 0), dtypes.float32))


# --- dropout --------------------------------------------------------------------------------
def _noise_shape(x, noise_shape):
    if noise_shape is None:
        return shape(x)
    if isinstance(noise_shape, (list, tuple)) and any(d is None for d in noise_shape):
        dims = x.shape.as_tuple()
        if dims is None or len(dims) != len(noise_shape):
            raise ValueError(f"noise_shape {noise_shape} has None entries but the rank of "
                             f"{x.name} ({x.shape}) does not match it.")
        return [shape(x)[i] if d is None else d for i, d in enumerate(noise_shape)]
    return noise_shape


def dropout(x, keep_prob=None, noise_shape=None, seed=None, name=None, rate=None):
    """Each entry of `x` (or each slice, with `noise_shape`) zeroed with probability
    1 - keep_prob and the rest scaled by 1 / keep_prob, as x / keep_prob * floor(keep_prob +
    uniform) (TF1 `tf.nn.dropout`; `rate` = 1 - keep_prob)."""
    with name_scope(name, "dropout", [x]) as name:
        x = convert_to_tensor(x)
        if not x.dtype.is_floating:
            raise ValueError("x has to be a floating point tensor since it's going to be "
                             f"scaled. Got a {x.dtype.name} tensor instead.")
        if rate is not None:
            if keep_prob is not None:
                raise ValueError("Cannot specify both keep_prob and rate")
            keep_prob = 1 - rate
        if keep_prob is None:
            raise ValueError("dropout needs keep_prob or rate.")
        if isinstance(keep_prob, numbers.Real) and not 0 < keep_prob <= 1:
            raise ValueError("keep_prob must be a scalar tensor or a float in the range (0, 1], "
                             f"got {keep_prob}")
        keep_prob = convert_to_tensor(keep_prob, preferred_dtype=x.dtype, name="keep_prob")
        keep_prob.shape.assert_is_compatible_with(TensorShape([]))
        value = constant_value(keep_prob)
        if value is not None and value == 1:
            return x
        noise = random_uniform(_noise_shape(x, noise_shape), seed=seed, dtype=x.dtype)
        ret = divide(x, keep_prob) * floor(keep_prob + noise)
        ret.set_shape(x.shape)
        return ret


__all__ = ["top_k", "in_top_k", "moments", "batch_normalization", "l2_normalize",
           "zero_fraction", "dropout"]
