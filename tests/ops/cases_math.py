"""Rows for ops/math_ops.py and ops/shape_ops.py."""
import numpy as np

import graphgrad as tf

from .harness import Case

BINARY_SHAPES = [((3, 4), (3, 4)), ((2, 1, 5), (4, 1)), ((3,), ()), ((0, 3), (3,)),
                 ((1,), (2, 3)), ((), ())]

MATH_CASES = [
    Case("Add", lambda x, y: tf.add(x, y), np.add, BINARY_SHAPES),
    Case("Mul", lambda x, y: x * y, np.multiply, BINARY_SHAPES),
    Case("MatMul", lambda a, b: tf.matmul(a, b), np.matmul,
         [((3, 5), (5, 2)), ((1, 4), (4, 1)), ((0, 3), (3, 2)), ((2, 3, 4), (4, 5))]),
    Case("Sum", lambda x: tf.reduce_sum(x, axis=1), lambda x: x.sum(axis=1),
         [((3, 4),), ((2, 0, 3),), ((1, 1),)]),
]
