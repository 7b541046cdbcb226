"""Elementwise math: arithmetic and unary functions, add_n, clip_by_value.

Comparisons, logic, casts and where live in logic_ops.py, matmul and tensordot in matmul_ops.py,
reductions, scans and argmax in reduction_ops.py; this module re-exports them all (so
`from .math_ops import reduce_sum` works) and `tf.` star-imports it.
"""
import math

from ..autodiff.sum_to_shape import sum_to_shape
from ..graph import dtypes
from ..graph.constant import convert_to_tensor
from ..graph.default import name_scope
from ..graph.registry import register_op
from ..graph.shapes import TensorShape, broadcast_dims
from ..graph.tensor import Tensor
from ..kernels import math_elementwise as ew
from ..kernels import math_special

# The dtype kinds (NumPy's letters) each op accepts, as TF's OpDefs list them.
FLOAT, REAL_FLOAT, INTEGER = "fc", "f", "iu"
REAL, NUMERIC, ANY = "fiu", "fciu", "fciub"
_NUMBER_DTYPES = [dtypes.float16, dtypes.float32, dtypes.float64, dtypes.int8, dtypes.int16,
                  dtypes.int32, dtypes.int64, dtypes.uint8, dtypes.uint16, dtypes.uint32,
                  dtypes.uint64, dtypes.complex64, dtypes.complex128, dtypes.bool]


def dtype_rule(op_type, kinds, out=None):
    """An OpDef dtype rule: TypeError at build time unless input 0 has one of `kinds`; the output
    dtype is `out`, or the input's."""
    def rule(inputs, attrs):
        dt = inputs[0].dtype
        if dt.np.kind not in kinds:
            allowed = ", ".join(d.name for d in _NUMBER_DTYPES if d.np.kind in kinds)
            raise TypeError(f"Value passed to parameter 'x' of '{op_type}' has DataType "
                            f"{dt.name} not in list of allowed values: {allowed}")
        return out or dt
    return rule


def broadcast_shape(x, y):
    """The static result shape of a NumPy-broadcasting binary op."""
    return TensorShape(broadcast_dims(x.shape.as_tuple(), y.shape.as_tuple()))


def same_shape(x, **_):
    return x.shape


def binary_op(op_type, kernel, grad, kinds=NUMERIC, out=None):
    return register_op(op_type, shape=broadcast_shape, kernel=kernel, grad=grad,
                       dtype=dtype_rule(op_type, kinds, out), differentiable=grad is not None)


def unary_op(op_type, kernel, grad, kinds=FLOAT, out=None):
    return register_op(op_type, shape=same_shape, kernel=kernel, grad=grad,
                       dtype=dtype_rule(op_type, kinds, out), differentiable=grad is not None)


# --- binary arithmetic -------------------------------------------------------------------------
def _add_grad(op, grad):
    x, y = op.inputs
    return [sum_to_shape(grad, x), sum_to_shape(grad, y)]


def _sub_grad(op, grad):
    x, y = op.inputs
    return [sum_to_shape(grad, x), sum_to_shape(negative(grad), y)]


def _mul_grad(op, grad):
    x, y = op.inputs
    return [sum_to_shape(grad * y, x), sum_to_shape(x * grad, y)]


def _div_grad(op, grad):
    x, y = op.inputs
    return [sum_to_shape(grad / y, x), sum_to_shape(negative(grad) * x / (y * y), y)]


ADD = binary_op("Add", lambda xp, x, y: x + y, _add_grad)
SUB = binary_op("Sub", lambda xp, x, y: x - y, _sub_grad)
MUL = binary_op("Mul", lambda xp, x, y: x * y, _mul_grad)
REAL_DIV = binary_op("RealDiv", lambda xp, x, y: x / y, _div_grad, FLOAT)
TRUNCATE_DIV = binary_op("TruncateDiv", ew.truncate_div, None, INTEGER)
TRUNCATE_MOD = binary_op("TruncateMod", ew.truncate_mod, None, REAL)
FLOOR_DIV = binary_op("FloorDiv", ew.floor_div, None, REAL)


def add(x, y, name=None):
    """x + y with broadcasting (TF1 `tf.add`)."""
    return ADD(x, y, name=name)


def subtract(x, y, name=None):
    """x - y with broadcasting (TF1 `tf.subtract`)."""
    return SUB(x, y, name=name)


