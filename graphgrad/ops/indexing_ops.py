"""Indexing ops: strided slices (`x[...]`), slices, gathers, scatters, `where` coordinates and
boolean masks. Their gradients scatter back into dense tensors (TF would use IndexedSlices)."""
import builtins

import numpy as np

from ..graph import dtypes
from ..graph.constant import constant, convert_to_tensor, partial_shape_value
from ..graph.default import name_scope
from ..graph.registry import register_op
from ..graph.shapes import TensorShape
from ..graph.tensor import Tensor
from ..kernels import array_index
from .array_ops import concat, ones_like, stack, transpose
from .shape_ops import expand_dims, partial_ints, reshape, shape, squeeze, static_int

MASKS = ("begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask", "shrink_axis_mask")
_UNKNOWN = object()  # a slice bound computed at run time (unlike None: a masked bound)


def _spec_entries(begin, end, strides, masks):
    """TF's sparse slice spec as ('...',), ('new',), ('index', i) or ('slice', b, e, s)."""
    b, e, s = partial_ints(begin), partial_ints(end), partial_ints(strides)
    if b is None or e is None or s is None:
        return None
    if not len(b) == len(e) == len(s):
        raise ValueError(f"Expected begin, end, and strides to be 1D equal size tensors, but got "
                         f"shapes [{len(b)}], [{len(e)}], and [{len(s)}] instead.")
    if bin(masks["ellipsis_mask"] & ((1 << len(b)) - 1)).count("1") > 1:
        raise ValueError("Multiple ellipses in slice spec not allowed")
    entries = []
    for i, (bi, ei, si) in enumerate(zip(b, e, s)):
        bit = 1 << i
        if masks["ellipsis_mask"] & bit:
            entries.append(("...",))
        elif masks["new_axis_mask"] & bit:
            entries.append(("new",))
        elif masks["shrink_axis_mask"] & bit:
            entries.append(("index", _UNKNOWN if bi is None else bi))
        else:
            entries.append(("slice",
                            None if masks["begin_mask"] & bit else _or_unknown(bi),
                            None if masks["end_mask"] & bit else _or_unknown(ei),
                            _or_unknown(si)))
    return entries


def _or_unknown(value):
    return _UNKNOWN if value is None else value


def _strided_slice_shape(x, begin, end, strides, **masks):
    entries = _spec_entries(begin, end, strides, masks)
    dims = x.shape.as_tuple()
    if entries is None or dims is None:
        return TensorShape(None)
    used = sum(1 for e in entries if e[0] in ("index", "slice"))
    if used > len(dims):
        raise ValueError(f"Index out of range using input dim {len(dims)}; input has only "
                         f"{len(dims)} dims")
    full = [("slice", None, None, 1)] * (len(dims) - used)
    if ("...",) in entries:
        i = entries.index(("...",))
        entries = entries[:i] + full + entries[i + 1:]
    else:
        entries = entries + full
    out = []
    axis = 0
    for entry in entries:
        if entry[0] == "new":
            out.append(1)
            continue
        d = dims[axis]
        if entry[0] == "index":
            i = entry[1]
            if d is not None and i is not _UNKNOWN and not -d <= i < d:
                raise ValueError(f"slice index {i} of dimension {axis} out of bounds.")
        elif entry[3] == 0:
            raise ValueError(f"strides[{axis}] must be non-zero")
        elif d is None or _UNKNOWN in entry:
            out.append(None)
        else:
            out.append(len(builtins.range(*builtins.slice(*entry[1:]).indices(d))))
        axis += 1
    return TensorShape(out)


def _masks(op):
    return {k: op.attrs[k] for k in MASKS}


def _strided_slice_grad(op, grad):
    x, begin, end, strides = op.inputs
    dx = STRIDED_SLICE_GRAD(shape(x, out_type=begin.dtype), begin, end, strides, grad,
                            **_masks(op))
    return [dx, None, None, None]


STRIDED_SLICE = register_op("StridedSlice", shape=_strided_slice_shape, same_dtype=(1, 2, 3),
                            kernel=array_index.strided_slice, grad=_strided_slice_grad)


def _strided_slice_grad_grad(op, grad):
    _, begin, end, strides, _ = op.inputs
    return [None, None, None, None, STRIDED_SLICE(grad, begin, end, strides, **_masks(op))]


