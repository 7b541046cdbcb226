"""Elementwise math, matmul, reductions, comparisons and casts; also Tensor's operators."""
import numpy as np

from ..autodiff.sum_to_shape import sum_to_shape
from ..graph import dtypes
from ..graph.constant import convert_to_tensor
from ..graph.registry import NotDifferentiable, register_op
from ..graph.shapes import TensorShape, broadcast_dims
from ..kernels import reduce as reduce_kernels
from .shape_ops import broadcast_to, reduced_shape, reshape, shape, size


def broadcast_shape(x, y):
    """The static result shape of a NumPy-broadcasting binary op."""
    return TensorShape(broadcast_dims(x.shape.as_tuple(), y.shape.as_tuple()))


def _same_shape(x, **_):
    return x.shape


def _binary(op_type, kernel, grad, dtype=None):
    return register_op(op_type, shape=broadcast_shape, kernel=kernel, grad=grad, dtype=dtype)


def _unary(op_type, kernel, grad):
    return register_op(op_type, shape=_same_shape, kernel=kernel, grad=grad)


# --- binary arithmetic -------------------------------------------------------------------------
def _add_grad(op, grad):
    x, y = op.inputs
    return [sum_to_shape(grad, x), sum_to_shape(grad, y)]


ADD = _binary("Add", lambda xp, x, y: x + y, _add_grad)


def add(x, y, name=None):
    """x + y with broadcasting (TF1 `tf.add`)."""
    return ADD(x, y, name=name)


def _sub_grad(op, grad):
    x, y = op.inputs
    return [sum_to_shape(grad, x), sum_to_shape(negative(grad), y)]


SUB = _binary("Sub", lambda xp, x, y: x - y, _sub_grad)


def subtract(x, y, name=None):
    """x - y with broadcasting (TF1 `tf.subtract`)."""
    return SUB(x, y, name=name)


def _mul_grad(op, grad):
    x, y = op.inputs
    return [sum_to_shape(grad * y, x), sum_to_shape(x * grad, y)]


MUL = _binary("Mul", lambda xp, x, y: x * y, _mul_grad)


def multiply(x, y, name=None):
    """Elementwise x * y with broadcasting (TF1 `tf.multiply`)."""
    return MUL(x, y, name=name)


def _div_grad(op, grad):
    x, y = op.inputs
    return [sum_to_shape(grad / y, x), sum_to_shape(negative(grad) * x / (y * y), y)]


REAL_DIV = _binary("RealDiv", lambda xp, x, y: x / y, _div_grad)


def _int_div_kernel(xp, x, y):
    # TF's Div on integers truncates toward zero (C semantics); NumPy floors.
    q = xp.floor_divide(x, y)
    return xp.where((q < 0) & (q * y != x), q + 1, q).astype(x.dtype)


DIV = _binary("Div", _int_div_kernel, None)


def divide(x, y, name=None):
    """x / y (TF1 `tf.divide`): true division, ints become floats."""
    return truediv(x, y, name=name)


def truediv(x, y, name=None):
    """x / y; integer inputs are cast to float (int8/16 -> float32, int32/64 -> float64)."""
    x = convert_to_tensor(x)
    y = convert_to_tensor(y, preferred_dtype=x.dtype)
    if x.dtype.is_integer:
        target = dtypes.float32 if x.dtype.size <= 2 else dtypes.float64
        x, y = cast(x, target), cast(y, target)
    return REAL_DIV(x, y, name=name)


def div(x, y, name=None):
    """Old `tf.div`: floor... as TF1, truncating integer division and true float division."""
    x = convert_to_tensor(x)
    return DIV(x, y, name=name) if x.dtype.is_integer else REAL_DIV(x, y, name=name)


def _floordiv_kernel(xp, x, y):
    out = xp.floor_divide(x, y)
    return out.astype(x.dtype, copy=False)


FLOOR_DIV = _binary("FloorDiv", _floordiv_kernel, None)
NotDifferentiable("FloorDiv")
NotDifferentiable("Div")


def floordiv(x, y, name=None):
    """floor(x / y) elementwise (TF1 `tf.floordiv`)."""
    return FLOOR_DIV(x, y, name=name)


def _floormod_grad(op, grad):
    x, y = op.inputs
    return [sum_to_shape(grad, x), sum_to_shape(negative(grad) * floor(x / y), y)]


