"""The two source ops the runtime fills itself (Const, Placeholder) and `convert_to_tensor`."""
import numpy as np

from . import dtypes as _dtypes
from .registry import get_opdef, register_op
from .shapes import TensorShape, as_shape
from .tensor import Tensor

# No kernels: a plan preloads constants once and writes feeds straight into their slots.
CONST = register_op("Const", shape=lambda value, dtype: value.shape, dtype=lambda i, a: a["dtype"],
                    same_dtype=False, differentiable=False)
PLACEHOLDER = register_op("Placeholder", shape=lambda dtype, shape: shape,
                          dtype=lambda i, a: a["dtype"], same_dtype=False, differentiable=False)

_PYTHON_SCALARS = (bool, int, float, complex)


def _infer_array(value):
    """TF's defaults: Python floats become float32 and ints int32; NumPy values keep theirs."""
    arr = np.asarray(value)
    if isinstance(value, (np.ndarray, np.generic)) and arr.dtype.kind not in "OUS":
        return arr
    if arr.dtype == np.float64:
        return arr.astype(np.float32)
    if arr.dtype == np.int64:
        info = np.iinfo(np.int32)
        if arr.size == 0 or (arr.min() >= info.min and arr.max() <= info.max):
            return arr.astype(np.int32)
    if arr.dtype.kind in "OUS":
        strings = string_array(value)
        if strings is None:
            raise TypeError(f"Cannot convert {value!r} to a Tensor: unsupported element type "
                            f"{arr.dtype}.")
        return strings
    return arr


def string_array(value):
    """`value` (str, bytes or nested lists or arrays of them) as TF holds strings: an object
    array of bytes, str encoded as UTF-8; None when an element is not a string."""
    # An object array keeps bytes whole; NumPy's fixed-width 'S' arrays drop trailing NULs.
    arr = value if isinstance(value, np.ndarray) else np.array(value, dtype=object)
    items = [v.encode() if isinstance(v, str) else v for v in arr.reshape(-1).tolist()]
    if not all(isinstance(v, bytes) for v in items):
        return None
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out.reshape(arr.shape)


def _cast_exactly(arr, dtype, value):
    target = dtype.np
    if dtype == _dtypes.string:
        strings = string_array(value)
        if strings is None:
            raise TypeError(f"Expected string, got {value!r} of type '{type(value).__name__}' "
                            "instead.")
        return strings
    if arr.dtype == target:
        return arr
    if arr.dtype.kind in "OUS":
        raise TypeError(f"Expected {dtype.name}, got {value!r} of type "
                        f"'{type(value).__name__}' instead.")
    out = arr.astype(target)
    lossy = arr.dtype.kind in "fc" and target.kind in "iub"
    # TF refuses Python floats for integer dtypes even when integral (`int_t * 2.0`).
    from_python = arr.size > 0 and not isinstance(value, (np.ndarray, np.generic))
    if lossy and (from_python or not np.array_equal(out, arr)):
        raise TypeError(f"Expected {dtype.name}, got {value!r} of type "
                        f"'{type(value).__name__}' instead.")
    return out


def constant(value, dtype=None, shape=None, name="Const", verify_shape=False):
    """A tensor whose value is fixed in the graph (TF1 `tf.constant`)."""
    arr = _infer_array(value) if dtype is None else \
        _cast_exactly(np.asarray(value), _dtypes.as_dtype(dtype), value)
    if shape is not None:
        shape = tuple(as_shape(shape).as_list())
        if arr.shape != shape:
            if verify_shape:
                raise TypeError(f"Expected Tensor's shape: {shape}, got {arr.shape}.")
            needed = int(np.prod(shape))
            if arr.size > needed:
                raise ValueError(f"Too many elements provided. Needed at most {needed}, but "
                                 f"received {arr.size}")
            if arr.size == 0 and needed:
                raise ValueError(f"Cannot fill shape {shape} from an empty value.")
            # TF1 fills the entries the value does not cover with its last element.
            flat = arr.reshape(-1)
            if arr.size < needed:
                flat = np.concatenate([flat, np.repeat(flat[-1:], needed - arr.size)])
            arr = flat.reshape(shape)
    arr = np.array(arr, copy=True)
    arr.flags.writeable = False
    return CONST(value=arr, dtype=_dtypes.as_dtype(arr.dtype), name=name)


