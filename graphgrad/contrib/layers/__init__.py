"""The `tf.contrib.layers` namespace (TF1): re-exports only."""
# ruff: noqa: F401
from .initializers import (
    variance_scaling_initializer,
    xavier_initializer,
    xavier_initializer_conv2d,
)
from .layers import (
    avg_pool2d,
    batch_norm,
    conv2d,
    convolution2d,
    dropout,
    flatten,
    fully_connected,
    linear,
    max_pool2d,
)
from .regularizers import (
    apply_regularization,
    l1_l2_regularizer,
    l1_regularizer,
    l2_regularizer,
    sum_regularizer,
)
