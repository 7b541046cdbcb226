"""The `tf.layers` namespace (TF1): re-exports only."""
# ruff: noqa: F401
from .base import Layer
from .convolutional import (
    AveragePooling2D,
    Conv2D,
    Conv2DTranspose,
    MaxPooling2D,
    average_pooling2d,
    conv2d,
    conv2d_transpose,
    max_pooling2d,
)
from .core import Dense, Dropout, Flatten, dense, dropout, flatten
from .normalization import BatchNormalization, batch_normalization
