"""Reductions (reduce_sum ... reduce_any, reduce_logsumexp, count_nonzero), argmax/argmin and the
scans cumsum/cumprod; re-exported by math_ops."""
import numpy as np

from ..graph import dtypes
from ..graph.constant import constant_value, convert_to_tensor
from ..graph.default import name_scope
from ..graph.registry import register_op
from ..graph.shapes import TensorShape
from ..graph.tensor import Tensor
from ..kernels import reduce as kernels
from .logic_ops import cast, equal, not_equal, where
from .math_ops import (
    NUMERIC,
    REAL,
    add,
    dtype_rule,
    exp,
    is_finite,
    log,
    maximum,
    ones_like_,
    sqrt,
    square,
    zeros_like_,
)
from .reduction_dynamic_ops import DYNAMIC_REDUCTIONS
from .shape_ops import broadcast_to, reduced_shape, reshape, shape, size


def _norm_axis(x, axis):
    """`axis` as a sorted tuple of dims in [0, rank) (raw when the rank is unknown)."""
    if axis is None:
        return None
    axis = [int(a) for a in np.reshape(np.asarray(axis, dtype=np.int64), (-1,))]
    ndims = x.shape.ndims
    if ndims is None:
        return tuple(axis)
    for a in axis:
        if not -ndims <= a < ndims:
            raise ValueError(f"Invalid reduction dimension {a} for input with {ndims} "
                             f"dimensions")
    return tuple(sorted({a % ndims for a in axis}))


def _static_axis(axis):
    """A Python/NumPy axis as is; a tensor's value if it is known while building."""
    if isinstance(axis, (list, tuple)):
        return [_static_axis(a) for a in axis]
    if not isinstance(axis, Tensor) and not hasattr(axis, "_as_tensor"):
        return axis
    value = constant_value(axis)
    if value is None:
        raise ValueError("graphgrad needs the reduction axis known when the graph is built "
                         f"(got the tensor {convert_to_tensor(axis).name}).")
    return value.tolist()


def _reduce_shape(x, axis, keepdims):
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
    axis, keepdims = op.attrs["axis"], op.attrs["keepdims"]
    kept = grad if keepdims else reshape(grad, reduced_shape(shape(x), axis))
    return broadcast_to(kept, shape(x))


def _sum_grad(op, grad):
    return [_grad_to_input_shape(op, grad)]


