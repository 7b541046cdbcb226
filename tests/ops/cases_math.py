"""Rows for ops/math_ops.py, reduction_ops.py and matmul_ops.py (one or more per op type)."""
import math

import numpy as np

import graphgrad as tf

from .harness import Case

UNARY = [((3, 4),), ((2, 0, 3),), ((1,),), ((),)]
BINARY = [((3, 4), (3, 4)), ((2, 1, 5), (4, 1)), ((3,), ()), ((0, 3), (3,)), ((1,), (2, 3)),
          ((), ())]
INT = ("int32",)
BOOL = ("bool",)


def ints(lo, hi, nonzero=False):
    """Integers in [lo, hi) (of the row's int dtype, else int32); no zeros if `nonzero`."""
    def draw(rng, shape, dtype):
        dtype = dtype if dtype.kind in "iu" else np.dtype("int32")
        values = rng.integers(lo, hi, size=shape)
        if nonzero:
            values = np.where(values == 0, hi - 1, values)
        return values.astype(dtype)
    return draw


def bools(rng, shape, dtype):
    return rng.random(shape) < 0.5


def away_from_zero(lo, hi):
    """Floats with |x| in [lo, hi) and random sign (away from the kink or pole at 0)."""
    def draw(rng, shape, dtype):
        return (rng.uniform(lo, hi, size=shape) * rng.choice([-1, 1], size=shape)).astype(dtype)
    return draw


def halves(rng, shape, dtype):
    """Multiples of 0.5, so rounding meets its ties."""
    return (rng.integers(-8, 9, size=shape) / 2).astype(dtype)


def with_specials(rng, shape, dtype):
    values = rng.uniform(-2, 2, size=shape)
    specials = np.array([np.inf, -np.inf, np.nan, 0.0])
    mask = rng.random(shape) < 0.4
    return np.where(mask, rng.choice(specials, size=shape), values).astype(dtype)


def with_zeros(rng, shape, dtype):
    values = rng.uniform(0.5, 1.5, size=shape) * rng.choice([-1, 1], size=shape)
    return np.where(rng.random(shape) < 0.3, 0.0, values).astype(dtype)


def _select_ref(c, x, y):
    # TF1: a rank-1 condition picks rows of higher-rank x and y.
    if c.ndim == 1 and x.ndim > 1:
        c = c.reshape(c.shape + (1,) * (x.ndim - 1))
    return np.where(c, x, y)


def _scan_ref(fn, identity, axis, exclusive, reverse):
    def ref(x):
        x = np.flip(x, axis) if reverse else x
        out = fn(x, axis=axis)
        if exclusive:
            out = np.concatenate([np.full_like(np.take(out, [0], axis=axis), identity),
                                  np.delete(out, -1, axis=axis)], axis=axis) if x.shape[axis] \
                else out
        return np.flip(out, axis) if reverse else out
    return ref


def _logsumexp_ref(x, axis):
    m = np.max(x, axis=axis, keepdims=True, initial=-np.inf)
    m = np.where(np.isfinite(m), m, 0)
    with np.errstate(divide="ignore"):
        return np.log(np.sum(np.exp(x - m), axis=axis)) + np.squeeze(m, axis=axis)


def _mean_ref(x):
    with np.errstate(invalid="ignore"):
        return x.sum(axis=-1) / x.shape[-1]


def _ints_mean_ref(x):
    total = x.sum(axis=1)
    return np.fix(total / x.shape[1]).astype(x.dtype)


_erf = np.vectorize(math.erf, otypes=[float])
_erfc = np.vectorize(math.erfc, otypes=[float])
TRANSPOSED = [((5, 3), (2, 5)), ((4, 1), (1, 4)), ((3, 0), (2, 3))]

