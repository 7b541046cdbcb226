"""Rows for ops/array_ops.py."""
import numpy as np

import graphgrad as tf

from .harness import Case

ARRAY_CASES = [
    Case("Identity", tf.identity, lambda x: x, [((3, 4),), ((0,),), ((),)]),
]
