"""Python operators on Tensor (and on anything that forwards to one, such as Variable)."""
from ..graph.constant import convert_to_tensor
from ..graph.tensor import Tensor
from . import array_ops, math_ops as m


def _binary(fn, name):
    def forward(self, other):
        return fn(self, other, name=name)

    def reverse(self, other):
        return fn(other, self, name=name)
    return forward, reverse


def _and(x, y, name):
    return m.logical_and(x, y, name=name)


def _or(x, y, name):
    return m.logical_or(x, y, name=name)


def _xor(x, y, name):
    return m.logical_xor(x, y, name=name)


# TF1 names operator-made ops in lower case ('add', 'mul'), unlike tf.add ('Add').
BINARY = {
    "add": (m.add, "add"), "sub": (m.subtract, "sub"), "mul": (m.multiply, "mul"),
    "truediv": (m.truediv, "truediv"), "floordiv": (m.floordiv, "floordiv"),
    "mod": (m.floormod, "mod"), "pow": (m.pow, "pow"), "matmul": (m.matmul, "matmul"),
    "and": (_and, "and"), "or": (_or, "or"), "xor": (_xor, "xor"),
}
COMPARE = {"lt": m.less, "le": m.less_equal, "gt": m.greater, "ge": m.greater_equal}


def overload(cls, as_tensor=convert_to_tensor):
    """Adds the TF operators to `cls`; `as_tensor(self)` gives the Tensor they act on."""
    for key, (fn, name) in BINARY.items():
        forward, reverse = _binary(fn, name)
        setattr(cls, f"__{key}__", _on_tensor(forward, as_tensor))
        setattr(cls, f"__r{key}__", _on_tensor(reverse, as_tensor))
    cls.__div__, cls.__rdiv__ = cls.__truediv__, cls.__rtruediv__
    for key, fn in COMPARE.items():
        setattr(cls, f"__{key}__", _on_tensor(lambda self, other, fn=fn: fn(self, other),
                                              as_tensor))
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