ARITHMETIC = [
    Case("Add", tf.add, np.add, BINARY),
    Case("Add", lambda x, y: x + y, np.add, BINARY[:3], ints(-5, 5), dtypes=INT, order=0,
         name="Add-int-operator"),
    Case("Sub", tf.subtract, np.subtract, BINARY),
    Case("Mul", lambda x, y: x * y, np.multiply, BINARY),
    Case("RealDiv", lambda x, y: x / y, np.divide, BINARY,
         [(-2.0, 2.0), away_from_zero(0.5, 2.0)], grad_tol=1e-5),
    Case("RealDiv", lambda x, y: x / y, np.true_divide, BINARY[:3],
         [ints(-9, 9), ints(-4, 4, nonzero=True)], dtypes=INT, order=0, name="RealDiv-int32"),
    Case("TruncateDiv", tf.truncatediv, lambda x, y: np.fix(x / y).astype(x.dtype), BINARY,
         [ints(-9, 9), ints(-4, 4, nonzero=True)], dtypes=INT, order=0),
    Case("TruncateMod", tf.truncatemod, np.fmod, BINARY,
         [ints(-9, 9), ints(-4, 4, nonzero=True)], dtypes=INT, order=0),
    Case("TruncateMod", tf.truncatemod, np.fmod, BINARY[:3],
         [(-3.0, 3.0), away_from_zero(0.5, 2.0)], order=0, name="TruncateMod-float"),
    Case("FloorDiv", lambda x, y: x // y, np.floor_divide, BINARY,
         [ints(-9, 9), ints(-4, 4, nonzero=True)], dtypes=INT, order=0),
    Case("FloorDiv", tf.floordiv, lambda x, y: np.floor(x / y), BINARY[:3],
         [(-3.0, 3.0), away_from_zero(0.5, 2.0)], order=0, name="FloorDiv-float"),
    Case("FloorMod", lambda x, y: x % y, np.mod, BINARY,
         [(-3.0, 3.0), away_from_zero(0.5, 2.0)], order=1),
    Case("FloorMod", tf.floormod, np.mod, BINARY[:3],
         [ints(-9, 9), ints(-4, 4, nonzero=True)], dtypes=INT, order=0, name="FloorMod-int"),
    Case("Pow", tf.pow, np.power, BINARY, [(0.5, 2.0), (-2.0, 2.0)]),
    Case("Pow", lambda x, y: x ** y, np.power, BINARY[:3], [ints(-3, 4), ints(0, 4)],
         dtypes=INT, order=0, name="Pow-int"),
    Case("Maximum", tf.maximum, np.maximum, BINARY),
    Case("Minimum", tf.minimum, np.minimum, BINARY),
    Case("SquaredDifference", tf.squared_difference, lambda x, y: (x - y) ** 2, BINARY),
]

UNARY_CASES = [
    Case("Neg", lambda x: -x, np.negative, UNARY),
    Case("Neg", tf.negative, np.negative, UNARY[:2], ints(-5, 5), dtypes=INT, order=0,
         name="Neg-int"),
    Case("Abs", tf.abs, np.abs, UNARY, away_from_zero(0.1, 2.0)),
    Case("Abs", abs, np.abs, UNARY[:2], ints(-5, 5), dtypes=INT, order=0, name="Abs-int"),
    Case("Sign", tf.sign, np.sign, UNARY, away_from_zero(0.1, 2.0)),
    Case("Square", tf.square, np.square, UNARY),
    Case("Square", tf.square, np.square, UNARY[:2], ints(-5, 5), dtypes=INT, order=0,
         name="Square-int"),
    Case("Sqrt", tf.sqrt, np.sqrt, UNARY, (0.5, 2.0)),
    Case("Rsqrt", tf.rsqrt, lambda x: 1 / np.sqrt(x), UNARY, (0.5, 2.0)),
    Case("Reciprocal", tf.reciprocal, np.reciprocal, UNARY, away_from_zero(0.5, 2.0)),
    Case("Exp", tf.exp, np.exp, UNARY),
    Case("Expm1", tf.expm1, np.expm1, UNARY),
    Case("Log", tf.log, np.log, UNARY, (0.5, 2.0)),
    Case("Log1p", tf.log1p, np.log1p, UNARY, (-0.5, 2.0)),
    Case("Sin", tf.sin, np.sin, UNARY),
    Case("Cos", tf.cos, np.cos, UNARY),
    Case("Tan", tf.tan, np.tan, UNARY, (-1.2, 1.2)),
    Case("Atan", tf.atan, np.arctan, UNARY),
    Case("Tanh", tf.tanh, np.tanh, UNARY),
    Case("Sigmoid", tf.sigmoid, lambda x: 1 / (1 + np.exp(-x)), UNARY, (-4.0, 4.0)),
    Case("Erf", tf.erf, _erf, UNARY, (-3.0, 3.0)),
    Case("Erfc", tf.erfc, _erfc, UNARY, (-3.0, 3.0)),
    Case("Floor", tf.floor, np.floor, UNARY, (-3.0, 3.0), order=0),
    Case("Ceil", tf.ceil, np.ceil, UNARY, (-3.0, 3.0), order=0),
    Case("Round", tf.round, np.round, UNARY, halves, order=0),
    Case("IsFinite", tf.is_finite, np.isfinite, UNARY, with_specials, order=0),
    Case("IsNan", tf.is_nan, np.isnan, UNARY, with_specials, order=0),
    Case("IsInf", tf.is_inf, np.isinf, UNARY, with_specials, order=0),
    Case("Neg", tf.log_sigmoid, lambda x: -np.logaddexp(0, -x), UNARY, (-4.0, 4.0),
         name="log_sigmoid"),
]