def placeholder(dtype, shape=None, name=None):
    """A tensor whose value must be fed to `Session.run` (TF1 `tf.placeholder`)."""
    return PLACEHOLDER(dtype=_dtypes.as_dtype(dtype), shape=TensorShape(shape), name=name)


def convert_to_tensor(value, dtype=None, name=None, preferred_dtype=None):
    """Tensors pass through (dtype-checked); Variables give their value; the rest become Const."""
    if not isinstance(value, Tensor) and hasattr(value, "_as_tensor"):
        value = value._as_tensor()
    if isinstance(value, Tensor):
        if dtype is not None and _dtypes.as_dtype(dtype) != value.dtype:
            raise ValueError(f"Tensor conversion requested dtype {_dtypes.as_dtype(dtype).name} "
                             f"for Tensor with dtype {value.dtype.name}: {value!r}")
        return value
    if isinstance(value, (list, tuple)) and _contains_tensor(value):
        # Pack comes from ops/array_ops; found by type so that graph/ never imports ops/.
        return get_opdef("Pack")(*[convert_to_tensor(v, dtype, preferred_dtype=preferred_dtype)
                                   for v in value], axis=0, name=name or "packed")
    if value is None:
        raise ValueError("None values not supported: an op input is None. Check that every "
                         "tensor you pass has been created (a function may have returned None).")
    if dtype is None and preferred_dtype is not None:
        try:
            return constant(value, dtype=preferred_dtype, name=name or "Const")
        except TypeError:
            pass
    return constant(value, dtype=dtype, name=name or "Const")


def _contains_tensor(seq):
    for v in seq:
        if isinstance(v, Tensor) or hasattr(v, "_as_tensor"):
            return True
        if isinstance(v, (list, tuple)) and _contains_tensor(v):
            return True
    return False


def constant_value(tensor):
    """The value of `tensor` if it is known while building the graph, else None."""
    tensor = convert_to_tensor(tensor)
    op = tensor.op
    if op.type == "Const":
        return op.attrs["value"]
    if op.type == "Shape" and op.inputs[0].shape.is_fully_defined():
        return np.array(op.inputs[0].shape.as_list(), dtype=tensor.dtype.np)
    if op.type == "Size" and op.inputs[0].shape.is_fully_defined():
        return np.array(op.inputs[0].shape.num_elements(), dtype=tensor.dtype.np)
    if op.type == "Rank" and op.inputs[0].shape.ndims is not None:
        return np.array(op.inputs[0].shape.ndims, dtype=tensor.dtype.np)
    if op.type == "Pack":
        parts = [constant_value(t) for t in op.inputs]
        if all(p is not None for p in parts):
            return np.stack(parts, axis=op.attrs.get("axis", 0))
    if op.type in ("Identity", "Cast") and op.inputs:
        inner = constant_value(op.inputs[0])
        return None if inner is None else inner.astype(tensor.dtype.np)
    return None


def partial_shape_value(tensor):
    """A 1-D shape tensor's value as a TensorShape with None for dims unknown at build time."""
    value = constant_value(tensor)
    if value is not None:
        return TensorShape([None if d < 0 else int(d) for d in np.reshape(value, (-1,))])
    op = tensor.op
    if op.type == "Shape":
        return op.inputs[0].shape
    if op.type == "Pack":
        dims = []
        for t in op.inputs:
            v = constant_value(t)
            dims.append(None if v is None or int(v) < 0 else int(v))
        return TensorShape(dims)
    n = tensor.shape[0].value if tensor.shape.ndims == 1 else None
    return TensorShape(None if n is None else [None] * n)
