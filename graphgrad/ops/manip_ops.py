"""Ops that repeat, pad or reorder elements: tile, pad (CONSTANT, REFLECT, SYMMETRIC), reverse,
reverse_sequence. Joining and splitting live in array_ops, slicing in indexing_ops."""
import numpy as np

from ..graph import dtypes
from ..graph.constant import constant_value, convert_to_tensor
from ..graph.registry import register_op
from ..graph.shapes import TensorShape
from ..graph.tensor import Tensor
from ..kernels import array_layout
from .array_ops import stack, transpose
from .indexing_ops import slice as slice_
from .shape_ops import partial_ints, reshape, shape, static_int, static_ints


def _tile_shape(x, multiples):
    m = partial_ints(multiples)
    dims = x.shape.as_tuple()
    if dims is None:
        return TensorShape(None if m is None else [None] * len(m))
    if m is not None and len(m) != len(dims):
        raise ValueError(f"Expected multiples argument to be a vector of length {len(dims)} but "
                         f"got length {len(m)}")
    m = m or [None] * len(dims)
    return TensorShape([None if d is None or k is None else d * k for d, k in zip(dims, m)])


def _tile_grad(op, grad):
    from .math_ops import reduce_sum
    x, multiples = op.inputs
    rank = x.shape.ndims if x.shape.ndims is not None else multiples.shape[0].value
    if rank is None:
        raise ValueError("graphgrad differentiates tile only for inputs of known rank.")
    # The tiled axis i is laid out as [multiples[i], dims[i]]: sum over the multiples.
    pairs = transpose(stack([multiples, shape(x, out_type=multiples.dtype)]))
    dx = reduce_sum(reshape(grad, reshape(pairs, [-1])), axis=list(range(0, 2 * rank, 2)))
    dx.set_shape(x.shape)
    return [dx, None]


TILE = register_op("Tile", shape=_tile_shape, kernel=array_layout.tile, grad=_tile_grad,
                   same_dtype=False)


def tile(input, multiples, name=None):  # noqa: A002 - TF's argument name
    """`input` repeated multiples[i] times along each dim i (TF1 `tf.tile`)."""
    return TILE(input, convert_to_tensor(multiples, preferred_dtype=dtypes.int32), name=name)


def _pad_shape(x, paddings, *constant_values, mode=None):
    p_dims = paddings.shape.as_tuple()
    if p_dims is not None and (len(p_dims) != 2 or p_dims[1] not in (None, 2)):
        raise ValueError(f"paddings must be a matrix with 2 columns, got shape "
                         f"{paddings.shape.short()}")
    n = p_dims[0] if p_dims else None
    dims = x.shape.as_tuple()
    if dims is None:
        return TensorShape(None if n is None else [None] * n)
    if n is not None and n != len(dims):
        raise ValueError(f"The first dimension of paddings must be the rank of inputs"
                         f"[{n},2] {x.shape.short()}")
    value = constant_value(paddings)
    if value is None:
        return TensorShape([None] * len(dims))
    pads = np.reshape(value, (-1, 2)).tolist()
    if any(a < 0 or b < 0 for a, b in pads):
        raise ValueError(f"Paddings must be non-negative: {pads}")
    if mode is not None:
        for d, (a, b) in zip(dims, pads):
            if d is not None:
                array_layout.mirror_index(d, a, b, mode)
    return TensorShape([None if d is None else d + a + b for d, (a, b) in zip(dims, pads)])


def _pad_grad(op, grad):
    x, paddings = op.inputs[:2]
    dx = slice_(grad, paddings[:, 0], shape(x, out_type=paddings.dtype))
    return [dx] + [None] * (len(op.inputs) - 1)


PAD = register_op("Pad", shape=_pad_shape, kernel=array_layout.pad, grad=_pad_grad,
                  same_dtype=False)
PAD_V2 = register_op("PadV2", shape=_pad_shape, kernel=array_layout.pad, grad=_pad_grad,
                     same_dtype=(0, 2))


def _mirror_pad_grad_shape(grad, paddings, mode):
    dims = grad.shape.as_tuple()
    value = constant_value(paddings)
    if dims is None or value is None:
        return TensorShape(None if dims is None else [None] * len(dims))
    pads = np.reshape(value, (-1, 2)).tolist()
    return TensorShape([None if d is None else d - a - b for d, (a, b) in zip(dims, pads)])


MIRROR_PAD = register_op(
    "MirrorPad", shape=_pad_shape, kernel=array_layout.mirror_pad, same_dtype=False,
    grad=lambda op, grad: [MIRROR_PAD_GRAD(grad, op.inputs[1], mode=op.attrs["mode"]), None])
MIRROR_PAD_GRAD = register_op(
    "MirrorPadGrad", shape=_mirror_pad_grad_shape, kernel=array_layout.mirror_pad_grad,
    same_dtype=False,
    grad=lambda op, grad: [MIRROR_PAD(grad, op.inputs[1], mode=op.attrs["mode"]), None])