FLOOR_MOD = _binary("FloorMod", lambda xp, x, y: xp.mod(x, y).astype(x.dtype, copy=False),
                    _floormod_grad)


def floormod(x, y, name=None):
    """x mod y, the sign of y (TF1 `tf.floormod`, `tf.mod`)."""
    return FLOOR_MOD(x, y, name=name)


def _pow_grad(op, grad):
    x, y = op.inputs
    z = op.outputs[0]
    safe_log = where(x > 0, log(where(x > 0, x, ones_like_(x))), zeros_like_(x))
    return [sum_to_shape(grad * y * pow(x, y - 1), x), sum_to_shape(grad * z * safe_log, y)]


POW = _binary("Pow", lambda xp, x, y: xp.power(x, y).astype(x.dtype, copy=False), _pow_grad)


def pow(x, y, name=None):  # noqa: A001 - TF's public name
    """x ** y elementwise (TF1 `tf.pow`)."""
    return POW(x, y, name=name)


def _maximum_grad(op, grad):
    x, y = op.inputs
    x_wins = greater_equal(x, y)
    zeros = zeros_like_(grad)
    return [sum_to_shape(where(x_wins, grad, zeros), x),
            sum_to_shape(where(x_wins, zeros, grad), y)]


def _minimum_grad(op, grad):
    x, y = op.inputs
    x_wins = less_equal(x, y)
    zeros = zeros_like_(grad)
    return [sum_to_shape(where(x_wins, grad, zeros), x),
            sum_to_shape(where(x_wins, zeros, grad), y)]


MAXIMUM = _binary("Maximum", lambda xp, x, y: xp.maximum(x, y), _maximum_grad)
MINIMUM = _binary("Minimum", lambda xp, x, y: xp.minimum(x, y), _minimum_grad)


def maximum(x, y, name=None):
    """max(x, y) elementwise; ties send the gradient to x, as TF1 (TF1 `tf.maximum`)."""
    return MAXIMUM(x, y, name=name)


def minimum(x, y, name=None):
    """min(x, y) elementwise; ties send the gradient to x, as TF1 (TF1 `tf.minimum`)."""
    return MINIMUM(x, y, name=name)


def _squared_difference_grad(op, grad):
    x, y = op.inputs
    g = grad * 2.0 * (x - y) if grad.dtype.is_floating else grad
    return [sum_to_shape(g, x), sum_to_shape(negative(g), y)]


SQUARED_DIFFERENCE = _binary("SquaredDifference", lambda xp, x, y: (x - y) * (x - y),
                             _squared_difference_grad)


def squared_difference(x, y, name=None):
    """(x - y)^2 elementwise (TF1 `tf.squared_difference`)."""
    return SQUARED_DIFFERENCE(x, y, name=name)


# --- unary -------------------------------------------------------------------------------------
NEG = _unary("Neg", lambda xp, x: -x, lambda op, grad: [negative(grad)])


def negative(x, name=None):
    """-x (TF1 `tf.negative`)."""
    return NEG(x, name=name)


ABS = _unary("Abs", lambda xp, x: xp.abs(x), lambda op, grad: [grad * sign(op.inputs[0])])


def abs(x, name=None):  # noqa: A001
    """|x| elementwise (TF1 `tf.abs`)."""
    return ABS(x, name=name)


SIGN = _unary("Sign", lambda xp, x: xp.sign(x), lambda op, grad: [zeros_like_(op.inputs[0])])


def sign(x, name=None):
    """-1, 0 or 1 elementwise (TF1 `tf.sign`)."""
    return SIGN(x, name=name)


SQUARE = _unary("Square", lambda xp, x: x * x,
                lambda op, grad: [grad * (2.0 * op.inputs[0]) if grad.dtype.is_floating
                                  else grad * 2 * op.inputs[0]])


def square(x, name=None):
    """x * x elementwise (TF1 `tf.square`)."""
    return SQUARE(x, name=name)


SQRT = _unary("Sqrt", lambda xp, x: xp.sqrt(x), lambda op, grad: [grad * 0.5 / op.outputs[0]])


def sqrt(x, name=None):
    """Square root elementwise (TF1 `tf.sqrt`)."""
    return SQRT(x, name=name)


RSQRT = _unary("Rsqrt", lambda xp, x: 1 / xp.sqrt(x),
               lambda op, grad: [grad * -0.5 * op.outputs[0] * op.outputs[0] * op.outputs[0]])


