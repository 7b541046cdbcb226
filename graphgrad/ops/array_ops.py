"""Array ops: identity, fills, stacking, concatenation and splitting, transpose. Slicing and
gathering live in indexing_ops, tile/pad/reverse in manip_ops, range/one_hot in sequence_ops."""
import numpy as np

from ..graph import dtypes
from ..graph.constant import constant, convert_to_tensor, partial_shape_value
from ..graph.registry import register_op
from ..graph.shapes import TensorShape
from ..graph.tensor import Tensor
from ..kernels import array_layout
from .shape_ops import partial_ints, shape, static_int, static_ints


def _same_shape(x, **_):
    return x.shape


IDENTITY = register_op("Identity", shape=_same_shape, kernel=lambda xp, x: x,
                       grad=lambda op, grad: [grad])


def identity(input, name=None):  # noqa: A002 - TF's argument name
    """`input` unchanged, as a new op (TF1 `tf.identity`)."""
    return IDENTITY(input, name=name)


STOP_GRADIENT = register_op("StopGradient", shape=_same_shape, kernel=lambda xp, x: x,
                            differentiable=False)


def stop_gradient(input, name=None):  # noqa: A002
    """`input` unchanged, but gradients do not flow through it (TF1 `tf.stop_gradient`)."""
    return STOP_GRADIENT(input, name=name)


PLACEHOLDER_WITH_DEFAULT = register_op(
    "PlaceholderWithDefault", shape=lambda x, shape: shape, kernel=lambda xp, x, shape: x,
    grad=lambda op, grad: [grad])


def placeholder_with_default(input, shape, name=None):  # noqa: A002
    """A placeholder that yields `input` when not fed (TF1 `tf.placeholder_with_default`)."""
    x = convert_to_tensor(input)
    target = TensorShape(shape)
    if not target.is_compatible_with(x.shape):
        raise ValueError(f"Default value of shape {x.shape} is not compatible with the "
                         f"placeholder shape {target}.")
    return PLACEHOLDER_WITH_DEFAULT(x, shape=target, name=name)


def _fill_grad(op, grad):
    from .math_ops import reduce_sum
    return [None, reduce_sum(grad)]


FILL = register_op("Fill", shape=lambda dims, value: partial_shape_value(dims), same_dtype=False,
                   dtype=lambda i, a: i[1].dtype, grad=_fill_grad,
                   kernel=lambda xp, dims, value: xp.full(tuple(int(d) for d in dims), value,
                                                          dtype=value.dtype))


def fill(dims, value, name=None):
    """A tensor of shape `dims` filled with the scalar `value` (TF1 `tf.fill`)."""
    value = convert_to_tensor(value)
    if value.shape.ndims not in (None, 0):
        raise ValueError(f"value must be a scalar, got shape {value.shape}")
    return FILL(convert_to_tensor(dims, preferred_dtype=dtypes.int32), value, name=name)


def _static_dims(shape):
    if isinstance(shape, (list, tuple)) and all(isinstance(d, (int, np.integer)) for d in shape):
        return [int(d) for d in shape]
    if isinstance(shape, (int, np.integer)):
        return [int(shape)]
    if isinstance(shape, TensorShape) and shape.is_fully_defined():
        return shape.as_list()
    return None


def zeros(shape, dtype=dtypes.float32, name=None):
    """A tensor of zeros (TF1 `tf.zeros`)."""
    dtype = dtypes.as_dtype(dtype)
    dims = _static_dims(shape)
    if dims is not None:
        return constant(np.zeros(dims, dtype=dtype.np), name=name or "zeros")
    return fill(shape, constant(0, dtype=dtype), name=name or "zeros")


def ones(shape, dtype=dtypes.float32, name=None):
    """A tensor of ones (TF1 `tf.ones`)."""
    dtype = dtypes.as_dtype(dtype)
    dims = _static_dims(shape)
    if dims is not None:
        return constant(np.ones(dims, dtype=dtype.np), name=name or "ones")
    return fill(shape, constant(1, dtype=dtype), name=name or "ones")