COMPARE_AND_LOGIC = [
    Case(op, fn, ref, BINARY, order=0) for op, fn, ref in [
        ("Equal", tf.equal, np.equal), ("NotEqual", tf.not_equal, np.not_equal),
        ("Less", lambda x, y: x < y, np.less), ("LessEqual", tf.less_equal, np.less_equal),
        ("Greater", tf.greater, np.greater), ("GreaterEqual", lambda x, y: x >= y,
                                              np.greater_equal)]
] + [
    Case("Equal", tf.equal, np.equal, BINARY[:3], ints(0, 3), dtypes=INT, order=0,
         name="Equal-int"),
    Case("LogicalAnd", lambda x, y: x & y, np.logical_and, BINARY, bools, dtypes=BOOL, order=0),
    Case("LogicalOr", tf.logical_or, np.logical_or, BINARY, bools, dtypes=BOOL, order=0),
    Case("LogicalNot", lambda x: ~x, np.logical_not, UNARY, bools, dtypes=BOOL, order=0),
    Case("LogicalAnd", tf.logical_xor, np.logical_xor, BINARY[:3], bools, dtypes=BOOL,
         order=0, name="logical_xor"),
]

CAST_SELECT_SUM = [
    Case("Cast", lambda x: tf.cast(x, tf.int32), lambda x: x.astype(np.int32), UNARY,
         (-3.0, 3.0), order=0),
    Case("Cast", lambda x: tf.cast(x, tf.float32), lambda x: x.astype(np.float32), UNARY[:2],
         ints(-5, 5), dtypes=INT, order=0, name="Cast-int-to-float"),
    Case("Cast", tf.to_float, lambda x: x.astype(np.float32), UNARY[:2], bools, dtypes=BOOL,
         order=0, name="Cast-bool-to-float"),
    Case("Select", tf.where, _select_ref,
         [((3, 4),) * 3, ((3,), (3, 4), (3, 4)), ((), (2, 3), (2, 3)), ((2, 2, 3),) * 3,
          ((0, 2),) * 3, ((), (), ())], [bools, (-2.0, 2.0), (-2.0, 2.0)]),
    Case("AddN", lambda a, b, c: tf.add_n([a, b, c]), lambda a, b, c: a + b + c,
         [((3, 4),) * 3, ((),) * 3, ((0, 2),) * 3]),
]