def rsqrt(x, name=None):
    """1 / sqrt(x) elementwise (TF1 `tf.rsqrt`)."""
    return RSQRT(x, name=name)


RECIPROCAL = _unary("Reciprocal", lambda xp, x: 1 / x,
                    lambda op, grad: [negative(grad) * op.outputs[0] * op.outputs[0]])


def reciprocal(x, name=None):
    """1 / x elementwise (TF1 `tf.reciprocal`)."""
    return RECIPROCAL(x, name=name)


EXP = _unary("Exp", lambda xp, x: xp.exp(x), lambda op, grad: [grad * op.outputs[0]])


def exp(x, name=None):
    """e^x elementwise (TF1 `tf.exp`)."""
    return EXP(x, name=name)


LOG = _unary("Log", lambda xp, x: xp.log(x), lambda op, grad: [grad / op.inputs[0]])


def log(x, name=None):
    """Natural log elementwise (TF1 `tf.log`)."""
    return LOG(x, name=name)


LOG1P = _unary("Log1p", lambda xp, x: xp.log1p(x), lambda op, grad: [grad / (1.0 + op.inputs[0])])


def log1p(x, name=None):
    """log(1 + x) elementwise, accurate near 0 (TF1 `tf.log1p`)."""
    return LOG1P(x, name=name)


SIN = _unary("Sin", lambda xp, x: xp.sin(x), lambda op, grad: [grad * cos(op.inputs[0])])
COS = _unary("Cos", lambda xp, x: xp.cos(x), lambda op, grad: [negative(grad) * sin(op.inputs[0])])


def sin(x, name=None):
    """sin(x) elementwise (TF1 `tf.sin`)."""
    return SIN(x, name=name)


def cos(x, name=None):
    """cos(x) elementwise (TF1 `tf.cos`)."""
    return COS(x, name=name)


TANH = _unary("Tanh", lambda xp, x: xp.tanh(x),
              lambda op, grad: [grad * (1.0 - op.outputs[0] * op.outputs[0])])


def tanh(x, name=None):
    """Hyperbolic tangent elementwise (TF1 `tf.tanh`)."""
    return TANH(x, name=name)


def _sigmoid_kernel(xp, x):
    # Stable on both tails: exp of a non-positive number only.
    e = xp.exp(-xp.abs(x))
    return xp.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)


SIGMOID = _unary("Sigmoid", _sigmoid_kernel,
                 lambda op, grad: [grad * op.outputs[0] * (1.0 - op.outputs[0])])


def sigmoid(x, name=None):
    """1 / (1 + e^-x) elementwise (TF1 `tf.sigmoid`)."""
    return SIGMOID(x, name=name)


FLOOR = _unary("Floor", lambda xp, x: xp.floor(x), lambda op, grad: [zeros_like_(grad)])


def floor(x, name=None):
    """Largest integer <= x, elementwise (TF1 `tf.floor`)."""
    return FLOOR(x, name=name)


# --- matmul ------------------------------------------------------------------------------------
def _matmul_shape(a, b, transpose_a, transpose_b):
    da, db = a.shape.as_tuple(), b.shape.as_tuple()
    if da is None or db is None:
        return TensorShape(None)
    if len(da) < 2 or len(db) < 2:
        raise ValueError(f"Shape must be rank >= 2 but is rank {min(len(da), len(db))}")
    m, k = (da[-1], da[-2]) if transpose_a else (da[-2], da[-1])
    k2, n = (db[-1], db[-2]) if transpose_b else (db[-2], db[-1])
    if k is not None and k2 is not None and k != k2:
        raise ValueError(f"Dimensions must be equal, but are {k} and {k2}")
    batch = broadcast_dims(da[:-2], db[:-2])
    return TensorShape(batch + (m, n))


def _t(xp, x, flag):
    return xp.swapaxes(x, -1, -2) if flag else x


def _matmul_kernel(xp, a, b, transpose_a, transpose_b):
    return xp.matmul(_t(xp, a, transpose_a), _t(xp, b, transpose_b))


