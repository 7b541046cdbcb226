"""Rows for ops/stitch_ops.py (DynamicStitch, BroadcastGradientArgs) and
ops/reduction_dynamic_ops.py (reductions taking the axis as input 1). A reduction row passes a
constant axis straight to the op, so the static shape is exact; unknown axes are in
tests/test_tf_training_import.py."""
import numpy as np

import graphgrad as tf
from graphgrad.kernels.stitch import broadcast_gradient_args as _bga_kernel
from graphgrad.ops import reduction_dynamic_ops as rd
from graphgrad.ops.stitch_ops import broadcast_gradient_args, dynamic_stitch

from .cases_math import BOOL, INT, away_from_zero, bools, ints, with_zeros
from .harness import Case


def _dyn(opdef, axis, keepdims=False):
    return lambda x: opdef(x, tf.constant(axis, tf.int32), keepdims=keepdims)


def _np(fn, axis, keepdims=False, **kw):
    axis = tuple(np.atleast_1d(axis).tolist())
    return lambda x: np.asarray(fn(x, axis=tuple(a % x.ndim for a in axis), keepdims=keepdims,
                                   **kw))


def _int_mean(x, axis, keepdims):
    total, count = x.sum(axis, keepdims=keepdims), np.prod([x.shape[a] for a in axis])
    return (np.trunc(total / count)).astype(x.dtype)


_IDX0, _IDX1 = np.array([[0, 2], [4, 1]], np.int32), np.array([3, 5], np.int32)


def _stitch_ref(a, b):
    out = np.zeros((6,) + a.shape[2:], a.dtype)
    out[_IDX0.reshape(-1)] = a.reshape((4,) + a.shape[2:])
    out[_IDX1] = b
    return out


def _bga(shape1, which):
    """Output `which` of BroadcastGradientArgs(shape(x), shape1)."""
    def build(x):
        return broadcast_gradient_args(tf.shape(x), np.int32(shape1))[which]

    def ref(x):
        return _bga_kernel(np, np.array(x.shape, np.int32), np.array(shape1, np.int32))[which]
    return build, ref


SHAPE_ONLY = [((2, 3, 1),), ((1, 1, 4),), ((4,),), ((1,),), ((),)]

TF_COMPAT_CASES = [
    Case("DynamicStitch", lambda a, b: dynamic_stitch([_IDX0, _IDX1], [a, b]), _stitch_ref,
         [((2, 2, 3), (2, 3)), ((2, 2), (2,)), ((2, 2, 0), (2, 0))]),
    Case("BroadcastGradientArgs", *_bga([2, 1, 4], 0), SHAPE_ONLY, order=0, name="BGA-r0"),
    Case("BroadcastGradientArgs", *_bga([2, 1, 4], 1), SHAPE_ONLY, order=0, name="BGA-r1"),
    Case("BroadcastGradientArgs", *_bga([1], 1), [((2, 3),), ((1, 1),), ((),)], order=0,
         name="BGA-ones"),
    Case("DynamicSum", _dyn(rd.DYNAMIC_SUM, [1]), _np(np.sum, [1]),
         [((3, 4),), ((2, 0, 3),), ((1, 1),)]),
    Case("DynamicSum", _dyn(rd.DYNAMIC_SUM, [0, -1], True), _np(np.sum, [0, -1], True),
         [((2, 3, 4),), ((1, 0, 2),)], name="DynamicSum-keepdims"),
    Case("DynamicSum", _dyn(rd.DYNAMIC_SUM, 0), _np(np.sum, 0), [((3, 4),), ((5,),)],
         name="DynamicSum-scalar-axis"),
    Case("DynamicSum", _dyn(rd.DYNAMIC_SUM, [0]), lambda x: x.sum(0, dtype=x.dtype),
         [((3, 4),), ((0, 2),)], ints(-5, 5), dtypes=INT, order=0, name="DynamicSum-int"),
    Case("DynamicSum", _dyn(rd.DYNAMIC_SUM, []), lambda x: x, [((3, 4),)],
         name="DynamicSum-no-axis"),
    Case("DynamicMean", _dyn(rd.DYNAMIC_MEAN, [-1]), _np(np.mean, [-1]),
         [((3, 4),), ((2, 1, 3),)]),
    Case("DynamicMean", _dyn(rd.DYNAMIC_MEAN, [0, 2], True), _np(np.mean, [0, 2], True),
         [((2, 3, 4),), ((1, 2, 1),)], name="DynamicMean-keepdims"),
    Case("DynamicMean", _dyn(rd.DYNAMIC_MEAN, [1]), lambda x: _int_mean(x, (1,), False),
         [((3, 4),), ((2, 5),)], ints(-9, 9), dtypes=INT, order=0, name="DynamicMean-int"),
    Case("DynamicMax", _dyn(rd.DYNAMIC_MAX, [1]), _np(np.max, [1], initial=-np.inf),
         [((3, 4),), ((2, 5, 3),), ((0, 3),)]),
    Case("DynamicMax", _dyn(rd.DYNAMIC_MAX, [0, 1], True), _np(np.max, [0, 1], True),
         [((3, 4),), ((2, 5, 3),)], name="DynamicMax-keepdims"),
    Case("DynamicMin", _dyn(rd.DYNAMIC_MIN, [0]), _np(np.min, [0], initial=np.inf),
         [((3, 4),), ((2, 5, 3),), ((0, 3),)]),
    Case("DynamicProd", _dyn(rd.DYNAMIC_PROD, [1]), _np(np.prod, [1]),
         [((3, 4),), ((2, 5, 3),), ((3, 0),)], away_from_zero(0.5, 1.5)),
    Case("DynamicProd", _dyn(rd.DYNAMIC_PROD, [0, 2], True), _np(np.prod, [0, 2], True),
         [((2, 3, 2),)], away_from_zero(0.5, 1.5), name="DynamicProd-keepdims"),
    # Zeros: the product of the others, without dividing by zero (first derivatives only: at an
    # exact zero the second derivative of this form is not TF's).
    Case("DynamicProd", _dyn(rd.DYNAMIC_PROD, [0, 1]), _np(np.prod, [0, 1]),
         [((3, 4, 2),), ((2, 6),)], with_zeros, order=1, name="DynamicProd-zeros"),
    Case("DynamicAll", _dyn(rd.DYNAMIC_ALL, [1]), _np(np.all, [1]), [((3, 4),), ((2, 0),)],
         bools, dtypes=BOOL, order=0),
    Case("DynamicAny", _dyn(rd.DYNAMIC_ANY, [0], True), _np(np.any, [0], True),
         [((3, 4),), ((0, 2),)], bools, dtypes=BOOL, order=0),
]