def multiply(x, y, name=None):
    """Elementwise x * y with broadcasting (TF1 `tf.multiply`)."""
    return MUL(x, y, name=name)


def scalar_mul(scalar, x, name=None):
    """A 0-d `scalar` times `x` (TF1 `tf.scalar_mul`)."""
    x = convert_to_tensor(x)
    scalar = convert_to_tensor(scalar, preferred_dtype=x.dtype, name="scalar")
    if scalar.shape.ndims != 0:
        raise ValueError(f"Only scalar multiply works, got shape {scalar.shape}")
    return MUL(scalar, x, name=name)


# TF1's __truediv__ casts small ints to float32 and wide ones to float64 before dividing.
_TRUEDIV_FLOAT = {1: dtypes.float32, 2: dtypes.float32, 4: dtypes.float64, 8: dtypes.float64}


def truediv(x, y, name=None):
    """x / y; integer inputs are cast to float (int8/16 -> float32, int32/64 -> float64)
    (TF1 `tf.truediv`, Python 3 division)."""
    with name_scope(name, "truediv", [x, y]) as scope:
        x = convert_to_tensor(x, name="x")
        y = convert_to_tensor(y, name="y", preferred_dtype=x.dtype)
        if x.dtype != y.dtype:
            raise TypeError(f"x and y must have the same dtype, got {x.dtype!r} != {y.dtype!r}")
        if x.dtype.is_bool:
            raise TypeError(f"Invalid dtype {x.dtype!r} in __truediv__")
        if x.dtype.is_integer:
            target = _TRUEDIV_FLOAT[x.dtype.size]
            x, y = cast(x, target), cast(y, target)
        return REAL_DIV(x, y, name=scope)


def divide(x, y, name=None):
    """x / y, true division: ints become floats (TF1 `tf.divide`)."""
    return truediv(x, y, name=name)


def realdiv(x, y, name=None):
    """x / y for floating tensors, no casting (TF1 `tf.realdiv`)."""
    return REAL_DIV(x, y, name=name)


def div(x, y, name=None):
    """Python 2 division (TF1 `tf.div`): floor division for integers, true division for floats."""
    with name_scope(name, "div", [x, y]) as scope:
        x = convert_to_tensor(x, name="x")
        y = convert_to_tensor(y, name="y", preferred_dtype=x.dtype)
        if x.dtype.is_floating or x.dtype.is_complex:
            return REAL_DIV(x, y, name=scope)
        return FLOOR_DIV(x, y, name=scope)


def floordiv(x, y, name=None):
    """floor(x / y) elementwise, toward -inf like Python's // (TF1 `tf.floordiv`)."""
    with name_scope(name, "floordiv", [x, y]) as scope:
        return FLOOR_DIV(x, y, name=scope)


def truncatediv(x, y, name=None):
    """Integer x / y rounded toward zero, as C does: -7 / 5 = -1 (TF1 `tf.truncatediv`)."""
    return TRUNCATE_DIV(x, y, name=name)


def truncatemod(x, y, name=None):
    """Remainder with the sign of x, as C's fmod: -7 mod 5 = -2 (TF1 `tf.truncatemod`)."""
    return TRUNCATE_MOD(x, y, name=name)


def _floormod_grad(op, grad):
    x, y = op.inputs
    return [sum_to_shape(grad, x), sum_to_shape(negative(grad) * floordiv(x, y), y)]


FLOOR_MOD = binary_op("FloorMod", ew.floor_mod, _floormod_grad, REAL)


def floormod(x, y, name=None):
    """x mod y with the sign of y, like Python's % (TF1 `tf.floormod`, `tf.mod`)."""
    return FLOOR_MOD(x, y, name=name)


def _pow_grad(op, grad):
    x, y = op.inputs
    z = op.outputs[0]
    # log(x) only where x > 0: the gradient in y at x <= 0 is 0, not nan.
    positive = x > 0
    safe_log = where(positive, log(where(positive, x, ones_like_(x))), zeros_like_(x))
    return [sum_to_shape(grad * y * pow(x, y - 1), x), sum_to_shape(grad * z * safe_log, y)]


POW = binary_op("Pow", ew.power, _pow_grad)


def pow(x, y, name=None):  # noqa: A001 - TF's public name
    """x ** y elementwise (TF1 `tf.pow`); integers to negative powers fail, as in TF."""
    with name_scope(name, "Pow", [x]) as scope:
        return POW(x, y, name=scope)