REDUCTIONS = [
    Case("Sum", lambda x: tf.reduce_sum(x, axis=1), lambda x: x.sum(axis=1),
         [((3, 4),), ((2, 0, 3),), ((1, 1),)]),
    Case("Sum", tf.reduce_sum, np.sum, [((3, 4),), ((),), ((0,),)], name="Sum-all"),
    Case("Sum", lambda x: tf.reduce_sum(x, [0, -1], keepdims=True),
         lambda x: x.sum(axis=(0, 2), keepdims=True), [((2, 3, 4),), ((1, 0, 2),)],
         name="Sum-keepdims"),
    Case("Sum", lambda x: tf.reduce_sum(x, 0), lambda x: x.sum(0, dtype=x.dtype),
         [((3, 4),), ((0, 2),)], ints(-5, 5), dtypes=INT, order=0, name="Sum-int"),
    Case("Mean", lambda x: tf.reduce_mean(x, axis=-1), _mean_ref,
         [((3, 4),), ((2, 1, 3),), ((2, 3, 0),)]),
    Case("Mean", tf.reduce_mean, np.mean, [((3, 4),), ((),)], name="Mean-all"),
    Case("Mean", lambda x: tf.reduce_mean(x, 1), _ints_mean_ref, [((3, 4),), ((2, 5),)],
         ints(-9, 9), dtypes=INT, order=0, name="Mean-int"),
    Case("Max", lambda x: tf.reduce_max(x, 1), lambda x: x.max(1, initial=-np.inf),
         [((3, 4),), ((2, 5, 3),), ((0, 3),), ((3, 0),)]),
    Case("Max", lambda x: tf.reduce_max(x, keep_dims=True),
         lambda x: x.max(keepdims=True, initial=-np.inf), [((3, 4),), ((),)], name="Max-all"),
    Case("Min", lambda x: tf.reduce_min(x, reduction_indices=[0]),
         lambda x: x.min(0, initial=np.inf), [((3, 4),), ((2, 5, 3),), ((0, 3),)]),
    Case("Prod", lambda x: tf.reduce_prod(x, 1), lambda x: x.prod(1),
         [((3, 4),), ((2, 5, 3),), ((3, 0),)], away_from_zero(0.5, 1.5)),
    Case("Prod", tf.reduce_prod, np.prod, [((2, 3),), ((),)], away_from_zero(0.5, 1.5),
         name="Prod-all"),
    Case("Prod", lambda x: tf.reduce_prod(x, [0, 2], keepdims=True),
         lambda x: x.prod((0, 2), keepdims=True), [((2, 3, 2),)], away_from_zero(0.5, 1.5),
         name="Prod-two-axes"),
    # Zeros: the gradient is the product of the others (TF's exclusive cumprods, no division).
    Case("Prod", lambda x: tf.reduce_prod(x, [0, 1]), lambda x: x.prod((0, 1)),
         [((3, 4, 2),), ((2, 6),)], with_zeros, order=1, name="Prod-zeros"),
    Case("Prod", tf.reduce_prod, np.prod, [((6,),), ((2, 3),)], with_zeros, order=1,
         name="Prod-zeros-all"),
    Case("All", lambda x: tf.reduce_all(x, 1), lambda x: x.all(1), [((3, 4),), ((2, 0),)],
         bools, dtypes=BOOL, order=0),
    Case("Any", lambda x: tf.reduce_any(x, 0), lambda x: x.any(0), [((3, 4),), ((0, 2),)],
         bools, dtypes=BOOL, order=0),
    Case("ArgMax", lambda x: tf.argmax(x, 1), lambda x: np.argmax(x, 1),
         [((3, 4),), ((2, 5, 3),), ((0, 3),)], order=0),
    Case("ArgMin", lambda x: tf.argmin(x, output_type=tf.int32),
         lambda x: np.argmin(x, 0).astype(np.int32), [((3, 4),), ((5,),)], order=0),
    Case("Max", lambda x: tf.reduce_logsumexp(x, 1), lambda x: _logsumexp_ref(x, 1),
         [((3, 4),), ((2, 5, 3),), ((3, 0),)], (-30.0, 30.0), name="reduce_logsumexp"),
    Case("NotEqual", lambda x: tf.count_nonzero(x, 1), lambda x: np.count_nonzero(x, 1),
         [((3, 4),), ((2, 0),)], with_zeros, order=0, name="count_nonzero"),
    Case("Mean", lambda x: tf.math.reduce_variance(x, 0), lambda x: x.var(0),
         [((5, 3),)], name="reduce_variance"),
]

