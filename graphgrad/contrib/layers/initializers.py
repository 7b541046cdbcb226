"""`tf.contrib.layers` initializers: xavier_initializer and its variance_scaling_initializer
(TF1 contrib semantics: factor, 'FAN_IN'/'FAN_OUT'/'FAN_AVG', uniform, and a truncated normal
of stddev sqrt(1.3 * factor / n))."""
import math

from ...graph import dtypes
from ...ops import init_ops, random_ops


def variance_scaling_initializer(factor=2.0, mode="FAN_IN", uniform=False, seed=None,
                                 dtype=dtypes.float32):
    """Samples of variance factor / n, n = fan_in, fan_out or their mean (TF1
    `tf.contrib.layers.variance_scaling_initializer`; the default is He initialization)."""
    if not dtypes.as_dtype(dtype).is_floating:
        raise TypeError("Cannot create initializer for non-floating point type.")
    if mode not in ["FAN_IN", "FAN_OUT", "FAN_AVG"]:
        raise TypeError(f"Unknown mode {mode} [FAN_IN, FAN_OUT, FAN_AVG]")

    def _initializer(shape, dtype=dtype, partition_info=None):
        dtype = dtypes.as_dtype(dtype)
        if not dtype.is_floating:
            raise TypeError("Cannot create initializer for non-floating point type.")
        shape = [int(d) for d in shape]
        fan_in, fan_out = init_ops._compute_fans(shape)
        n = {"FAN_IN": fan_in, "FAN_OUT": fan_out, "FAN_AVG": (fan_in + fan_out) / 2.0}[mode]
        if uniform:
            limit = math.sqrt(3.0 * factor / n)
            return random_ops.random_uniform(shape, -limit, limit, dtype, seed=seed)
        trunc_stddev = math.sqrt(1.3 * factor / n)
        return random_ops.truncated_normal(shape, 0.0, trunc_stddev, dtype, seed=seed)

    return _initializer


def xavier_initializer(uniform=True, seed=None, dtype=dtypes.float32):
    """Glorot initialization: uniform in +-sqrt(6 / (fan_in + fan_out)), or a truncated normal
    (TF1 `tf.contrib.layers.xavier_initializer`)."""
    return variance_scaling_initializer(factor=1.0, mode="FAN_AVG", uniform=uniform, seed=seed,
                                        dtype=dtype)


xavier_initializer_conv2d = xavier_initializer