def route_by_mask(x_wins, grad, x, y):
    """The gradients of a choice between x and y: `grad` goes to x where `x_wins`, else to y."""
    zeros = zeros_like_(grad)
    return [sum_to_shape(where(x_wins, grad, zeros), x),
            sum_to_shape(where(x_wins, zeros, grad), y)]


def _maximum_grad(op, grad):
    # TF1 sends the whole gradient of a tie to x.
    return route_by_mask(greater_equal(*op.inputs), grad, *op.inputs)


def _minimum_grad(op, grad):
    return route_by_mask(less_equal(*op.inputs), grad, *op.inputs)


MAXIMUM = binary_op("Maximum", lambda xp, x, y: xp.maximum(x, y), _maximum_grad, REAL)
MINIMUM = binary_op("Minimum", lambda xp, x, y: xp.minimum(x, y), _minimum_grad, REAL)


def maximum(x, y, name=None):
    """max(x, y) elementwise; a tie sends the whole gradient to x, as TF1 (TF1 `tf.maximum`)."""
    return MAXIMUM(x, y, name=name)


def minimum(x, y, name=None):
    """min(x, y) elementwise; a tie sends the whole gradient to x, as TF1 (TF1 `tf.minimum`)."""
    return MINIMUM(x, y, name=name)


def _squared_difference_grad(op, grad):
    x, y = op.inputs
    g = grad * (2.0 * (x - y))
    return [sum_to_shape(g, x), sum_to_shape(negative(g), y)]


SQUARED_DIFFERENCE = binary_op("SquaredDifference", lambda xp, x, y: (x - y) * (x - y),
                               _squared_difference_grad)


def squared_difference(x, y, name=None):
    """(x - y)^2 elementwise (TF1 `tf.squared_difference`)."""
    return SQUARED_DIFFERENCE(x, y, name=name)


# --- unary: op, kernel, gradient in terms of the input x = op.inputs[0] or output y ------------
def _x(op):
    return op.inputs[0]


def _y(op):
    return op.outputs[0]


_TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)
NEG = unary_op("Neg", lambda xp, x: -x, lambda op, grad: [negative(grad)], NUMERIC)
ABS = unary_op("Abs", lambda xp, x: xp.abs(x), lambda op, grad: [grad * sign(_x(op))], REAL)
SIGN = unary_op("Sign", lambda xp, x: xp.sign(x), lambda op, grad: [zeros_like_(_x(op))], REAL)
SQUARE = unary_op("Square", lambda xp, x: x * x,
                  lambda op, grad: [grad * (2.0 * _x(op))], NUMERIC)
SQRT = unary_op("Sqrt", lambda xp, x: xp.sqrt(x), lambda op, grad: [grad * 0.5 / _y(op)])
RSQRT = unary_op("Rsqrt", lambda xp, x: 1 / xp.sqrt(x),
                 lambda op, grad: [grad * -0.5 * _y(op) * _y(op) * _y(op)])
RECIPROCAL = unary_op("Reciprocal", ew.reciprocal,
                      lambda op, grad: [negative(grad) * _y(op) * _y(op)], NUMERIC)
EXP = unary_op("Exp", lambda xp, x: xp.exp(x), lambda op, grad: [grad * _y(op)])
EXPM1 = unary_op("Expm1", lambda xp, x: xp.expm1(x), lambda op, grad: [grad * exp(_x(op))])
LOG = unary_op("Log", lambda xp, x: xp.log(x), lambda op, grad: [grad * reciprocal(_x(op))])
LOG1P = unary_op("Log1p", lambda xp, x: xp.log1p(x), lambda op, grad: [grad / (1.0 + _x(op))])
SIN = unary_op("Sin", lambda xp, x: xp.sin(x), lambda op, grad: [grad * cos(_x(op))])
COS = unary_op("Cos", lambda xp, x: xp.cos(x), lambda op, grad: [negative(grad) * sin(_x(op))])
TAN = unary_op("Tan", lambda xp, x: xp.tan(x), lambda op, grad: [grad / square(cos(_x(op)))])
ATAN = unary_op("Atan", lambda xp, x: xp.arctan(x),
                lambda op, grad: [grad / (1.0 + square(_x(op)))], REAL_FLOAT)
