"""Nested element structures (tuples, namedtuples, dicts) as TF's tf.data nest sees them: lists
are values (converted to one tensor), not structure."""
import numpy as np

from ..graph import dtypes
from ..graph.constant import _infer_array
from ..graph.tensor import Tensor


def is_tensor(x):
    return isinstance(x, Tensor) or hasattr(x, "_as_tensor")


def flatten(structure):
    """The leaves, dict keys in sorted order as TF's nest does."""
    if isinstance(structure, dict):
        return [leaf for k in sorted(structure) for leaf in flatten(structure[k])]
    if isinstance(structure, tuple):
        return [leaf for item in structure for leaf in flatten(item)]
    return [structure]


def pack(template, leaves):
    """`template` with its leaves replaced, in order, by `leaves`."""
    return _pack(template, iter(leaves))


def _pack(template, it):
    if isinstance(template, dict):
        packed = {k: _pack(template[k], it) for k in sorted(template)}
        return type(template)((k, packed[k]) for k in template)
    if isinstance(template, tuple):
        items = [_pack(t, it) for t in template]
        if hasattr(template, "_fields"):  # namedtuple
            return type(template)(*items)
        return tuple(items)
    return next(it)


def source_leaf(value):
    """A leaf of from_tensors/from_tensor_slices: a Tensor (captured, evaluated when the iterator
    starts) or a NumPy array with TF's default dtype (Python floats float32, ints int32)."""
    if is_tensor(value):
        return value
    if isinstance(value, (list, tuple)) and any(is_tensor(v) for v in flatten(tuple(value))):
        from ..graph.constant import convert_to_tensor
        return convert_to_tensor(value)
    arr = _infer_array(value)
    dtypes.as_dtype(arr.dtype)  # raises TypeError for dtypes graphs cannot hold
    return arr


def leaf_spec(leaf):
    """(DType, TensorShape) of a source leaf."""
    from ..graph.shapes import TensorShape
    if is_tensor(leaf):
        t = leaf._as_tensor() if not isinstance(leaf, Tensor) else leaf
        return t.dtype, t.shape
    return dtypes.as_dtype(leaf.dtype), TensorShape(leaf.shape)


def as_tensor(leaf):
    return leaf if isinstance(leaf, Tensor) else leaf._as_tensor()


def cast_exact(arr, dtype):
    arr = np.asarray(arr)
    return arr if arr.dtype == dtype.np else arr.astype(dtype.np)