SCANS = [
    Case("Cumsum", lambda x: tf.cumsum(x, 1), _scan_ref(np.cumsum, 0, 1, False, False),
         [((3, 4),), ((2, 0, 3),), ((1, 1),)]),
    Case("Cumsum", lambda x: tf.cumsum(x, exclusive=True, reverse=True),
         _scan_ref(np.cumsum, 0, 0, True, True), [((3, 4),), ((5,),), ((0, 2),)],
         name="Cumsum-exclusive-reverse"),
    Case("Cumprod", lambda x: tf.cumprod(x, -1), _scan_ref(np.cumprod, 1, -1, False, False),
         [((3, 4),), ((2, 0, 3),), ((5,),)], away_from_zero(0.5, 1.5)),
    Case("Cumprod", lambda x: tf.cumprod(x, 0, exclusive=True),
         _scan_ref(np.cumprod, 1, 0, True, False), [((3, 4),), ((1, 2),)],
         away_from_zero(0.5, 1.5), name="Cumprod-exclusive"),
    Case("Cumprod", lambda x: tf.cumprod(x, 0, reverse=True),
         _scan_ref(np.cumprod, 1, 0, False, True), [((4, 2),)], away_from_zero(0.5, 1.5),
         name="Cumprod-reverse"),
]

MATMUL = [
    Case("MatMul", tf.matmul, np.matmul,
         [((3, 5), (5, 2)), ((1, 4), (4, 1)), ((0, 3), (3, 2)), ((3, 0), (0, 2))]),
    Case("MatMul", lambda a, b: tf.matmul(a, b, transpose_a=True),
         lambda a, b: a.T @ b, [((5, 3), (5, 2)), ((1, 4), (1, 2)), ((0, 3), (0, 2))],
         name="MatMul-transpose_a"),
    Case("MatMul", lambda a, b: tf.matmul(a, b, transpose_b=True), lambda a, b: a @ b.T,
         [((3, 5), (2, 5)), ((4, 1), (3, 1))], name="MatMul-transpose_b"),
    Case("MatMul", lambda a, b: tf.matmul(a, b, transpose_a=True, transpose_b=True),
         lambda a, b: a.T @ b.T, TRANSPOSED, name="MatMul-transpose_ab"),
    Case("MatMul", lambda a, b: a @ b, np.matmul,
         [((2, 3, 4), (2, 4, 5)), ((2, 1, 3, 4), (3, 4, 2)), ((3, 4), (2, 4, 5)),
          ((0, 2, 3), (3, 1))], name="MatMul-batched"),
    Case("MatMul", lambda a, b: tf.matmul(a, b, transpose_a=True, transpose_b=True),
         lambda a, b: np.swapaxes(a, -1, -2) @ np.swapaxes(b, -1, -2),
         [((2, 4, 3), (1, 5, 4))], name="MatMul-batched-transposed"),
    Case("MatMul", lambda a, b: tf.matmul(a, b), np.matmul, [((3, 4), (4, 2)), ((2, 3, 1), (1, 2))],
         [ints(-5, 5), ints(-5, 5)], dtypes=INT, order=0, name="MatMul-int"),
    Case("MatMul", lambda a, b: tf.tensordot(a, b, [[1, 2], [1, 0]]),
         lambda a, b: np.tensordot(a, b, [[1, 2], [1, 0]]), [((2, 3, 4), (4, 3, 5))],
         name="tensordot"),
]

MATH_CASES = ARITHMETIC + UNARY_CASES + COMPARE_AND_LOGIC + CAST_SELECT_SUM + REDUCTIONS + \
    SCANS + MATMUL