TANH = unary_op("Tanh", lambda xp, x: xp.tanh(x),
                lambda op, grad: [grad * (1.0 - _y(op) * _y(op))])
SIGMOID = unary_op("Sigmoid", ew.sigmoid, lambda op, grad: [grad * _y(op) * (1.0 - _y(op))])
ERF = unary_op("Erf", math_special.erf, lambda op, grad: [
    grad * _TWO_OVER_SQRT_PI * exp(negative(square(_x(op))))], REAL_FLOAT)
ERFC = unary_op("Erfc", math_special.erfc, lambda op, grad: [
    grad * -_TWO_OVER_SQRT_PI * exp(negative(square(_x(op))))], REAL_FLOAT)
# TF1 gives these no gradient at all (None, not zeros).
FLOOR = unary_op("Floor", lambda xp, x: xp.floor(x), None, REAL_FLOAT)
CEIL = unary_op("Ceil", lambda xp, x: xp.ceil(x), None, REAL_FLOAT)
ROUND = unary_op("Round", lambda xp, x: xp.round(x), None, REAL)
IS_FINITE = unary_op("IsFinite", lambda xp, x: xp.isfinite(x), None, REAL_FLOAT, dtypes.bool)
IS_NAN = unary_op("IsNan", lambda xp, x: xp.isnan(x), None, REAL_FLOAT, dtypes.bool)
IS_INF = unary_op("IsInf", lambda xp, x: xp.isinf(x), None, REAL_FLOAT, dtypes.bool)


def _public(opdef, fn_name, doc):
    """The public function `fn_name(x, name=None)` of a unary op."""
    def fn(x, name=None):
        return opdef(x, name=name)
    fn.__name__ = fn.__qualname__ = fn_name
    fn.__doc__ = doc
    return fn


negative = _public(NEG, "negative", "-x (TF1 `tf.negative`, `tf.neg`).")
abs = _public(ABS, "abs", "|x| elementwise (TF1 `tf.abs`).")  # noqa: A001
sign = _public(SIGN, "sign", "-1, 0 or 1 elementwise (TF1 `tf.sign`).")
square = _public(SQUARE, "square", "x * x elementwise (TF1 `tf.square`).")
sqrt = _public(SQRT, "sqrt", "Square root elementwise (TF1 `tf.sqrt`).")
rsqrt = _public(RSQRT, "rsqrt", "1 / sqrt(x) elementwise (TF1 `tf.rsqrt`).")
reciprocal = _public(RECIPROCAL, "reciprocal", "1 / x elementwise (TF1 `tf.reciprocal`).")
exp = _public(EXP, "exp", "e^x elementwise (TF1 `tf.exp`).")
expm1 = _public(EXPM1, "expm1", "e^x - 1, accurate near 0 (TF1 `tf.expm1`).")
log = _public(LOG, "log", "Natural logarithm elementwise (TF1 `tf.log`).")
log1p = _public(LOG1P, "log1p", "log(1 + x), accurate near 0 (TF1 `tf.log1p`).")
sin = _public(SIN, "sin", "Sine elementwise (TF1 `tf.sin`).")
cos = _public(COS, "cos", "Cosine elementwise (TF1 `tf.cos`).")
tan = _public(TAN, "tan", "Tangent elementwise (TF1 `tf.tan`).")
atan = _public(ATAN, "atan", "Inverse tangent elementwise (TF1 `tf.atan`).")
tanh = _public(TANH, "tanh", "Hyperbolic tangent elementwise (TF1 `tf.tanh`).")
sigmoid = _public(SIGMOID, "sigmoid", "1 / (1 + e^-x), stable on both tails (TF1 `tf.sigmoid`).")
erf = _public(ERF, "erf", "The Gauss error function (TF1 `tf.erf`).")
erfc = _public(ERFC, "erfc", "1 - erf(x), accurate for large x (TF1 `tf.erfc`).")
floor = _public(FLOOR, "floor", "Largest integer <= x; no gradient (TF1 `tf.floor`).")
ceil = _public(CEIL, "ceil", "Smallest integer >= x; no gradient (TF1 `tf.ceil`).")
round = _public(ROUND, "round",  # noqa: A001
                "Nearest integer, halves to even (2.5 -> 2.0); no gradient (TF1 `tf.round`).")