def _matmul_grad(op, grad):
    a, b = op.inputs
    ta, tb = op.attrs["transpose_a"], op.attrs["transpose_b"]
    if not ta and not tb:
        ga, gb = matmul(grad, b, transpose_b=True), matmul(a, grad, transpose_a=True)
    elif not ta and tb:
        ga, gb = matmul(grad, b), matmul(grad, a, transpose_a=True)
    elif ta and not tb:
        ga, gb = matmul(b, grad, transpose_b=True), matmul(a, grad)
    else:
        ga, gb = (matmul(b, grad, transpose_a=True, transpose_b=True),
                  matmul(grad, a, transpose_a=True, transpose_b=True))
    return [sum_to_shape(ga, a), sum_to_shape(gb, b)]


MATMUL = register_op("MatMul", shape=_matmul_shape, kernel=_matmul_kernel, grad=_matmul_grad)


def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False,
           a_is_sparse=False, b_is_sparse=False, name=None):
    """a @ b over the last two dims, batch dims broadcast (TF1 `tf.matmul`)."""
    return MATMUL(a, b, transpose_a=bool(transpose_a or adjoint_a),
                  transpose_b=bool(transpose_b or adjoint_b), name=name)


def tensordot(a, b, axes, name=None):
    """Sum of products over `axes` of a and b (TF1 `tf.tensordot`), via transpose+matmul."""
    from .array_ops import transpose
    a, b = convert_to_tensor(a), convert_to_tensor(b)
    ra, rb = a.shape.ndims, b.shape.ndims
    if ra is None or rb is None:
        raise ValueError("tensordot needs inputs of known rank.")
    if isinstance(axes, int):
        a_axes, b_axes = list(range(ra - axes, ra)), list(range(axes))
    else:
        a_axes, b_axes = [list(np.atleast_1d(ax)) for ax in axes]
    a_axes = [int(i) % ra for i in a_axes]
    b_axes = [int(i) % rb for i in b_axes]
    a_free = [i for i in range(ra) if i not in a_axes]
    b_free = [i for i in range(rb) if i not in b_axes]
    sa, sb = shape(a), shape(b)
    from .array_ops import gather, concat
    a2 = reshape(transpose(a, a_free + a_axes),
                 [_prod_dims(a, a_free, sa), _prod_dims(a, a_axes, sa)])
    b2 = reshape(transpose(b, b_axes + b_free),
                 [_prod_dims(b, b_axes, sb), _prod_dims(b, b_free, sb)])
    out = matmul(a2, b2)
    out_shape = concat([gather(sa, a_free), gather(sb, b_free)], 0) if a_free or b_free else []
    result = reshape(out, out_shape, name=name)
    dims_a, dims_b = a.shape.as_tuple(), b.shape.as_tuple()
    result.set_shape([dims_a[i] for i in a_free] + [dims_b[i] for i in b_free])
    return result


def _prod_dims(t, axes, dyn_shape):
    dims = [t.shape.as_tuple()[i] for i in axes]
    if None not in dims:
        return int(np.prod(dims)) if dims else 1
    from .array_ops import gather
    return reduce_prod(gather(dyn_shape, axes))


# --- reductions --------------------------------------------------------------------------------
def _norm_axis(x, axis):
    if axis is None:
        return None
    axis = np.atleast_1d(np.asarray(axis)).astype(int).tolist()
    ndims = x.shape.ndims
    if ndims is None:
        return tuple(axis)
    for a in axis:
        if not -max(ndims, 1) <= a < max(ndims, 1):
            raise ValueError(f"Invalid reduction dimension {a} for input with {ndims} dimensions")
    return tuple(sorted({a % ndims for a in axis})) if ndims else ()


def _reduce_shape(x, axis, keepdims, **_):
    dims = x.shape.as_tuple()
    if dims is None:
        return TensorShape(None)
    if axis is None:
        return TensorShape([1] * len(dims) if keepdims else [])
    if keepdims:
        return TensorShape([1 if i in axis else d for i, d in enumerate(dims)])
    return TensorShape([d for i, d in enumerate(dims) if i not in axis])


def _grad_to_input_shape(op, grad):
    """`grad` of a reduction reshaped to keepdims form and broadcast to the input's shape."""
    x = op.inputs[0]
    kept = grad if op.attrs["keepdims"] else reshape(grad,
                                                     reduced_shape(shape(x), op.attrs["axis"]))
    return broadcast_to(kept, shape(x))


def _sum_grad(op, grad):
    return [_grad_to_input_shape(op, grad)]


