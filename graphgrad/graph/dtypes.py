"""TF's DType objects and `as_dtype`; a thin layer over NumPy's dtypes."""
import builtins

import numpy as np


class DType:
    """A tensor element type (TF1 `tf.DType`)."""

    __slots__ = ("name", "_np")

    def __init__(self, name, np_dtype):
        self.name = name
        self._np = np.dtype(np_dtype)

    @property
    def as_numpy_dtype(self):
        return self._np.type

    @property
    def np(self):
        """The numpy.dtype (graphgrad's shorthand)."""
        return self._np

    @property
    def base_dtype(self):
        return self

    @property
    def real_dtype(self):
        return self

    @property
    def is_floating(self):
        return self._np.kind == "f"

    @property
    def is_integer(self):
        return self._np.kind in "iu"

    @property
    def is_unsigned(self):
        return self._np.kind == "u"

    @property
    def is_bool(self):
        return self._np.kind == "b"

    @property
    def is_complex(self):
        return self._np.kind == "c"

    @property
    def is_numpy_compatible(self):
        return True

    @property
    def size(self):
        return self._np.itemsize

    @property
    def min(self):
        if self.is_bool:
            return False
        info = np.finfo(self._np) if self.is_floating else np.iinfo(self._np)
        return info.min

    @property
    def max(self):
        if self.is_bool:
            return True
        info = np.finfo(self._np) if self.is_floating else np.iinfo(self._np)
        return info.max

    def is_compatible_with(self, other):
        return self == as_dtype(other)

    def __eq__(self, other):
        if other is None:
            return False
        try:
            return self is as_dtype(other)
        except TypeError:
            return False

    def __ne__(self, other):
        return not self == other

    def __hash__(self):
        return hash(self.name)

    def __repr__(self):
        return f"tf.{self.name}"

    def __str__(self):  # as TF prints a dtype: print(t.dtype) -> <dtype: 'float32'>
        return f"<dtype: '{self.name}'>"

    def __reduce__(self):
        return as_dtype, (self.name,)


float16 = half = DType("float16", np.float16)
float32 = DType("float32", np.float32)
float64 = double = DType("float64", np.float64)
int8 = DType("int8", np.int8)
int16 = DType("int16", np.int16)
int32 = DType("int32", np.int32)
int64 = DType("int64", np.int64)
uint8 = DType("uint8", np.uint8)
uint16 = DType("uint16", np.uint16)
uint32 = DType("uint32", np.uint32)
uint64 = DType("uint64", np.uint64)
bool = DType("bool", np.bool_)  # noqa: A001 - TF's public name
complex64 = DType("complex64", np.complex64)
complex128 = DType("complex128", np.complex128)

_ALL = [float16, float32, float64, int8, int16, int32, int64, uint8, uint16, uint32, uint64,
        bool, complex64, complex128]
_BY_NAME = {d.name: d for d in _ALL}
_BY_NAME.update(half=float16, float=float32, double=float64)
_BY_NP = {d.np: d for d in _ALL}
# Byte strings live in object arrays of bytes; as in TF, as_dtype(object) is tf.string.
string = DType("string", np.object_)
_BY_NAME["string"] = string
_BY_NP[string.np] = string
_PYTHON = {float: float32, int: int32, builtins.bool: bool}


def as_dtype(type_value):
    """Converts a DType, name, NumPy dtype or Python type to a DType."""
    if isinstance(type_value, DType):
        return type_value
    if isinstance(type_value, str):
        if type_value in _BY_NAME:
            return _BY_NAME[type_value]
    elif type_value in _PYTHON:
        return _PYTHON[type_value]
    else:
        try:
            found = _BY_NP.get(np.dtype(type_value))
        except TypeError:
            found = None
        if found is not None:
            return found
    raise TypeError(f"Cannot convert value {type_value!r} to a graphgrad DType.")
