"""TF1's tutorial MNIST helper: `input_data.read_data_sets(dir, one_hot=True)`.

The implementation lives in graphgrad/datasets/mnist.py; this module only re-exports it under the
path tutorials import. `bundled_dir()` is graphgrad's addition: a small real subset that works
offline.
"""
# ruff: noqa: F401
from graphgrad.datasets.base import Datasets, maybe_download
from graphgrad.datasets.mnist import (
    DEFAULT_SOURCE_URL,
    DataSet,
    bundled_dir,
    dense_to_one_hot,
    extract_images,
    extract_labels,
    read_data_sets,
)