def _mean_grad(op, grad):
    x, y = op.inputs[0], op.outputs[0]
    count = cast(size(x), grad.dtype) / cast(maximum(size(y), 1), grad.dtype)
    return [_grad_to_input_shape(op, grad) / count]


def _extreme_grad(op, grad):
    x = op.inputs[0]
    y = op.outputs[0]
    keep = dict(axis=op.attrs["axis"], keepdims=True)
    y_full = y if op.attrs["keepdims"] else reshape(y, reduced_shape(shape(x), keep["axis"]))
    # TF1 splits the gradient evenly between tied maxima.
    hits = cast(equal(x, y_full), grad.dtype)
    count = REDUCE_SUM(hits, **keep)
    return [_grad_to_input_shape(op, grad) * hits / count]


def _prod_grad(op, grad):
    from .array_ops import cumprod_exclusive_product
    x = op.inputs[0]
    return [_grad_to_input_shape(op, grad) * cumprod_exclusive_product(x, op.attrs["axis"])]


def _reduction(op_type, kernel, grad, dtype=None):
    return register_op(op_type, shape=_reduce_shape, kernel=kernel, grad=grad, dtype=dtype,
                       differentiable=grad is not None)


REDUCE_SUM = _reduction("Sum", reduce_kernels.reduce_sum, _sum_grad)
REDUCE_MEAN = _reduction("Mean", reduce_kernels.reduce_mean, _mean_grad)
REDUCE_MAX = _reduction("Max", reduce_kernels.reduce_max, _extreme_grad)
REDUCE_MIN = _reduction("Min", reduce_kernels.reduce_min, _extreme_grad)
REDUCE_PROD = _reduction("Prod", reduce_kernels.reduce_prod, _prod_grad)
REDUCE_ALL = _reduction("All", lambda xp, x, axis, keepdims: xp.asarray(
    xp.all(x, axis=axis, keepdims=keepdims)), None)
REDUCE_ANY = _reduction("Any", lambda xp, x, axis, keepdims: xp.asarray(
    xp.any(x, axis=axis, keepdims=keepdims)), None)


def _reducer(opdef, default_name):
    def reduce(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
               keep_dims=None):
        if axis is not None and reduction_indices is not None:
            raise ValueError("Can not specify both 'axis' and 'reduction_indices'.")
        if keepdims is not None and keep_dims is not None:
            raise ValueError("Can not specify both 'keepdims' and 'keep_dims'.")
        axis = reduction_indices if axis is None else axis
        keepdims = bool(keep_dims if keepdims is None else keepdims)
        x = convert_to_tensor(input_tensor)
        if opdef in (REDUCE_ALL, REDUCE_ANY) and not x.dtype.is_bool:
            raise TypeError(f"{default_name} expects a bool tensor, got {x.dtype.name}.")
        return opdef(x, axis=_norm_axis(x, _static_axis(axis)), keepdims=keepdims,
                     name=name or default_name)
    reduce.__name__ = "reduce_" + default_name.lower()
    reduce.__doc__ = (f"Reduces `input_tensor` with {default_name} over `axis` "
                      f"(alias `reduction_indices`), keepdims (alias `keep_dims`) as TF1.")
    return reduce


def _static_axis(axis):
    if axis is None or isinstance(axis, (int, np.integer, list, tuple, np.ndarray)):
        if isinstance(axis, (list, tuple)):
            axis = [_static_axis(a) for a in axis]
        return axis
    from ..graph.constant import constant_value
    value = constant_value(axis)
    if value is None:
        raise ValueError("graphgrad needs the reduction axis known when the graph is built "
                         f"(got the tensor {axis.name}).")
    return value.tolist()


reduce_sum = _reducer(REDUCE_SUM, "Sum")
reduce_mean = _reducer(REDUCE_MEAN, "Mean")
reduce_max = _reducer(REDUCE_MAX, "Max")
reduce_min = _reducer(REDUCE_MIN, "Min")
reduce_prod = _reducer(REDUCE_PROD, "Prod")
reduce_all = _reducer(REDUCE_ALL, "All")
reduce_any = _reducer(REDUCE_ANY, "Any")


def _arg_shape(x, axis, output_type, which):
    dims = x.shape.as_tuple()
    if dims is None:
        return TensorShape(None)
    return TensorShape([d for i, d in enumerate(dims) if i != axis % len(dims)])