def _like(op_type, value):
    return register_op(op_type, shape=_same_shape, dtype=lambda i, a: a["dtype"],
                       kernel=lambda xp, x, dtype: xp.full(x.shape, value, dtype=dtype.np),
                       differentiable=False)


ZEROS_LIKE = _like("ZerosLike", 0)
ONES_LIKE = _like("OnesLike", 1)


def zeros_like(tensor, dtype=None, name=None, optimize=True):
    """Zeros with the shape (and dtype, unless given) of `tensor` (TF1 `tf.zeros_like`)."""
    tensor = convert_to_tensor(tensor)
    return ZEROS_LIKE(tensor, dtype=dtypes.as_dtype(dtype or tensor.dtype), name=name)


def ones_like(tensor, dtype=None, name=None, optimize=True):
    """Ones with the shape (and dtype, unless given) of `tensor` (TF1 `tf.ones_like`)."""
    tensor = convert_to_tensor(tensor)
    return ONES_LIKE(tensor, dtype=dtypes.as_dtype(dtype or tensor.dtype), name=name)


# --- stacking and concatenation ----------------------------------------------------------------
def _pack_shape(*values, axis):
    merged = values[0].shape
    for v in values[1:]:
        if not merged.is_compatible_with(v.shape):
            raise ValueError(f"Shapes must be equal rank and size, but are {merged.short()} and "
                             f"{v.shape.short()}")
        merged = merged.merge_with(v.shape)
    dims = merged.as_tuple()
    if dims is None:
        return TensorShape(None)
    axis = axis % (len(dims) + 1)
    return TensorShape(dims[:axis] + (len(values),) + dims[axis:])


PACK = register_op("Pack", shape=_pack_shape,
                   grad=lambda op, grad: UNPACK(grad, num=len(op.inputs), axis=op.attrs["axis"]),
                   kernel=lambda xp, *values, axis: xp.stack(values, axis=axis))


def _convert_all(values):
    """Tensors as they are; Python values take the dtype of the first tensor (as TF's op
    conversion does), so `stack([tf.shape(x)[0], 10])` works for int64 shapes too."""
    hint = next((convert_to_tensor(v).dtype for v in values
                 if isinstance(v, Tensor) or hasattr(v, "_as_tensor")), None)
    return [convert_to_tensor(v, preferred_dtype=hint) for v in values]


def stack(values, axis=0, name="stack"):
    """Stacks same-shaped tensors along a new `axis` (TF1 `tf.stack`, old `tf.pack`)."""
    values = _convert_all(values)
    if not values:
        raise ValueError("stack needs at least one tensor.")
    rank = values[0].shape.ndims
    if rank is not None and not -rank - 1 <= axis <= rank:
        raise ValueError(f"axis = {axis} not in [{-rank - 1}, {rank + 1})")
    if rank is not None:
        axis = axis % (rank + 1)
    return PACK(*values, axis=axis, name=name)


def _unpack_shape(value, num, axis):
    dims = value.shape.as_tuple()
    if dims is None:
        return [TensorShape(None)] * num
    axis %= max(len(dims), 1)
    return [TensorShape(dims[:axis] + dims[axis + 1:])] * num


UNPACK = register_op("Unpack", shape=_unpack_shape, num_outputs=lambda a: a["num"],
                     grad=lambda op, *grads: [stack(list(grads), axis=op.attrs["axis"])],
                     kernel=lambda xp, value, num, axis: tuple(
                         xp.take(value, i, axis=axis) for i in range(num)))