STRIDED_SLICE_GRAD = register_op(
    "StridedSliceGrad", shape=lambda s, b, e, st, dy, **masks: partial_shape_value(s),
    kernel=array_index.strided_slice_grad, same_dtype=(0, 1, 2, 3),
    dtype=lambda i, a: i[4].dtype, grad=_strided_slice_grad_grad)


def _index_vector(values, dtype):
    """begin/end/strides as a 1-D int tensor: a constant when all are Python ints."""
    if not any(isinstance(v, Tensor) for v in values):
        return constant(np.asarray(values, dtype=dtype.np).reshape(-1), name="stack")
    return stack([_as_index(v, dtype) for v in values], name="stack")


def _as_index(value, dtype):
    from .math_ops import cast
    if not isinstance(value, Tensor):
        return convert_to_tensor(value, dtype=dtype)
    return value if value.dtype == dtype else cast(value, dtype)


def _index_dtype(values):
    """int64 when an index tensor or a bound is int64-sized, else int32 (as TF packs them)."""
    wide = any(isinstance(v, Tensor) and v.dtype == dtypes.int64 or
               not isinstance(v, Tensor) and not -2**31 <= v < 2**31 for v in values)
    return dtypes.int64 if wide else dtypes.int32


def strided_slice(input_, begin, end, strides=None, begin_mask=0, end_mask=0, ellipsis_mask=0,
                  new_axis_mask=0, shrink_axis_mask=0, var=None, name=None):
    """input_[begin:end:strides] per dim, with TF's bit masks: a set bit i in begin_mask/end_mask
    ignores begin[i]/end[i], ellipsis_mask marks `...`, new_axis_mask a new size-1 dim,
    shrink_axis_mask an integer index that removes the dim (TF1 `tf.strided_slice`)."""
    begin = convert_to_tensor(begin, preferred_dtype=dtypes.int32)
    end = convert_to_tensor(end, dtype=begin.dtype)
    if strides is None:
        n = begin.shape.as_tuple()
        strides = ones_like(begin) if n is None or n[0] is None else \
            constant(np.ones(n, dtype=begin.dtype.np))
    masks = {"begin_mask": begin_mask, "end_mask": end_mask, "ellipsis_mask": ellipsis_mask,
             "new_axis_mask": new_axis_mask, "shrink_axis_mask": shrink_axis_mask}
    return STRIDED_SLICE(input_, begin, end, strides, name=name,
                         **{k: int(v) for k, v in masks.items()})


def _index_value(value):
    """A slice bound or index: a Python int or a scalar int32/int64 tensor (None passes)."""
    if value is None:
        return None
    if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
        return int(value)
    tensor = value._as_tensor() if hasattr(value, "_as_tensor") else None
    if tensor is not None and tensor.dtype in (dtypes.int32, dtypes.int64) and \
            tensor.shape.ndims in (None, 0):
        return tensor
    raise TypeError(f"Only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) and "
                    f"scalar tf.int32/tf.int64 tensors are valid indices, got {value!r}")


def slice_helper(tensor, slice_spec, var=None):
    """`tensor[slice_spec]` with ints, int tensors, slices (negative steps and tensor bounds
    too), None (tf.newaxis) and `...`, as one StridedSlice (TF1 `Tensor.__getitem__`)."""
    tensor = convert_to_tensor(tensor)
    spec = slice_spec if isinstance(slice_spec, tuple) else (slice_spec,)
    begin, end, strides = [], [], []
    masks = dict.fromkeys(MASKS, 0)
    for i, s in enumerate(spec):
        bit = 1 << i
        if isinstance(s, builtins.slice):
            start, stop = _index_value(s.start), _index_value(s.stop)
            step = 1 if s.step is None else _index_value(s.step)
            masks["begin_mask"] |= bit if start is None else 0
            masks["end_mask"] |= bit if stop is None else 0
            begin.append(0 if start is None else start)
            end.append(0 if stop is None else stop)
            strides.append(step)
        elif s is Ellipsis or s is None:
            masks["ellipsis_mask" if s is Ellipsis else "new_axis_mask"] |= bit
            begin.append(0)
            end.append(0)
            strides.append(1)
        else:
            index = _index_value(s)
            masks["shrink_axis_mask"] |= bit
            begin.append(index)
            end.append(index + 1)
            strides.append(1)
    with name_scope(None, "strided_slice", [tensor]) as scope:
        dtype = _index_dtype(begin + end + strides)
        vectors = [_index_vector(v, dtype) for v in (begin, end, strides)]
        return STRIDED_SLICE(tensor, *vectors, name=scope, **masks)


