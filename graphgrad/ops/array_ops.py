"""Array ops: identity, fills, stacking, slicing, gathering, reshaping and friends."""
import numpy as np

from ..graph import dtypes
from ..graph.constant import constant, convert_to_tensor, partial_shape_value
from ..graph.registry import NotDifferentiable, register_op
from ..graph.shapes import TensorShape
from .shape_ops import shape as shape_op


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


def _fill_shape(dims, value):
    return partial_shape_value(dims)


FILL = register_op("Fill", shape=_fill_shape, same_dtype=False, dtype=lambda i, a: i[1].dtype,
                   kernel=lambda xp, dims, value: xp.full(tuple(int(d) for d in dims), value,
                                                          dtype=value.dtype),
                   grad=lambda op, grad: [None, _reduce_all_sum(grad)])


def _reduce_all_sum(grad):
    from .math_ops import reduce_sum
    return reduce_sum(grad)


def fill(dims, value, name=None):
    """A tensor of shape `dims` filled with `value` (TF1 `tf.fill`)."""
    return FILL(convert_to_tensor(dims, dtype=dtypes.int32), value, name=name)


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


def _pack_shape(*values, axis):
    merged = values[0].shape
    for v in values[1:]:
        if not merged.is_compatible_with(v.shape):
            raise ValueError(f"Shapes {merged} and {v.shape} are incompatible")
        merged = merged.merge_with(v.shape)
    dims = merged.as_tuple()
    if dims is None:
        return TensorShape(None)
    axis = axis % (len(dims) + 1)
    return TensorShape(dims[:axis] + (len(values),) + dims[axis:])


def _pack_grad(op, grad):
    return unstack(grad, num=len(op.inputs), axis=op.attrs["axis"])


PACK = register_op("Pack", shape=_pack_shape, grad=_pack_grad,
                   kernel=lambda xp, *values, axis: xp.stack(values, axis=axis))


def stack(values, axis=0, name="stack"):
    """Stacks same-shaped tensors along a new `axis` (TF1 `tf.stack`, old `tf.pack`)."""
    values = [convert_to_tensor(v) for v in values]
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


NotDifferentiable("ZerosLike")
NotDifferentiable("OnesLike")


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
    """Permutes the dims of `a` (reverses them when `perm` is None) (TF1 `tf.transpose`)."""
    a = convert_to_tensor(a)
    if perm is not None:
        from ..graph.constant import constant_value
        if not isinstance(perm, (list, tuple, np.ndarray)):
            value = constant_value(perm)
            if value is None:
                raise ValueError("graphgrad needs `perm` known when the graph is built.")
            perm = value
        perm = tuple(int(p) for p in perm)
    return TRANSPOSE(a, perm=perm, name=name)


# --- indexing: x[...] with Python ints, slices, None and Ellipsis -----------------------------
def _expand_key(key, rank):
    """The key as a tuple with the Ellipsis expanded to full slices (rank must be known)."""
    key = key if isinstance(key, tuple) else (key,)
    if sum(k is Ellipsis for k in key) > 1:
        raise ValueError("An index can only have a single ellipsis ('...')")
    used = sum(1 for k in key if k is not None and k is not Ellipsis)
    if used > rank:
        raise ValueError(f"Index {key!r} has too many indices for a tensor of rank {rank}")
    if Ellipsis in key:
        i = key.index(Ellipsis)
        key = key[:i] + (slice(None),) * (rank - used) + key[i + 1:]
    return key + (slice(None),) * (rank - used)


def _slice_shape(x, key):
    dims = x.shape.as_tuple()
    out = []
    it = iter(dims)
    for k in key:
        if k is None:
            out.append(1)
            continue
        d = next(it)
        if isinstance(k, slice):
            if d is not None:
                out.append(len(range(*k.indices(d))))
            elif k == slice(None):
                out.append(None)
            else:
                out.append(None)
        elif d is not None and not -d <= k < d:
            raise ValueError(f"slice index {k} of dimension {len(out)} out of bounds "
                             f"(size {d})")
    return TensorShape(out)


def _slice_kernel(xp, x, key):
    return xp.asarray(x[key])


def _slice_grad(op, grad):
    return [STRIDED_SLICE_GRAD(shape_op(op.inputs[0]), grad, key=op.attrs["key"])]


STRIDED_SLICE = register_op("StridedSlice", shape=_slice_shape, kernel=_slice_kernel,
                            grad=_slice_grad)


def _slice_grad_kernel(xp, s, grad, key):
    out = xp.zeros(tuple(int(d) for d in s), dtype=grad.dtype)
    out[key] = grad
    return out


STRIDED_SLICE_GRAD = register_op(
    "StridedSliceGrad", shape=lambda s, grad, key: partial_shape_value(s),
    kernel=_slice_grad_kernel, same_dtype=False, dtype=lambda i, a: i[1].dtype,
    grad=lambda op, grad: [None, STRIDED_SLICE(grad, key=op.attrs["key"])])


def slice_helper(tensor, key):
    """`tensor[key]` for ints, slices, None (new axis) and `...` (TF1 `Tensor.__getitem__`)."""
    tensor = convert_to_tensor(tensor)
    rank = tensor.shape.ndims
    if rank is None:
        raise ValueError(f"Cannot index {tensor.name}: its rank is unknown.")
    for k in (key if isinstance(key, tuple) else (key,)):
        if not (k is None or k is Ellipsis or isinstance(k, (int, np.integer, slice))):
            raise TypeError(f"Only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) "
                            f"are valid indices, got {k!r}")
    key = tuple(int(k) if isinstance(k, np.integer) else k
                for k in _expand_key(key, rank))
    return STRIDED_SLICE(tensor, key=key, name="strided_slice")

__all__ = ["transpose", "identity", "stop_gradient", "placeholder_with_default", "fill", "zeros", "ones",
    "zeros_like", "ones_like", "stack", "unstack"]
