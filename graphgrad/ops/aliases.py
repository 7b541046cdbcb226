"""Pre-1.0 and TF1 alternative names that old tutorials still use (`tf.mul`, `tf.select`, ...)."""
from ..graph import dtypes
from . import array_ops, math_ops

mul = math_ops.multiply
sub = math_ops.subtract
neg = math_ops.negative
select = math_ops.where
mod = math_ops.floormod
pack = array_ops.stack
unpack = array_ops.unstack


def arg_max(input, dimension, output_type=dtypes.int64, name=None):  # noqa: A002
    """Old `tf.arg_max`: index of the largest value along `dimension`."""
    return math_ops.argmax(input, axis=dimension, output_type=output_type, name=name)


def arg_min(input, dimension, output_type=dtypes.int64, name=None):  # noqa: A002
    """Old `tf.arg_min`: index of the smallest value along `dimension`."""
    return math_ops.argmin(input, axis=dimension, output_type=output_type, name=name)


__all__ = ["mul", "sub", "neg", "select", "mod", "pack", "unpack", "arg_max", "arg_min"]