def unstack(value, num=None, axis=0, name="unstack"):
    """Splits `value` along `axis` into a list of tensors (TF1 `tf.unstack`, old `tf.unpack`)."""
    value = convert_to_tensor(value)
    rank = value.shape.ndims
    if rank is None:
        raise ValueError("Cannot unstack a tensor of unknown rank.")
    if not -rank <= axis < rank:
        raise ValueError(f"axis = {axis} not in [{-rank}, {rank})")
    axis %= rank
    if num is None:
        num = value.shape.as_tuple()[axis]
        if num is None:
            raise ValueError(f"Cannot infer num from shape {value.shape}")
    return UNPACK(value, num=num, axis=axis, name=name)


def _concat_shape(*values, axis):
    known = [v.shape for v in values if v.shape.ndims is not None]
    if not known:
        return TensorShape(None)
    first = known[0]
    rank = first.ndims
    if rank == 0:
        raise ValueError("Can't concatenate scalars (use tf.stack instead)")
    if not -rank <= axis < rank:
        raise ValueError(f"ConcatOp : Expected concatenating dimensions in the range "
                         f"[{-rank}, {rank}), but got {axis}")
    axis %= rank
    out = list(first.as_tuple())
    for s in known[1:]:
        if s.ndims != rank:
            raise ValueError(f"Shape must be rank {rank} but is rank {s.ndims}")
        for i, d in enumerate(s.as_tuple()):
            if i == axis or d is None:
                continue
            if out[i] is not None and out[i] != d:
                raise ValueError(f"Dimension {i} in both shapes must be equal, but are {out[i]} "
                                 f"and {d}. Shapes are {first.short()} and {s.short()}.")
            out[i] = d
    sizes = [s.as_tuple()[axis] for s in known]
    whole = len(known) == len(values) and None not in sizes
    out[axis] = sum(sizes) if whole else None
    return TensorShape(out)


def _concat_grad(op, grad):
    axis = op.attrs["axis"]
    sizes = [None if v.shape.ndims is None else v.shape.as_tuple()[axis] for v in op.inputs]
    if None in sizes:
        sizes = stack([shape(v)[axis] for v in op.inputs])
    return split(grad, sizes, axis=axis)


CONCAT = register_op("ConcatV2", shape=_concat_shape, grad=_concat_grad,
                     kernel=lambda xp, *values, axis: xp.concatenate(values, axis=axis))


def concat(values, axis, name="concat"):
    """Joins tensors along the existing dim `axis` (TF1 `tf.concat`, op type ConcatV2).

    Differs from TF: `axis` must be known when the graph is built."""
    if not isinstance(values, (list, tuple)):
        values = [values]
    values = _convert_all(values)
    axis = static_int(axis, "axis")
    if len(values) == 1:
        return identity(values[0], name=name)
    rank = next((v.shape.ndims for v in values if v.shape.ndims is not None), None)
    if rank is not None and -rank <= axis < rank:
        axis %= rank
    return CONCAT(*values, axis=axis, name=name)


# --- splitting ---------------------------------------------------------------------------------
def _split_axis(dims, axis):
    if not -len(dims) <= axis < len(dims):
        raise ValueError(f"Split dimension {axis} must be in [{-len(dims)}, {len(dims)})")
    return axis % len(dims)


def _split_shape(value, axis, num_split):
    dims = value.shape.as_tuple()
    if dims is None:
        return [TensorShape(None)] * num_split
    axis = _split_axis(dims, axis)
    d = dims[axis]
    if d is not None and d % num_split:
        raise ValueError(f"Dimension size must be evenly divisible by {num_split} but is {d}")
    part = None if d is None else d // num_split
    return [TensorShape(dims[:axis] + (part,) + dims[axis + 1:])] * num_split


SPLIT = register_op("Split", shape=_split_shape, kernel=array_layout.split,
                    num_outputs=lambda a: a["num_split"],
                    grad=lambda op, *grads: [concat(list(grads), op.attrs["axis"])])


