"""Python operators on Tensor (and on anything that forwards to one, such as Variable), as TF1
builds them: `a + b` is an op named 'add' (its Python operand a Const 'add/y'), and a Python or
NumPy operand takes the tensor's dtype."""
from ..graph.constant import convert_to_tensor
from ..graph.default import name_scope
from ..graph.tensor import Tensor
from . import array_ops
from . import math_ops as m


def _is_tensor(x):
    return isinstance(x, Tensor) or hasattr(x, "_as_tensor")


def _convert_operand(value, like, name):
    """`value` as a tensor, of `like`'s dtype where it fits (a float never becomes an int)."""
    if _is_tensor(value):
        return convert_to_tensor(value)
    if isinstance(value, float) and not (like.dtype.is_floating or like.dtype.is_complex):
        raise TypeError(f"Expected {like.dtype.name}, got {value!r} of type 'float' instead: "
                        f"TF does not mix the {like.dtype.name} tensor {like.name} with a Python "
                        f"float. Cast the tensor with tf.cast, or use an int.")
    return convert_to_tensor(value, preferred_dtype=like.dtype, name=name)


def _binary(fn, key):
    """`x <op> y` and the reflected `y <op> x` for the tensor x, in an op named `key`."""
    def forward(self, other):
        with name_scope(None, key, [self]) as scope:
            try:
                other = _convert_operand(other, self, "y")
            except TypeError:
                # Let a tensor-aware type (a SparseTensor, say) implement the operator.
                if hasattr(type(other), f"__r{key}__") and not _is_plain_value(other):
                    return NotImplemented
                raise
            return fn(self, other, name=scope)

    def reverse(self, other):
        with name_scope(None, key, [self]) as scope:
            return fn(_convert_operand(other, self, "x"), self, name=scope)
    return forward, reverse


def _is_plain_value(x):
    import numpy as np
    return isinstance(x, (bool, int, float, complex, list, tuple, np.ndarray, np.generic))


def _compare(fn, op_type):
    # TF1 applies the op itself here ('Less', not 'lt'); its Python operand is 'Less/y'.
    def compare(self, other):
        with name_scope(None, op_type, [self]) as scope:
            return fn(self, _convert_operand(other, self, "y"), name=scope)
    return compare


# TF1 names operator-made ops in lower case ('add', 'mul'), unlike tf.add ('Add').
BINARY = {
    "add": m.add, "sub": m.subtract, "mul": m.multiply, "truediv": m.truediv,
    "floordiv": m.floordiv, "mod": m.floormod, "pow": m.pow, "matmul": m.matmul,
    "and": m.logical_and, "or": m.logical_or, "xor": m.logical_xor,
}
COMPARE = {"lt": (m.less, "Less"), "le": (m.less_equal, "LessEqual"),
           "gt": (m.greater, "Greater"), "ge": (m.greater_equal, "GreaterEqual")}


def overload(cls, as_tensor=convert_to_tensor):
    """Adds the TF operators to `cls`; `as_tensor(self)` gives the Tensor they act on."""
    # NumPy then defers `ndarray * x` to x.__rmul__ instead of looping over the array.
    cls.__array_priority__ = 100
    for key, fn in BINARY.items():
        forward, reverse = _binary(fn, key)
        setattr(cls, f"__{key}__", _on_tensor(forward, as_tensor))
        setattr(cls, f"__r{key}__", _on_tensor(reverse, as_tensor))
    cls.__div__, cls.__rdiv__ = cls.__truediv__, cls.__rtruediv__
    for key, (fn, op_type) in COMPARE.items():
        setattr(cls, f"__{key}__", _on_tensor(_compare(fn, op_type), as_tensor))
    cls.__neg__ = _on_tensor(lambda self: m.negative(self), as_tensor)
    cls.__abs__ = _on_tensor(lambda self: m.abs(self), as_tensor)
    cls.__invert__ = _on_tensor(lambda self: m.logical_not(self), as_tensor)
    cls.__getitem__ = _on_tensor(array_ops.slice_helper, as_tensor)


def _on_tensor(method, as_tensor):
    if as_tensor is convert_to_tensor:
        return method

    def on_value(self, *args):
        return method(as_tensor(self), *args)
    return on_value


overload(Tensor)