ARG_MAX = register_op("ArgMax", shape=_arg_shape, dtype=lambda i, a: a["output_type"],
                      kernel=reduce_kernels.arg_reduce, differentiable=False)
ARG_MIN = register_op("ArgMin", shape=_arg_shape, dtype=lambda i, a: a["output_type"],
                      kernel=reduce_kernels.arg_reduce, differentiable=False)


def argmax(input, axis=None, name=None, dimension=None, output_type=dtypes.int64):  # noqa: A002
    """Index of the largest value along `axis` (alias `dimension`) (TF1 `tf.argmax`)."""
    axis = dimension if axis is None else axis
    x = convert_to_tensor(input)
    return ARG_MAX(x, axis=int(_static_axis(0 if axis is None else axis)),
                   output_type=dtypes.as_dtype(output_type), which="max", name=name)


def argmin(input, axis=None, name=None, dimension=None, output_type=dtypes.int64):  # noqa: A002
    """Index of the smallest value along `axis` (alias `dimension`) (TF1 `tf.argmin`)."""
    axis = dimension if axis is None else axis
    x = convert_to_tensor(input)
    return ARG_MIN(x, axis=int(_static_axis(0 if axis is None else axis)),
                   output_type=dtypes.as_dtype(output_type), which="min", name=name)


# --- comparisons and logic ---------------------------------------------------------------------
def _compare(op_type, kernel):
    opdef = _binary(op_type, kernel, None, dtype=dtypes.bool)
    NotDifferentiable(op_type)
    return opdef


EQUAL = _compare("Equal", lambda xp, x, y: xp.equal(x, y))
NOT_EQUAL = _compare("NotEqual", lambda xp, x, y: xp.not_equal(x, y))
LESS = _compare("Less", lambda xp, x, y: xp.less(x, y))
LESS_EQUAL = _compare("LessEqual", lambda xp, x, y: xp.less_equal(x, y))
GREATER = _compare("Greater", lambda xp, x, y: xp.greater(x, y))
GREATER_EQUAL = _compare("GreaterEqual", lambda xp, x, y: xp.greater_equal(x, y))
LOGICAL_AND = _compare("LogicalAnd", lambda xp, x, y: xp.logical_and(x, y))
LOGICAL_OR = _compare("LogicalOr", lambda xp, x, y: xp.logical_or(x, y))
LOGICAL_NOT = register_op("LogicalNot", shape=_same_shape, kernel=lambda xp, x: xp.logical_not(x),
                          differentiable=False)


def equal(x, y, name=None):
    """x == y elementwise, a bool tensor (TF1 `tf.equal`)."""
    return EQUAL(x, y, name=name)


def not_equal(x, y, name=None):
    """x != y elementwise (TF1 `tf.not_equal`)."""
    return NOT_EQUAL(x, y, name=name)


def less(x, y, name=None):
    """x < y elementwise (TF1 `tf.less`)."""
    return LESS(x, y, name=name)


def less_equal(x, y, name=None):
    """x <= y elementwise (TF1 `tf.less_equal`)."""
    return LESS_EQUAL(x, y, name=name)


def greater(x, y, name=None):
    """x > y elementwise (TF1 `tf.greater`)."""
    return GREATER(x, y, name=name)


def greater_equal(x, y, name=None):
    """x >= y elementwise (TF1 `tf.greater_equal`)."""
    return GREATER_EQUAL(x, y, name=name)


def _logical(opdef, x, y, name):
    x, y = convert_to_tensor(x, dtype=dtypes.bool), convert_to_tensor(y, dtype=dtypes.bool)
    return opdef(x, y, name=name)


def logical_and(x, y, name=None):
    """x AND y for bool tensors (TF1 `tf.logical_and`)."""
    return _logical(LOGICAL_AND, x, y, name)


def logical_or(x, y, name=None):
    """x OR y for bool tensors (TF1 `tf.logical_or`)."""
    return _logical(LOGICAL_OR, x, y, name)


def logical_not(x, name=None):
    """NOT x for a bool tensor (TF1 `tf.logical_not`)."""
    return LOGICAL_NOT(convert_to_tensor(x, dtype=dtypes.bool), name=name)


def logical_xor(x, y, name="LogicalXor"):
    """x XOR y for bool tensors (TF1 `tf.logical_xor`)."""
    return logical_and(logical_or(x, y), logical_not(logical_and(x, y)), name=name)