def _split_v_shape(value, size_splits, axis, num_split):
    sizes = partial_ints(size_splits) or [None] * num_split
    if len(sizes) != num_split:
        raise ValueError(f"Length of size_splits should be equal to num_split ({len(sizes)} vs "
                         f"{num_split})")
    dims = value.shape.as_tuple()
    if dims is None:
        return [TensorShape(None)] * num_split
    axis = _split_axis(dims, axis)
    if dims[axis] is not None and None not in sizes:
        sizes = array_layout.resolve_split_sizes(sizes, dims[axis])
    sizes = [None if s is None or s < 0 else s for s in sizes]
    return [TensorShape(dims[:axis] + (s,) + dims[axis + 1:]) for s in sizes]


SPLIT_V = register_op("SplitV", shape=_split_v_shape, kernel=array_layout.split_v,
                      num_outputs=lambda a: a["num_split"], same_dtype=False,
                      grad=lambda op, *grads: [concat(list(grads), op.attrs["axis"]), None])


def split(value, num_or_size_splits, axis=0, num=None, name="split"):
    """Splits `value` along `axis` into `num_or_size_splits` equal parts, or parts of the listed
    sizes (one may be -1) (TF1 `tf.split`).

    Differs from TF: `axis` must be known when the graph is built."""
    value = convert_to_tensor(value)
    axis = static_int(axis, "axis")
    rank = value.shape.ndims
    if rank is not None:
        axis = _split_axis(value.shape.as_tuple(), axis)
    if isinstance(num_or_size_splits, (int, np.integer)):
        if num_or_size_splits < 1:
            raise ValueError(f"num_split must be >= 1, got {num_or_size_splits}")
        return SPLIT(value, axis=axis, num_split=int(num_or_size_splits), name=name)
    sizes = convert_to_tensor(num_or_size_splits, preferred_dtype=dtypes.int32)
    if sizes.shape.ndims == 0:
        raise ValueError(f"Rank-0 tensors are not supported as the num_or_size_splits argument "
                         f"to split. Argument provided: {num_or_size_splits}")
    if num is None:
        num = sizes.shape.as_tuple()[0] if sizes.shape.ndims else None
        if num is None:
            raise ValueError(f"Cannot infer num from shape {num_or_size_splits}")
    return SPLIT_V(value, sizes, axis=axis, num_split=int(num), name=name)


# --- transpose ---------------------------------------------------------------------------------
def _transpose_shape(x, perm):
    dims = x.shape.as_tuple()
    if perm is None:
        return TensorShape(None if dims is None else dims[::-1])
    if dims is None:
        return TensorShape([None] * len(perm))
    if sorted(perm) != list(range(len(dims))):
        raise ValueError(f"perm {list(perm)} is not a permutation of the {len(dims)} dims")
    return TensorShape([dims[p] for p in perm])


def _transpose_grad(op, grad):
    perm = op.attrs["perm"]
    inverse = None if perm is None else tuple(int(i) for i in np.argsort(perm))
    return [TRANSPOSE(grad, perm=inverse)]


TRANSPOSE = register_op("Transpose", shape=_transpose_shape, grad=_transpose_grad,
                        kernel=lambda xp, x, perm: xp.transpose(x, perm))


def transpose(a, perm=None, name="transpose", conjugate=False):
    """Permutes the dims of `a` (reverses them when `perm` is None) (TF1 `tf.transpose`).

    Differs from TF: `perm` must be known when the graph is built."""
    a = convert_to_tensor(a)
    if perm is not None:
        perm = tuple(static_ints(perm, "perm"))
    return TRANSPOSE(a, perm=perm, name=name)


__all__ = ["concat", "fill", "identity", "ones", "ones_like", "placeholder_with_default", "split",
           "stack", "stop_gradient", "transpose", "unstack", "zeros", "zeros_like"]

# Older modules import these from array_ops, as TF1 code imports them from tf.array_ops.
from .indexing_ops import gather, slice_helper, where_indices  # noqa: E402, F401