def _mean_grad(op, grad):
    x, y = op.inputs[0], op.outputs[0]
    n_in, n_out = x.shape.num_elements(), y.shape.num_elements()
    if n_in is not None and n_out is not None:
        count = float(n_in // max(n_out, 1))
    else:
        count = cast(size(x) // maximum(size(y), 1), grad.dtype)
    return [_grad_to_input_shape(op, grad) / count]


def _extreme_grad(op, grad):
    x, y = op.inputs[0], op.outputs[0]
    axis = op.attrs["axis"]
    y_kept = y if op.attrs["keepdims"] else reshape(y, reduced_shape(shape(x), axis))
    # TF1 splits the gradient evenly between tied extremes.
    hits = cast(equal(x, y_kept), grad.dtype)
    count = REDUCE_SUM(hits, axis=axis, keepdims=True)
    return [_grad_to_input_shape(op, grad) * hits / count]


def _others_product(x, axes):
    """For each element, the product of the other elements over `axes`, without dividing (so
    zeros are fine): exclusive cumprods from both ends along one axis, times the same for the
    products along that axis over the remaining axes."""
    first, rest = axes[0], axes[1:]
    along = (cumprod(x, first, exclusive=True) *
             cumprod(x, first, exclusive=True, reverse=True))
    if not rest:
        return along
    return along * _others_product(REDUCE_PROD(x, axis=(first,), keepdims=True), rest)


def _prod_grad(op, grad):
    x, axis = op.inputs[0], op.attrs["axis"]
    if axis is None:
        others = reshape(_others_product(reshape(x, [-1]), [0]), shape(x))
    elif not axis:
        others = ones_like_(x)
    else:
        others = _others_product(x, list(axis))
    return [_grad_to_input_shape(op, grad) * others]


def _reduction(op_type, kernel, grad, kinds):
    return register_op(op_type, shape=_reduce_shape, kernel=kernel, grad=grad,
                       dtype=dtype_rule(op_type, kinds), differentiable=grad is not None)


REDUCE_SUM = _reduction("Sum", kernels.reduce_sum, _sum_grad, NUMERIC)
REDUCE_MEAN = _reduction("Mean", kernels.reduce_mean, _mean_grad, NUMERIC)
REDUCE_MAX = _reduction("Max", kernels.reduce_max, _extreme_grad, REAL)
REDUCE_MIN = _reduction("Min", kernels.reduce_min, _extreme_grad, REAL)
REDUCE_PROD = _reduction("Prod", kernels.reduce_prod, _prod_grad, NUMERIC)
REDUCE_ALL = _reduction("All", kernels.reduce_all, None, "b")
REDUCE_ANY = _reduction("Any", kernels.reduce_any, None, "b")


def _lookup(new_name, new, old_name, old):
    """TF1's deprecated-argument rule: the old alias or the new name, never both."""
    if old is not None and new is not None:
        raise ValueError(f"Cannot specify both '{old_name}' and '{new_name}'")
    return new if old is None else old


def _reduce_args(axis, keepdims, reduction_indices, keep_dims):
    axis = _lookup("axis", axis, "reduction_indices", reduction_indices)
    keepdims = _lookup("keepdims", keepdims, "keep_dims", keep_dims)
    return axis, bool(keepdims)


def _computed_axis(axis):
    """`axis` as an int tensor when its value is computed in the graph, else None."""
    items = axis if isinstance(axis, (list, tuple)) else [axis]
    for a in items:
        if (isinstance(a, Tensor) or hasattr(a, "_as_tensor")) and constant_value(a) is None:
            return convert_to_tensor(axis, preferred_dtype=dtypes.int32)
    return None


def _reduce(opdef, x, axis, keepdims, name=None):
    """The static reduction `opdef` of `x`, or, when the axis value arrives at run time, the op
    that takes it as an input (named as TF names the reduction)."""
    computed = _computed_axis(axis)
    if computed is not None:
        return DYNAMIC_REDUCTIONS[opdef.type](x, computed, keepdims=keepdims,
                                              name=name or opdef.type)
    return opdef(x, axis=_norm_axis(x, _static_axis(axis)), keepdims=keepdims, name=name)


def _reducer(opdef, fn_name, what):
    def reduce(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
               keep_dims=None):
        axis, keepdims = _reduce_args(axis, keepdims, reduction_indices, keep_dims)
        return _reduce(opdef, convert_to_tensor(input_tensor), axis, keepdims, name)
    reduce.__name__ = reduce.__qualname__ = fn_name
    reduce.__doc__ = (f"The {what} of `input_tensor` over `axis` (alias `reduction_indices`; "
                      f"None: all dims; a tensor computed in the graph will do), keeping size-1 "
                      f"dims if `keepdims` (alias `keep_dims`) (TF1 `tf.{fn_name}`).")
    return reduce


reduce_sum = _reducer(REDUCE_SUM, "reduce_sum", "sum (0 if empty)")
reduce_mean = _reducer(REDUCE_MEAN, "reduce_mean",
                       "mean (integer means truncate toward zero; nan if empty)")
reduce_max = _reducer(REDUCE_MAX, "reduce_max", "maximum (the dtype's lowest value if empty)")
reduce_min = _reducer(REDUCE_MIN, "reduce_min", "minimum (the dtype's highest value if empty)")
reduce_prod = _reducer(REDUCE_PROD, "reduce_prod", "product (1 if empty)")
reduce_all = _reducer(REDUCE_ALL, "reduce_all", "logical AND (True if empty)")
reduce_any = _reducer(REDUCE_ANY, "reduce_any", "logical OR (False if empty)")


def reduce_logsumexp(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
                     keep_dims=None):
    """log(sum(exp(input_tensor))) over `axis`, without overflow: the max is taken out first
    (TF1 `tf.reduce_logsumexp`)."""
    axis, keepdims = _reduce_args(axis, keepdims, reduction_indices, keep_dims)
    from .array_ops import stop_gradient
    with name_scope(name, "ReduceLogSumExp", [input_tensor]) as scope:
        x = convert_to_tensor(input_tensor)
        raw_max = _reduce(REDUCE_MAX, x, axis, True)
        # An infinite max (all -inf, or empty) would give inf - inf: shift by 0 instead.
        shift = stop_gradient(where(is_finite(raw_max), raw_max, zeros_like_(raw_max)))
        total = _reduce(REDUCE_SUM, exp(x - shift), axis, keepdims)
        if not keepdims:
            shift = reshape(shift, shape(total))
        return add(log(total), shift, name=scope)


def count_nonzero(input_tensor=None, axis=None, keepdims=None, dtype=dtypes.int64, name=None,
                  reduction_indices=None, keep_dims=None, input=None):  # noqa: A002
    """The number of non-zero (for bool: True) elements over `axis`, as `dtype`
    (TF1 `tf.count_nonzero`)."""
    input_tensor = _lookup("input", input, "input_tensor", input_tensor)
    axis, keepdims = _reduce_args(axis, keepdims, reduction_indices, keep_dims)
    with name_scope(name, "count_nonzero", [input_tensor]):
        x = convert_to_tensor(input_tensor, name="input_tensor")
        zero = convert_to_tensor(np.zeros((), dtype=x.dtype.np))
        nonzero = cast(not_equal(x, zero), dtypes.int64)
        counts = _reduce(REDUCE_SUM, nonzero, axis, keepdims)
        return cast(counts, dtype)


def reduce_variance(input_tensor, axis=None, keepdims=False, name=None):
    """The variance (mean squared deviation) over `axis` (TF1 `tf.math.reduce_variance`)."""
    with name_scope(name, "reduce_variance", [input_tensor]) as scope:
        x = convert_to_tensor(input_tensor)
        if not x.dtype.is_floating:
            raise TypeError(f"Input must be either real or complex, got {x.dtype.name}")
        means = reduce_mean(x, axis, keepdims=True)
        return reduce_mean(square(x - means), axis, keepdims=keepdims, name=scope)


def reduce_std(input_tensor, axis=None, keepdims=False, name=None):
    """The standard deviation over `axis` (TF1 `tf.math.reduce_std`)."""
    with name_scope(name, "reduce_std", [input_tensor]) as scope:
        return sqrt(reduce_variance(input_tensor, axis, keepdims), name=scope)


# --- argmax / argmin ---------------------------------------------------------------------------
def _arg_shape(x, axis, output_type, which):
    dims = x.shape.as_tuple()
    if dims is None:
        return TensorShape(None)
    if not -len(dims) <= axis < len(dims):
        raise ValueError(f"Expected dimension in the range [{-len(dims)}, {len(dims)}), but "
                         f"got {axis}")
    return TensorShape([d for i, d in enumerate(dims) if i != axis % len(dims)])


def _arg_opdef(op_type):
    check_input = dtype_rule(op_type, REAL)

    def output_dtype(inputs, attrs):
        check_input(inputs, attrs)
        return attrs["output_type"]
    return register_op(op_type, shape=_arg_shape, kernel=kernels.arg_reduce, dtype=output_dtype,
                       differentiable=False)


ARG_MAX = _arg_opdef("ArgMax")
ARG_MIN = _arg_opdef("ArgMin")


def _arg(opdef, which, input, axis, name, dimension, output_type):  # noqa: A002
    axis = _lookup("axis", axis, "dimension", dimension)
    output_type = dtypes.as_dtype(output_type)
    if output_type not in (dtypes.int32, dtypes.int64):
        raise TypeError(f"output_type must be int32 or int64, got {output_type.name}")
    # TF1 reduces over dim 0 when no axis is given.
    axis = 0 if axis is None else _static_axis(axis)
    return opdef(convert_to_tensor(input), axis=int(np.reshape(axis, ())),
                 output_type=output_type, which=which, name=name)


def argmax(input, axis=None, name=None, dimension=None, output_type=dtypes.int64):  # noqa: A002
    """Index of the largest value along `axis` (alias `dimension`; default 0), the first on ties,
    as int64 unless `output_type` says int32 (TF1 `tf.argmax`)."""
    return _arg(ARG_MAX, "max", input, axis, name, dimension, output_type)


def argmin(input, axis=None, name=None, dimension=None, output_type=dtypes.int64):  # noqa: A002
    """Index of the smallest value along `axis` (alias `dimension`; default 0) (TF1 `tf.argmin`)."""
    return _arg(ARG_MIN, "min", input, axis, name, dimension, output_type)


# --- scans -------------------------------------------------------------------------------------
def _scan_shape(x, axis, exclusive, reverse):
    rank = x.shape.ndims
    if rank == 0:
        raise ValueError("Scan needs an input of rank >= 1, got a scalar")
    value = constant_value(axis)
    if rank is not None and value is not None and not -rank <= int(value) < rank:
        raise ValueError(f"Expected scan axis in the range [{-rank}, {rank}), but got "
                         f"{int(value)}")
    return x.shape


def _cumsum_grad(op, grad):
    exclusive, reverse = op.attrs["exclusive"], op.attrs["reverse"]
    return [cumsum(grad, op.inputs[1], exclusive=exclusive, reverse=not reverse), None]


def _cumprod_grad(op, grad):
    x, axis = op.inputs
    exclusive, reverse = op.attrs["exclusive"], op.attrs["reverse"]
    # As TF: sum over the later outputs of grad * y, divided by x (so inf/nan where x is 0).
    total = cumsum(op.outputs[0] * grad, axis, exclusive=exclusive, reverse=not reverse)
    return [total / x, None]


def _scan_opdef(op_type, kernel, grad):
    return register_op(op_type, shape=_scan_shape, kernel=kernel, grad=grad, same_dtype=False,
                       dtype=dtype_rule(op_type, NUMERIC))


CUMSUM = _scan_opdef("Cumsum", kernels.cumsum, _cumsum_grad)
CUMPROD = _scan_opdef("Cumprod", kernels.cumprod, _cumprod_grad)


def _scan(opdef, default_name, x, axis, exclusive, reverse, name):
    with name_scope(name, default_name, [x]) as scope:
        x = convert_to_tensor(x, name="x")
        axis = convert_to_tensor(axis, dtype=dtypes.int32, name="axis") \
            if not isinstance(axis, Tensor) else axis
        return opdef(x, axis, exclusive=bool(exclusive), reverse=bool(reverse), name=scope)


def cumsum(x, axis=0, exclusive=False, reverse=False, name=None):
    """Running sums along `axis`: [a, b, c] -> [a, a + b, a + b + c]; `exclusive` starts from 0
    ([0, a, a + b]), `reverse` sums from the end (TF1 `tf.cumsum`)."""
    return _scan(CUMSUM, "Cumsum", x, axis, exclusive, reverse, name)


def cumprod(x, axis=0, exclusive=False, reverse=False, name=None):
    """Running products along `axis`: [a, b, c] -> [a, ab, abc]; `exclusive` starts from 1,
    `reverse` multiplies from the end (TF1 `tf.cumprod`)."""
    return _scan(CUMPROD, "Cumprod", x, axis, exclusive, reverse, name)


# reduce_variance and reduce_std are tf.math-only in TF1: graphgrad/math.py takes them from here.
__all__ = ["reduce_sum", "reduce_mean", "reduce_max", "reduce_min", "reduce_prod", "reduce_all",
           "reduce_any", "reduce_logsumexp", "count_nonzero", "argmax", "argmin", "cumsum",
           "cumprod"]
