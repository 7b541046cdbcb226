"""The `tf.data` namespace: re-exports of graphgrad/dataset_ops. (This directory also holds the
shipped MNIST files, data/mnist/*.gz, as package data.)"""
# ruff: noqa: F401
from types import SimpleNamespace as _Namespace

from ..dataset_ops.dataset import Dataset
from ..dataset_ops.iterator import (
    Iterator,
    get_output_shapes,
    get_output_types,
    make_initializable_iterator,
    make_one_shot_iterator,
)

# tf.data.experimental.AUTOTUNE (TF 1.13+), for prefetch and num_parallel_calls.
AUTOTUNE = -1
experimental = _Namespace(AUTOTUNE=AUTOTUNE)
