"""String kernels: whole-file reads and writes, DecodeRaw and StringJoin over object arrays of
bytes (graphgrad's tf.string)."""
import os

import numpy as np

from .. import errors


def as_bytes(value):
    value = value.item() if isinstance(value, np.ndarray) else value
    return value.encode() if isinstance(value, str) else bytes(value)


def _object_array(items, shape):
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out.reshape(shape)


# --- whole files ------------------------------------------------------------------------

def _os_error(e, path, op):
    where = f"\n  in op {errors.describe_op(op)}" if op is not None else ""
    kinds = ((FileNotFoundError, errors.NotFoundError, "No such file or directory"),
             (IsADirectoryError, errors.FailedPreconditionError, "Is a directory"),
             (PermissionError, errors.PermissionDeniedError, "Permission denied"))
    for os_cls, tf_cls, text in kinds:
        if isinstance(e, os_cls):
            return tf_cls(None, op, f"{path}; {text}{where}")
    return errors.UnknownError(None, op, f"{path}; {e.strerror or e}{where}")


def read_file(xp, filename, op=None):
    """ReadFile: the whole file as one bytes scalar."""
    path = os.fsdecode(as_bytes(filename))
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise _os_error(e, path, op) from None
    return np.array(data, dtype=object)


def write_file(xp, filename, contents, op=None):
    """WriteFile: replaces the file with `contents`, creating missing parent folders as TF."""
    path = os.fsdecode(as_bytes(filename))
    try:
        parent = os.path.dirname(path)
        if parent:
            os.makedirs(parent, exist_ok=True)
        with open(path, "wb") as f:
            f.write(as_bytes(contents))
    except OSError as e:
        raise _os_error(e, path, op) from None


def decode_raw(xp, data, out_type, little_endian=True, **_):
    """DecodeRaw: each string's bytes as a vector of `out_type` (all strings the same size)."""
    dtype = np.dtype(out_type.np).newbyteorder("<" if little_endian else ">")
    items = [as_bytes(v) for v in np.reshape(data, (-1,)).tolist()]
    width = len(items[0]) if items else 0
    for k, item in enumerate(items):
        if len(item) != width:
            raise ValueError(f"DecodeRaw requires input strings to all be the same size, but "
                             f"element {k} has size {len(item)} != {width}")
    if width % dtype.itemsize:
        raise ValueError(f"Input to DecodeRaw has length {width} that is not a multiple of "
                         f"{dtype.itemsize}, the size of {out_type.name}")
    flat = np.frombuffer(b"".join(items), dtype=dtype).astype(out_type.np)
    return flat.reshape(np.shape(data) + (width // dtype.itemsize,))


def string_join(xp, *inputs, separator=""):
    """StringJoin: elementwise concatenation, scalars broadcast against the others."""
    sep = as_bytes(separator)
    arrays = np.broadcast_arrays(*[np.asarray(a, dtype=object) for a in inputs])
    shape = arrays[0].shape if arrays else ()
    columns = [[as_bytes(v) for v in a.reshape(-1).tolist()] for a in arrays]
    return _object_array([sep.join(parts) for parts in zip(*columns)], shape)