def pad(tensor, paddings, mode="CONSTANT", name=None, constant_values=0):
    """`tensor` padded by paddings[i] = [before, after] along each dim i with `constant_values`,
    or mirrored without (REFLECT) or with (SYMMETRIC) the edge element (TF1 `tf.pad`)."""
    mode = mode.upper()
    paddings = convert_to_tensor(paddings, preferred_dtype=dtypes.int32)
    if mode == "CONSTANT":
        if not isinstance(constant_values, Tensor) and np.all(np.asarray(constant_values) == 0):
            return PAD(tensor, paddings, name=name)
        return PAD_V2(tensor, paddings, constant_values, name=name)
    if mode in ("REFLECT", "SYMMETRIC"):
        return MIRROR_PAD(tensor, paddings, mode=mode, name=name)
    raise ValueError(f"Unknown padding mode: {mode}")


def _reverse_shape(x, axis):
    rank = x.shape.ndims
    if rank is not None:
        for a in axis:
            if not 0 <= a < rank:
                raise ValueError(f"'axis'[{axis.index(a)}] = {a} is out of valid range "
                                 f"[0, {rank})")
    if len(set(axis)) != len(axis):
        raise ValueError(f"axis {list(axis)} specified more than once.")
    return x.shape


REVERSE = register_op(
    "ReverseV2", shape=_reverse_shape,
    kernel=lambda xp, x, axis: xp.flip(x, axis=axis) if axis else x,
    grad=lambda op, grad: [REVERSE(grad, axis=op.attrs["axis"])])


def reverse(tensor, axis, name=None):
    """`tensor` with the order of elements along each dim in `axis` reversed (TF1 `tf.reverse`,
    `tf.reverse_v2`; op type ReverseV2).

    Differs from TF: `axis` must be known when the graph is built."""
    tensor = convert_to_tensor(tensor)
    axes = static_ints(axis, "axis")
    rank = tensor.shape.ndims
    if rank is not None:
        axes = [a + rank if -rank <= a < 0 else a for a in axes]
    return REVERSE(tensor, axis=tuple(axes), name=name)


reverse_v2 = reverse


def _reverse_sequence_shape(x, seq_lengths, seq_dim, batch_dim):
    lengths = seq_lengths.shape.with_rank(1)
    dims = x.shape.as_tuple()
    if dims is None:
        return x.shape
    for what, a in (("seq_dim", seq_dim), ("batch_dim", batch_dim)):
        if not 0 <= a < len(dims):
            raise ValueError(f"Invalid {what} {a} for input of rank {len(dims)}")
    if seq_dim == batch_dim:
        raise ValueError(f"seq_dim and batch_dim must not be the same ({seq_dim})")
    d, n = dims[batch_dim], lengths.as_tuple()[0]
    if d is not None and n is not None and d != n:
        raise ValueError(f"Dimensions must be equal, but are {d} and {n}")
    return TensorShape(dims[:batch_dim] + (d if d is not None else n,) + dims[batch_dim + 1:])


REVERSE_SEQUENCE = register_op(
    "ReverseSequence", shape=_reverse_sequence_shape, kernel=array_layout.reverse_sequence,
    same_dtype=False,
    grad=lambda op, grad: [REVERSE_SEQUENCE(grad, op.inputs[1], seq_dim=op.attrs["seq_dim"],
                                            batch_dim=op.attrs["batch_dim"]), None])


def reverse_sequence(input, seq_lengths, seq_axis=None, batch_axis=None, name=None,  # noqa: A002
                     seq_dim=None, batch_dim=None):
    """Reverses the first seq_lengths[b] elements along `seq_axis` (old `seq_dim`) of each slice
    b along `batch_axis` (old `batch_dim`, default 0) (TF1 `tf.reverse_sequence`)."""
    if seq_axis is not None and seq_dim is not None:
        raise ValueError("Cannot specify both 'seq_axis' and 'seq_dim'")
    if batch_axis is not None and batch_dim is not None:
        raise ValueError("Cannot specify both 'batch_axis' and 'batch_dim'")
    seq_axis = seq_dim if seq_axis is None else seq_axis
    batch_axis = batch_dim if batch_axis is None else batch_axis
    if seq_axis is None:
        raise ValueError("reverse_sequence needs seq_axis.")
    input = convert_to_tensor(input)  # noqa: A001
    rank = input.shape.ndims
    seq_axis = static_int(seq_axis, "seq_axis")
    batch_axis = 0 if batch_axis is None else static_int(batch_axis, "batch_axis")
    if rank is not None:
        seq_axis, batch_axis = (a + rank if -rank <= a < 0 else a for a in (seq_axis, batch_axis))
    seq_lengths = convert_to_tensor(seq_lengths, preferred_dtype=dtypes.int64)
    return REVERSE_SEQUENCE(input, seq_lengths, seq_dim=seq_axis, batch_dim=batch_axis,
                            name=name)


__all__ = ["pad", "reverse", "reverse_sequence", "reverse_v2", "tile"]