is_finite = _public(IS_FINITE, "is_finite", "Neither inf nor nan (TF1 `tf.is_finite`).")
is_nan = _public(IS_NAN, "is_nan", "True where x is nan (TF1 `tf.is_nan`).")
is_inf = _public(IS_INF, "is_inf", "True where x is +inf or -inf (TF1 `tf.is_inf`).")


def log_sigmoid(x, name=None):
    """log(1 / (1 + e^-x)) = -softplus(-x), stable for large |x| (TF1 `tf.log_sigmoid`)."""
    from .nn_ops import softplus
    with name_scope(name, "LogSigmoid", [x]) as scope:
        x = convert_to_tensor(x, name="x")
        return negative(softplus(negative(x)), name=scope)


# --- sums and clipping ---------------------------------------------------------------------
def _add_n_shape(*inputs):
    out = inputs[0].shape
    for t in inputs[1:]:
        out = out.merge_with(t.shape)
    return out


ADD_N = register_op("AddN", shape=_add_n_shape, grad=lambda op, grad: [grad] * len(op.inputs),
                    kernel=lambda xp, *xs: sum(xs[1:], xs[0]), dtype=dtype_rule("AddN", NUMERIC))


def add_n(inputs, name=None):
    """Sum of a list of tensors of one shape and dtype (TF1 `tf.add_n`); a single input comes
    back as is (an Identity named `name` when a name is given)."""
    if isinstance(inputs, Tensor) or not inputs:
        raise ValueError("inputs must be a list of at least one Tensor with the same dtype and "
                         "shape")
    inputs = [convert_to_tensor(t) for t in inputs]
    if len(inputs) == 1:
        from .array_ops import identity
        return identity(inputs[0], name=name) if name else inputs[0]
    return ADD_N(*inputs, name=name)


def accumulate_n(inputs, shape=None, tensor_dtype=None, name=None):
    """The sum of `inputs` (TF1 `tf.accumulate_n`); `shape` and `tensor_dtype` are checked."""
    inputs = [convert_to_tensor(t) for t in inputs]
    for t in inputs:
        if shape is not None and not t.shape.is_compatible_with(shape):
            raise ValueError(f"Input tensor {t.name} must have shape {TensorShape(shape)}")
        if tensor_dtype is not None and t.dtype != dtypes.as_dtype(tensor_dtype):
            raise TypeError(f"tensor_dtype is {tensor_dtype}, but input is of type {t.dtype}")
    return add_n(inputs, name=name)


def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    """`t` clipped to [min, max] elementwise (TF1 `tf.clip_by_value`); at a bound the gradient
    still reaches `t`. The bounds may not broadcast `t` to a larger shape."""
    with name_scope(name, "clip_by_value", [t, clip_value_min, clip_value_max]) as scope:
        t = convert_to_tensor(t, name="t")
        clipped = maximum(minimum(t, clip_value_max), clip_value_min, name=scope)
        if not t.shape.is_compatible_with(clipped.shape):
            raise ValueError(f"clip_by_value: the bounds broadcast t of shape {t.shape} to "
                             f"{clipped.shape}")
        return clipped


def zeros_like_(x):
    from .array_ops import zeros_like
    return zeros_like(x)


def ones_like_(x):
    from .array_ops import ones_like
    return ones_like(x)


# The rest of the family, built on the ops above (so imported last) and re-exported from here.
from . import logic_ops, matmul_ops, reduction_ops  # noqa: E402
from .logic_ops import *  # noqa: E402,F403
from .logic_ops import cast, greater_equal, less_equal, where  # noqa: E402 - used above
from .matmul_ops import *  # noqa: E402,F403
from .reduction_ops import *  # noqa: E402,F403

__all__ = [
    "add", "subtract", "multiply", "scalar_mul", "divide", "truediv", "realdiv", "div",
    "floordiv", "truncatediv", "truncatemod", "floormod", "pow", "maximum", "minimum",
    "squared_difference", "negative", "abs", "sign", "square", "sqrt", "rsqrt", "reciprocal",
    "exp", "expm1", "log", "log1p", "sin", "cos", "tan", "atan", "tanh", "sigmoid", "erf", "erfc",
    "floor", "ceil", "round", "is_finite", "is_nan", "is_inf", "log_sigmoid", "add_n",
    "accumulate_n", "clip_by_value"]
__all__ += logic_ops.__all__ + matmul_ops.__all__ + reduction_ops.__all__
