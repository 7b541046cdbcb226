"""Pre-1.0 and TF1 alternative names that old tutorials still use (`tf.mul`, `tf.select`, ...)."""
from . import array_ops, math_ops

mul = math_ops.multiply
sub = math_ops.subtract
neg = math_ops.negative
select = math_ops.where
mod = math_ops.floormod
pack = array_ops.stack
unpack = array_ops.unstack

__all__ = ["mul", "sub", "neg", "select", "mod", "pack", "unpack"]
