"""`tf.compat` and the TF 1.x-on-2.x switches that migrated scripts call: graphgrad is always in
graph mode, so `tf.compat.v1` is graphgrad itself and the switches change nothing."""
import sys


def disable_v2_behavior():
    """Accepted for `import tensorflow.compat.v1 as tf` scripts; graphgrad is TF1 already."""


def disable_eager_execution():
    """Accepted for TF 2.x scripts run in graph mode; graphgrad never executes eagerly."""


def executing_eagerly():
    """Always False: graphgrad builds graphs and runs them in a Session."""
    return False


def __getattr__(name):
    if name == "v1":
        return sys.modules["graphgrad"]
    raise AttributeError(f"module 'graphgrad.compat' has no attribute '{name}'")
