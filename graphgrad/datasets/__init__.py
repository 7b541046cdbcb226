"""Dataset readers (TF1 `tf.contrib.learn.datasets`): MNIST from IDX files, with download.

The shipped MNIST subset lives in graphgrad/data/mnist; `mnist.bundled_dir()` gives its path.
"""
from . import base, mnist  # noqa: F401