# --- casts, selection, sums --------------------------------------------------------------------
def _cast_grad(op, grad):
    x = op.inputs[0]
    if x.dtype.is_floating and grad.dtype.is_floating:
        return [cast(grad, x.dtype)]
    return [None]


CAST = register_op("Cast", shape=_same_shape, dtype=lambda i, a: a["DstT"], grad=_cast_grad,
                   kernel=lambda xp, x, DstT: x.astype(DstT.np))


def cast(x, dtype, name=None):
    """`x` converted to `dtype` elementwise (TF1 `tf.cast`); floats to ints truncate."""
    x = convert_to_tensor(x)
    dtype = dtypes.as_dtype(dtype)
    if x.dtype == dtype:
        from .array_ops import identity
        return identity(x, name=name)
    return CAST(x, DstT=dtype, name=name or "Cast")


def to_float(x, name="ToFloat"):
    return cast(x, dtypes.float32, name=name)


def to_int32(x, name="ToInt32"):
    return cast(x, dtypes.int32, name=name)


def to_int64(x, name="ToInt64"):
    return cast(x, dtypes.int64, name=name)


def to_double(x, name="ToDouble"):
    return cast(x, dtypes.float64, name=name)


def _select_shape(c, x, y):
    return TensorShape(broadcast_dims(broadcast_dims(c.shape.as_tuple(), x.shape.as_tuple()),
                                      y.shape.as_tuple()))


def _select_grad(op, grad):
    c, x, y = op.inputs
    zeros = zeros_like_(grad)
    return [None, sum_to_shape(where(c, grad, zeros), x), sum_to_shape(where(c, zeros, grad), y)]


SELECT = register_op("Select", shape=_select_shape, kernel=lambda xp, c, x, y: xp.where(c, x, y),
                     grad=_select_grad, same_dtype=(1, 2), dtype=lambda i, a: i[1].dtype)


def where(condition, x=None, y=None, name=None):
    """Elementwise choice of x or y by `condition` (TF1 `tf.where`/`tf.select`, broadcasting
    as TF2's where_v2); with only `condition`, the coordinates of its true elements."""
    if x is None and y is None:
        from .array_ops import where_indices
        return where_indices(condition, name=name)
    if x is None or y is None:
        raise ValueError("x and y must both be non-None or both be None.")
    return SELECT(convert_to_tensor(condition, dtype=dtypes.bool), x, y, name=name)


def _add_n_shape(*inputs):
    out = inputs[0].shape
    for t in inputs[1:]:
        out = out.merge_with(t.shape)
    return out


ADD_N = register_op("AddN", shape=_add_n_shape, grad=lambda op, grad: [grad] * len(op.inputs),
                    kernel=lambda xp, *xs: sum(xs[1:], xs[0]))


def add_n(inputs, name=None):
    """Sum of a list of same-shaped tensors (TF1 `tf.add_n`)."""
    if not inputs:
        raise ValueError("inputs must be a non-empty list of tensors.")
    inputs = list(inputs)
    if len(inputs) == 1:
        from .array_ops import identity
        return identity(inputs[0], name=name)
    return ADD_N(*inputs, name=name)


def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    """`t` clipped to [min, max] elementwise (TF1 `tf.clip_by_value`)."""
    t = convert_to_tensor(t)
    return maximum(minimum(t, clip_value_max), clip_value_min, name=name)


def zeros_like_(x):
    from .array_ops import zeros_like
    return zeros_like(x)


def ones_like_(x):
    from .array_ops import ones_like
    return ones_like(x)

__all__ = ["add", "subtract", "multiply", "divide", "truediv", "div", "floordiv", "floormod",
    "pow", "maximum", "minimum", "squared_difference", "negative", "abs", "sign", "square",
    "sqrt", "rsqrt", "reciprocal", "exp", "log", "log1p", "sin", "cos", "tanh", "sigmoid",
    "floor", "matmul", "tensordot", "reduce_sum", "reduce_mean", "reduce_max", "reduce_min",
    "reduce_prod", "reduce_all", "reduce_any", "argmax", "argmin", "equal", "not_equal", "less",
    "less_equal", "greater", "greater_equal", "logical_and", "logical_or", "logical_not",
    "logical_xor", "cast", "to_float", "to_int32", "to_int64", "to_double", "where", "add_n",
    "clip_by_value"]