# --- tf.slice ----------------------------------------------------------------------------------
def _slice_shape(x, begin, size):
    b, s = partial_ints(begin), partial_ints(size)
    dims = x.shape.as_tuple()
    n = len(b) if b is not None else (len(s) if s is not None else None)
    if dims is None:
        if n is None:
            return TensorShape(None)
        dims = (None,) * n
    if n is not None and n != len(dims):
        raise ValueError(f"Expected begin and size arguments to be 1-D tensors of size "
                         f"{len(dims)}, but got shapes [{n}] and [{n}] instead.")
    out = []
    for i, d in enumerate(dims):
        bi = b[i] if b else None
        si = s[i] if s else None
        if bi is not None and d is not None and not 0 <= bi <= d:
            raise ValueError(f"Expected begin[{i}] in [0, {d}], but got {bi}")
        if si is not None and si >= 0 and bi is not None and d is not None and bi + si > d:
            raise ValueError(f"Expected size[{i}] in [0, {d - bi}], but got {si}")
        if si is not None and si >= 0:
            out.append(si)
        elif si == -1 and bi is not None and d is not None:
            out.append(d - bi)
        else:
            out.append(None)
    return TensorShape(out)


def _slice_grad(op, grad):
    from .manip_ops import pad
    x, begin, _ = op.inputs
    after = shape(x, out_type=begin.dtype) - begin - shape(op.outputs[0], out_type=begin.dtype)
    return [pad(grad, stack([begin, after], axis=1)), None, None]


SLICE = register_op("Slice", shape=_slice_shape, kernel=array_index.slice_, grad=_slice_grad,
                    same_dtype=(1, 2))


def slice(input_, begin, size, name=None):  # noqa: A001 - TF's public name
    """The block of `input_` starting at `begin` with `size` (-1: the rest) (TF1 `tf.slice`)."""
    begin = convert_to_tensor(begin, preferred_dtype=dtypes.int32)
    size = convert_to_tensor(size, preferred_dtype=begin.dtype)
    return SLICE(input_, begin, size, name=name)


# --- gathers and scatters ----------------------------------------------------------------------
def _gather_shape(params, indices, axis):
    p, i = params.shape.as_tuple(), indices.shape.as_tuple()
    if p is None or i is None:
        return TensorShape(None)
    if not -len(p) <= axis < len(p):
        raise ValueError(f"Shape must be at least rank {axis + 1 if axis >= 0 else -axis} but "
                         f"is rank {len(p)}")
    axis %= len(p)
    return TensorShape(p[:axis] + i + p[axis + 1:])


def _gather_grad(op, grad):
    params, indices = op.inputs
    axis, dims = op.attrs["axis"], shape(params, out_type=indices.dtype)
    if axis == 0:
        return [scatter_nd(expand_dims(indices, -1), grad, dims), None]
    # Move the gathered axis to the front, scatter there, and move it back.
    k, p = indices.shape.ndims, params.shape.ndims
    grad_perm = [*builtins.range(axis, axis + k), *builtins.range(axis),
                 *builtins.range(axis + k, p + k - 1)]
    perm = [axis, *builtins.range(axis), *builtins.range(axis + 1, p)]
    moved = scatter_nd(expand_dims(indices, -1), transpose(grad, grad_perm), gather(dims, perm))
    return [transpose(moved, np.argsort(perm).tolist()), None]


GATHER = register_op("GatherV2", shape=_gather_shape, kernel=array_index.gather,
                     grad=_gather_grad, same_dtype=False)


def gather(params, indices, validate_indices=None, name=None, axis=None, batch_dims=0):
    """Slices of `params` along `axis` at `indices` (TF1 `tf.gather`, op type GatherV2).

    Differs from TF: the gradient is a dense tensor (TF gives IndexedSlices); `axis` must be
    known when the graph is built, and the ranks too when it is not 0."""
    if batch_dims != 0:
        raise NotImplementedError("graphgrad's gather supports batch_dims=0 only.")
    params = convert_to_tensor(params)
    indices = convert_to_tensor(indices, preferred_dtype=dtypes.int32)
    axis = 0 if axis is None else static_int(axis, "axis")
    rank = params.shape.ndims
    if axis != 0 and (rank is None or indices.shape.ndims is None):
        raise ValueError("graphgrad's gather needs the ranks of params and indices known when "
                         "axis is not 0.")
    if rank is not None and -rank <= axis < 0:
        axis %= rank
    return GATHER(params, indices, axis=axis, name=name)


