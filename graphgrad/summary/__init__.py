"""The `tf.summary` namespace: summary ops and FileWriter (TensorBoard event files).

Needs the optional tensorboardX package (`pip install 'graphgrad[tensorboard]'`), imported only
when a summary is built or written.
"""
# ruff: noqa: F401
from .summary_ops import histogram, image, merge, merge_all, scalar, text
from .writer import FileWriter, graph_def
