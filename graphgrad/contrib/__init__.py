"""The `tf.contrib` namespace (TF1): the pieces old scripts use. Re-exports only."""
# ruff: noqa: F401
from . import layers, rnn