def _gather_nd_shape(params, indices):
    p, i = params.shape.as_tuple(), indices.shape.as_tuple()
    if i is not None and not i:
        raise ValueError("Shape must be at least rank 1 but is rank 0")
    if p is None or i is None or i[-1] is None:
        return TensorShape(None)
    if i[-1] > len(p):
        raise ValueError(f"indices.shape[-1] must be <= params.rank, but saw indices shape: "
                         f"{list(i)} and params shape: {list(p)}")
    return TensorShape(i[:-1] + p[i[-1]:])


GATHER_ND = register_op(
    "GatherNd", shape=_gather_nd_shape, kernel=array_index.gather_nd, same_dtype=False,
    grad=lambda op, grad: [scatter_nd(op.inputs[1], grad,
                                      shape(op.inputs[0], out_type=op.inputs[1].dtype)), None])


def gather_nd(params, indices, name=None):
    """Slices of `params` at the index tuples in the last dim of `indices` (TF1 `tf.gather_nd`).
    """
    indices = convert_to_tensor(indices, preferred_dtype=dtypes.int32)
    return GATHER_ND(params, indices, name=name)


def _scatter_nd_shape(indices, updates, shape):
    out = partial_shape_value(shape).as_tuple()
    i, u = indices.shape.as_tuple(), updates.shape.as_tuple()
    if out is None or i is None or u is None or i[-1] is None:
        return TensorShape(out)
    want = TensorShape(i[:-1] + out[i[-1]:])
    if not want.is_compatible_with(updates.shape):
        raise ValueError(f"updates.shape {updates.shape.short()} must be indices.shape[:-1] + "
                         f"shape[indices.shape[-1]:] = {want.short()}")
    return TensorShape(out)


SCATTER_ND = register_op(
    "ScatterNd", shape=_scatter_nd_shape, kernel=array_index.scatter_nd, same_dtype=(0, 2),
    dtype=lambda i, a: i[1].dtype,
    grad=lambda op, grad: [None, gather_nd(grad, op.inputs[0]), None])


def scatter_nd(indices, updates, shape, name=None):  # noqa: F811 - TF's argument name
    """Zeros of `shape` with `updates` added at `indices`; repeated indices sum
    (TF1 `tf.scatter_nd`)."""
    indices = convert_to_tensor(indices, preferred_dtype=dtypes.int32)
    return SCATTER_ND(indices, updates, shape, name=name)


WHERE = register_op("Where", shape=lambda c: [None, c.shape.ndims], kernel=array_index.where,
                    dtype=dtypes.int64, differentiable=False)


def where_indices(condition, name=None):
    """The int64 coordinates [num_true, rank] of the true (non-zero) elements of `condition`
    (TF1 `tf.where` with one argument)."""
    return WHERE(condition, name=name)


def boolean_mask(tensor, mask, name="boolean_mask", axis=None):
    """The elements (or slices along `axis`) of `tensor` where `mask` is true, flattened over the
    mask's dims (TF1 `tf.boolean_mask`)."""
    with name_scope(name, values=[tensor, mask]):
        tensor = convert_to_tensor(tensor, name="tensor")
        mask = convert_to_tensor(mask, name="mask")
        mask_dims = mask.shape.ndims
        if mask_dims == 0:
            raise ValueError("mask cannot be scalar.")
        if mask_dims is None:
            raise ValueError("Number of mask dimensions must be specified, even if some "
                             "dimensions are None.  E.g. shape=[None] is ok, but shape=None is "
                             "not.")
        axis = 0 if axis is None else static_int(axis, "axis")
        static = tensor.shape
        static[axis:axis + mask_dims].assert_is_compatible_with(mask.shape)
        from .math_ops import reduce_prod
        dims = shape(tensor)
        middle = reshape(reduce_prod(dims[axis:axis + mask_dims]), [1])
        flat = reshape(tensor, concat([dims[:axis], middle, dims[axis + mask_dims:]], 0))
        if static.ndims is not None:
            middle = static[axis:axis + mask_dims].num_elements()
            flat.set_shape(static[:axis].concatenate([middle]).concatenate(
                static[axis + mask_dims:]))
        indices = squeeze(where_indices(reshape(mask, [-1])), axis=[1])
        return gather(flat, indices, axis=axis)


__all__ = ["boolean_mask", "gather", "gather_nd", "scatter_nd", "slice", "strided_slice"]
