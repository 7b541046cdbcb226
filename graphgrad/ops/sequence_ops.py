"""Ops that make tensors from sizes and values: range, linspace, one_hot, eye, sequence_mask,
meshgrid and unique. None of them is differentiable in TF1 except meshgrid."""
import collections

import numpy as np

from ..graph import dtypes
from ..graph.constant import constant, constant_value, convert_to_tensor
from ..graph.default import name_scope
from ..graph.registry import register_op
from ..graph.shapes import TensorShape
from ..graph.tensor import Tensor
from ..kernels import array_make
from .array_ops import concat, stack
from .shape_ops import broadcast_to, expand_dims, reshape, size


def _scalar_inputs(*tensors):
    for t in tensors:
        if t.shape.ndims not in (None, 0):
            raise ValueError(f"Shape must be rank 0 but is rank {t.shape.ndims}")


def _range_shape(start, limit, delta):
    _scalar_inputs(start, limit, delta)
    values = [constant_value(t) for t in (start, limit, delta)]
    if any(v is None for v in values):
        return [None]
    s, lim, d = (np.asarray(v, dtype=start.dtype.np) for v in values)
    if d == 0:
        raise ValueError("Requires delta != 0")
    if (d > 0 and s > lim) or (d < 0 and s < lim):
        sign, relation = (">", "<=") if d > 0 else ("<", ">=")
        raise ValueError(f"Requires start {relation} limit when delta {sign} 0: {s}/{lim}")
    if start.dtype.is_integer:
        return [(abs(int(lim) - int(s)) + abs(int(d)) - 1) // abs(int(d))]
    return [int(np.ceil(np.abs((lim - s) / d)))]


RANGE = register_op("Range", shape=_range_shape, kernel=array_make.range_,
                    differentiable=False)
_RANGE_DTYPES = [dtypes.int32, dtypes.int64, dtypes.float32, dtypes.float64]


def range(start, limit=None, delta=1, dtype=None, name="range"):  # noqa: A001 - TF's name
    """[start, start + delta, ...) up to `limit` (exclusive); `range(n)` counts from 0. The dtype
    is the widest of the arguments' (Python ints give int32) (TF1 `tf.range`)."""
    from .math_ops import cast
    if limit is None:
        start, limit = 0, start
    with name_scope(name, "Range", [start, limit, delta]) as scope:
        args = [convert_to_tensor(v, dtype=dtype, name=n)
                for v, n in zip((start, limit, delta), ("start", "limit", "delta"))]
        if dtype is None:
            for t in args:
                if t.dtype not in _RANGE_DTYPES:
                    raise TypeError(f"range does not support dtype {t.dtype.name}")
            widest = max((t.dtype for t in args), key=_RANGE_DTYPES.index)
            args = [t if t.dtype == widest else cast(t, widest) for t in args]
        return RANGE(*args, name=scope)


def _linspace_shape(start, stop, num):
    _scalar_inputs(start, stop, num)
    n = constant_value(num)
    if n is not None and int(n) <= 0:
        raise ValueError(f"Requires num > 0: {int(n)}")
    return [None if n is None else int(n)]


LIN_SPACE = register_op("LinSpace", shape=_linspace_shape, kernel=array_make.linspace,
                        same_dtype=(0, 1), differentiable=False)


def lin_space(start, stop, num, name=None):
    """`num` evenly spaced values from `start` to `stop`, both included (TF1 `tf.lin_space`,
    `tf.linspace`)."""
    start = convert_to_tensor(start)
    stop = convert_to_tensor(stop, preferred_dtype=start.dtype)
    if not start.dtype.is_floating:
        raise TypeError(f"Value passed to parameter 'start' has DataType {start.dtype.name} not "
                        f"in list of allowed values: float32, float64")
    num = convert_to_tensor(num, preferred_dtype=dtypes.int32)
    return LIN_SPACE(start, stop, num, name=name)


linspace = lin_space


def _one_hot_shape(indices, depth, on_value, off_value, axis):
    dims = indices.shape.as_tuple()
    d = constant_value(depth)
    if dims is None:
        return TensorShape(None)
    if not -1 <= axis <= len(dims):
        raise ValueError(f"Expected axis to be -1 or between [0, {len(dims) + 1}).  But "
                         f"received: {axis}")
    at = len(dims) if axis == -1 else axis
    return TensorShape(dims[:at] + (None if d is None else int(d),) + dims[at:])


ONE_HOT = register_op("OneHot", shape=_one_hot_shape, kernel=array_make.one_hot,
                      same_dtype=(2, 3), dtype=lambda i, a: i[2].dtype, differentiable=False)


def _value_dtype(value, dtype):
    if value is None:
        return None
    return convert_to_tensor(value, preferred_dtype=dtype).dtype


def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    """A one-hot encoding of `indices` along a new dim `axis` (default last) of size `depth`;
    the dtype comes from on/off_value, else `dtype`, else float32 (TF1 `tf.one_hot`)."""
    with name_scope(name, "one_hot", [indices, depth, on_value, off_value]) as scope:
        indices = convert_to_tensor(indices, preferred_dtype=dtypes.int64)
        if not indices.dtype.is_integer:
            raise TypeError(f"indices must be an integer tensor, got {indices.dtype.name}")
        dtype = None if dtype is None else dtypes.as_dtype(dtype)
        on_dtype, off_dtype = _value_dtype(on_value, dtype), _value_dtype(off_value, dtype)
        for which, found in (("on_value", on_dtype), ("off_value", off_dtype)):
            if found is not None and dtype is not None and found != dtype:
                raise TypeError(f"dtype {found.name} of {which} does not match dtype parameter "
                                f"{dtype.name}")
        if on_dtype is not None and off_dtype is not None and on_dtype != off_dtype:
            raise TypeError(f"dtype {on_dtype.name} of on_value does not match dtype "
                            f"{off_dtype.name} of off_value")
        dtype = dtype or on_dtype or off_dtype or dtypes.float32
        on = convert_to_tensor(1 if on_value is None else on_value, dtype=dtype,
                               name="on_value")
        off = convert_to_tensor(0 if off_value is None else off_value, dtype=dtype,
                                name="off_value")
        depth = convert_to_tensor(depth, dtype=dtypes.int32)
        return ONE_HOT(indices, depth, on, off, axis=-1 if axis is None else int(axis),
                       name=scope)


def _static_or_none(value):
    if value is None or isinstance(value, (int, np.integer)):
        return value
    found = constant_value(value)
    return None if found is None else int(found)


def eye(num_rows, num_columns=None, batch_shape=None, dtype=dtypes.float32, name=None):
    """Identity matrices [*batch_shape, num_rows, num_columns] (TF1 `tf.eye`)."""
    from .math_ops import cast, equal
    dtype = dtypes.as_dtype(dtype)
    with name_scope(name, "eye", [num_rows, num_columns, batch_shape]):
        rows = _static_or_none(num_rows)
        cols = rows if num_columns is None else _static_or_none(num_columns)
        batch = [] if batch_shape is None else batch_shape
        static_batch = None if isinstance(batch, Tensor) else [_static_or_none(b) for b in batch]
        if rows is not None and cols is not None and static_batch is not None \
                and None not in static_batch:
            matrix = np.eye(rows, cols, dtype=dtype.np)
            return constant(np.broadcast_to(matrix, tuple(static_batch) + matrix.shape))
        cols_t = num_rows if num_columns is None else num_columns
        matrix = cast(equal(expand_dims(range(num_rows), 1), range(cols_t)), dtype)
        if batch_shape is None:
            return matrix
        return broadcast_to(matrix, concat([batch, stack([num_rows, cols_t])], 0))


def sequence_mask(lengths, maxlen=None, dtype=dtypes.bool, name=None):
    """mask[i..., j] = j < lengths[i...], with `maxlen` columns (default max(lengths))
    (TF1 `tf.sequence_mask`)."""
    from .math_ops import cast, less, maximum, reduce_max
    with name_scope(name, "SequenceMask", [lengths, maxlen]):
        lengths = convert_to_tensor(lengths)
        if maxlen is None:
            maxlen = maximum(constant(0, dtype=lengths.dtype), reduce_max(lengths))
        else:
            maxlen = convert_to_tensor(maxlen)
        if maxlen.shape.ndims not in (None, 0):
            raise ValueError("maxlen must be scalar for sequence_mask")
        row = range(constant(0, dtype=maxlen.dtype), maxlen, constant(1, dtype=maxlen.dtype))
        matrix = cast(expand_dims(lengths, -1), maxlen.dtype)
        result = less(row, matrix)
        dtype = dtypes.as_dtype(dtype)
        return result if dtype == dtypes.bool else cast(result, dtype)


def meshgrid(*args, **kwargs):
    """Coordinate grids from 1-D coordinate vectors, 'xy' (Cartesian, default) or 'ij' (matrix)
    indexing (TF1 `tf.meshgrid`)."""
    indexing = kwargs.pop("indexing", "xy")
    name = kwargs.pop("name", "meshgrid")
    if kwargs:
        raise TypeError(f"'{next(iter(kwargs))}' is an invalid keyword argument for this "
                        f"function")
    if indexing not in ("xy", "ij"):
        raise ValueError("indexing parameter must be either 'xy' or 'ij'")
    with name_scope(name, "meshgrid", args):
        ndim = len(args)
        ones = (1,) * ndim
        grids = [reshape(x, ones[:i] + (-1,) + ones[i + 1:]) for i, x in enumerate(args)]
        sizes = [size(x) for x in args]
        if indexing == "xy" and ndim > 1:
            grids[0] = reshape(args[0], (1, -1) + ones[2:])
            grids[1] = reshape(args[1], (-1, 1) + ones[2:])
            sizes[0], sizes[1] = sizes[1], sizes[0]
        out_shape = stack(sizes)
        return [broadcast_to(g, out_shape) for g in grids]


def _unique_shape(x, out_idx):
    x.shape.with_rank(1)
    return [[None], x.shape]


UNIQUE = register_op("Unique", shape=_unique_shape, kernel=array_make.unique, num_outputs=2,
                     dtype=lambda i, a: [i[0].dtype, a["out_idx"]], differentiable=False)
UniqueOutput = collections.namedtuple("Unique", ["y", "idx"])


def unique(x, out_idx=dtypes.int32, name=None):
    """The distinct elements of the 1-D `x` in order of first occurrence, and for each element
    of x its position in them (TF1 `tf.unique`)."""
    y, idx = UNIQUE(x, out_idx=dtypes.as_dtype(out_idx), name=name)
    return UniqueOutput(y, idx)


__all__ = ["eye", "lin_space", "linspace", "meshgrid", "one_hot", "range", "sequence_mask",
           "unique"]
