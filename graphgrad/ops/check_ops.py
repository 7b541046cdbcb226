"""Run-time checks: CheckNumerics, Assert and the tf.assert_* / tf.debugging.assert_* family.

Like TF, the binary asserts fail at build time when both sides are constants, and assert_rank /
assert_type check statically known ranks and dtypes without adding an Assert op.
"""
import numpy as np

from .. import errors
from ..graph import dtypes
from ..graph.constant import constant_value, convert_to_tensor
from ..graph.default import name_scope
from ..graph.graph import get_default_graph
from ..graph.registry import register_op
from ..graph.shapes import TensorShape
from ..graph.tensor import Tensor
from . import logic_ops, reduction_ops, shape_ops
from .control_flow_ops import group, no_op
from .logging_ops import as_tensor_or_string, summarize_v1

_FLOATS = (dtypes.float16, dtypes.float32, dtypes.float64)


def _located(message, op):
    """TF appends the failing node to a run-time error; graphgrad adds where the user made it."""
    return f"{message}\n  in op {errors.describe_op(op)}"


# --- CheckNumerics ---
def _check_numerics_kernel(xp, x, message, where):
    nan = bool(xp.isnan(x).any())
    inf = bool(xp.isinf(x).any())
    if nan or inf:
        found = "Inf and NaN" if nan and inf else ("NaN" if nan else "Inf")
        raise errors.InvalidArgumentError(
            None, where, _located(f"{message} : Tensor had {found} values", where))
    return x


def _check_numerics_grad(op, grad):
    return [check_numerics(grad, "Not a number (NaN) or infinity (Inf) values detected in "
                                 f"gradient. {op.attrs['message']}")]


CHECK_NUMERICS = register_op(
    "CheckNumerics", shape=lambda x, **_: x.shape, kernel=_check_numerics_kernel,
    grad=_check_numerics_grad, stateful=True, bind=lambda op, state: {"where": op})


def check_numerics(tensor, message, name=None):
    """Returns `tensor`; when it runs, raises InvalidArgumentError naming this op and the line
    that created it if `tensor` holds any NaN or Inf (TF1 `tf.check_numerics`)."""
    tensor = convert_to_tensor(tensor)
    if tensor.dtype not in _FLOATS:
        raise TypeError(f"Value passed to parameter 'tensor' has DataType {tensor.dtype.name} "
                        "not in list of allowed values: float16, float32, float64")
    return CHECK_NUMERICS(tensor, message=str(message), name=name)


def verify_tensor_all_finite(t, msg, name=None, x=None, message=None):
    """`t` checked for NaN and Inf (TF1 `tf.verify_tensor_all_finite`)."""
    t = x if x is not None else t
    with name_scope(name, "VerifyFinite", [t]):
        return check_numerics(t, message if message is not None else msg)


def add_check_numerics_ops():
    """One op that checks every float tensor of the default graph for NaN and Inf, chained in
    creation order so the first bad tensor is the one reported (TF1 `tf.add_check_numerics_ops`).

    Like TF (whose variables and updates have ref dtypes it skips), variables and the ops that
    write them are not checked; run it with the feeds of the step you debug.
    """
    graph = get_default_graph()
    checks = []
    for op in graph.get_operations():
        if op.opdef.writes or op.type in ("VariableV2", "CheckNumerics"):
            continue
        for out in op.outputs:
            if out.dtype in _FLOATS:
                with graph.control_dependencies(checks):
                    checks = [check_numerics(out, f"{op.name}:{out.value_index}").op]
    return group(*checks)


# --- Assert ---
def _assert_kernel(xp, condition, *data, summarize, where):
    if np.ndim(condition) != 0:
        raise errors.InvalidArgumentError(
            None, where, _located("In[0] expected to be a scalar, got shape "
                                  f"{list(np.shape(condition))}", where))
    if not bool(condition):
        shown = " ".join(f"[{summarize_v1(d, summarize)}]" for d in data)
        raise errors.InvalidArgumentError(None, where,
                                          _located(f"assertion failed: {shown}", where))
    return np.True_


# Differs from TF: one unused bool output (TF's Assert has none); users get the Operation.
ASSERT = register_op(
    "Assert", shape=lambda *inputs, **_: TensorShape([]), kernel=_assert_kernel,
    dtype=dtypes.bool, same_dtype=False, stateful=True, differentiable=False,
    bind=lambda op, state: {"where": op})


def Assert(condition, data, summarize=None, name=None):  # noqa: N802 - TF's public name
    """An op that raises InvalidArgumentError listing the first `summarize` (default 3) entries
    of each tensor in `data` when `condition` (a scalar bool) is False (TF1 `tf.Assert`)."""
    with name_scope(name, "Assert", [condition] + list(data)):
        condition = convert_to_tensor(condition)
        if condition.dtype != dtypes.bool:
            raise TypeError(f"Assert's condition must be bool, got {condition.dtype.name} "
                            f"('{condition.name}').")
        tensors = [as_tensor_or_string(d) for d in data]
        return ASSERT(condition, *tensors, summarize=3 if summarize is None else int(summarize),
                      name="Assert").op


def _static_text(item):
    if isinstance(item, Tensor):
        value = constant_value(item)
        return item.name if value is None else str(value)
    return str(item)


def _assert_static(condition, data):
    if not condition:
        raise errors.InvalidArgumentError(None, None, "\n".join(_static_text(d) for d in data))


def _binary_assert(sym, opname, test, static_test, x, y, data, summarize, message, name):
    with name_scope(name, opname, [x, y] + list(data or [])):
        x = convert_to_tensor(x, name="x")
        y = convert_to_tensor(y, name="y", preferred_dtype=x.dtype)
        if data is None:
            data = [message or "", f"Condition x {sym} y did not hold element-wise:",
                    f"x ({x.name}) = ", x, f"y ({y.name}) = ", y]
        condition = reduction_ops.reduce_all(test(x, y))
        x_static, y_static = constant_value(x), constant_value(y)
        if x_static is not None and y_static is not None:
            _assert_static(bool(np.all(static_test(x_static, y_static))), data)
        return Assert(condition, data, summarize=summarize)


def _binary(sym, opname, test, static_test):
    def assert_fn(x, y, data=None, summarize=None, message=None, name=None):
        return _binary_assert(sym, opname, test, static_test, x, y, data, summarize, message,
                              name)
    assert_fn.__name__ = assert_fn.__qualname__ = opname
    assert_fn.__doc__ = (f"An Assert op checking `x {sym} y` element-wise (TF1 `tf.{opname}`); "
                         "InvalidArgumentError at build time when both are constants.")
    return assert_fn


assert_equal = _binary("==", "assert_equal", logic_ops.equal, np.equal)
assert_none_equal = _binary("!=", "assert_none_equal", logic_ops.not_equal, np.not_equal)
assert_less = _binary("<", "assert_less", logic_ops.less, np.less)
assert_less_equal = _binary("<=", "assert_less_equal", logic_ops.less_equal, np.less_equal)
assert_greater = _binary(">", "assert_greater", logic_ops.greater, np.greater)
assert_greater_equal = _binary(">=", "assert_greater_equal", logic_ops.greater_equal,
                               np.greater_equal)


def _sign_assert(opname, sym, check, zero_first):
    def assert_fn(x, data=None, summarize=None, message=None, name=None):
        with name_scope(name, opname, [x] + list(data or [])):
            x = convert_to_tensor(x, name="x")
            if data is None:
                data = [message or "", f"Condition x {sym} 0 did not hold element-wise:",
                        f"x ({x.name}) = ", x]
            zero = convert_to_tensor(0, dtype=x.dtype)
            a, b = (zero, x) if zero_first else (x, zero)
            return check(a, b, data=data, summarize=summarize)
    assert_fn.__name__ = assert_fn.__qualname__ = opname
    assert_fn.__doc__ = f"An Assert op checking `x {sym} 0` element-wise (TF1 `tf.{opname}`)."
    return assert_fn


assert_positive = _sign_assert("assert_positive", ">", assert_less, True)
assert_non_negative = _sign_assert("assert_non_negative", ">=", assert_less_equal, True)
assert_negative = _sign_assert("assert_negative", "<", assert_less, False)
assert_non_positive = _sign_assert("assert_non_positive", "<=", assert_less_equal, False)


def _rank_assert(opname, words, static_ok, dynamic_test):
    def assert_fn(x, rank, data=None, summarize=None, message=None, name=None):
        with name_scope(name, opname, [x, rank] + list(data or [])):
            x = convert_to_tensor(x, name="x")
            rank = convert_to_tensor(rank, name="rank")
            message = message or ""
            given = constant_value(rank)
            actual = x.shape.ndims
            if given is not None and actual is not None:
                if not static_ok(actual, int(given)):
                    raise ValueError(f"{message}.  Tensor {x.name} must have {words} "
                                     f"{int(given)}.  Received rank {actual}, shape {x.shape}")
                return no_op(name="static_checks_determined_all_ok")
            if data is None:
                data = [message, f"Tensor {x.name} must have {words}", rank,
                        "Received shape: ", shape_ops.shape(x)]
            return Assert(dynamic_test(shape_ops.rank(x), rank), data, summarize=summarize)
    assert_fn.__name__ = assert_fn.__qualname__ = opname
    assert_fn.__doc__ = (f"Asserts that `x` has {words} `rank` (TF1 `tf.{opname}`): ValueError "
                         "at build time when the rank is known, else an Assert op.")
    return assert_fn


assert_rank = _rank_assert("assert_rank", "rank", lambda a, g: a == g, logic_ops.equal)
assert_rank_at_least = _rank_assert("assert_rank_at_least", "rank at least",
                                    lambda a, g: a >= g, logic_ops.greater_equal)


def assert_scalar(tensor, name=None, message=None):
    """`tensor`, after checking statically that it is a scalar (TF1 `tf.assert_scalar`)."""
    with name_scope(name, "assert_scalar", [tensor]):
        tensor = convert_to_tensor(tensor, name="tensor")
        ndims = tensor.shape.ndims
        if ndims is None or ndims != 0:
            raise ValueError(f"{message or ''}Expected scalar shape for {tensor.name}, saw shape: "
                             f"{tensor.shape}.")
        return tensor


def assert_type(tensor, tf_type, message=None, name=None):
    """Checks at build time that `tensor` has dtype `tf_type`; TypeError if not, else a no-op
    (TF1 `tf.assert_type`)."""
    with name_scope(name, "assert_type", [tensor]):
        tensor = convert_to_tensor(tensor, name="tensor")
        if tensor.dtype != dtypes.as_dtype(tf_type):
            raise TypeError(f"{message or ''}  {tensor.name} must be of type "
                            f"{dtypes.as_dtype(tf_type)!r}")
        return no_op("statically_determined_correct_type")


def assert_integer(x, message=None, name=None):
    """Checks at build time that `x` has an integer dtype (TF1 `tf.assert_integer`)."""
    with name_scope(name, "assert_integer", [x]):
        x = convert_to_tensor(x, name="x")
        if not x.dtype.is_integer:
            raise TypeError(f"{message or ''}Expected \"x\" to be integer type.  Found: "
                            f"{x.name} of dtype {x.dtype!r}")
        return no_op("statically_determined_was_integer")


def assert_shapes(shapes, data=None, summarize=None, message=None, name=None):
    """Checks that tensors have the given shapes, dims named by strings agreeing across tensors:
    `assert_shapes([(x, ('N', 3)), (y, ('N',))])` (TF `tf.debugging.assert_shapes`).

    Differs from TF: only statically known dims are checked (ValueError at build time); returns
    a no-op.
    """
    items = shapes.items() if isinstance(shapes, dict) else shapes
    sizes = {}
    with name_scope(name, "assert_shapes"):
        for tensor, spec in items:
            tensor = convert_to_tensor(tensor)
            spec = tuple(spec)
            ndims = tensor.shape.ndims
            if ndims is not None and ndims != len(spec):
                raise ValueError(f"{message or ''}Tensor {tensor.name} must have rank "
                                 f"{len(spec)}. Received rank {ndims}, shape {tensor.shape}")
            dims = tensor.shape.as_list() if ndims is not None else [None] * len(spec)
            for i, (want, got) in enumerate(zip(spec, dims)):
                if got is None:
                    continue
                if isinstance(want, str):
                    want, where = sizes.setdefault(want, (got, f"{tensor.name} dimension {i}"))
                else:
                    where = "the shape spec"
                if want is not None and int(want) != got:
                    raise ValueError(f"{message or ''}Specified by {where}, tensor "
                                     f"{tensor.name} dimension {i} must have size {want}. "
                                     f"Received size {got}, shape {tensor.shape}")
        return no_op("static_checks_determined_all_ok")


__all__ = [
    "check_numerics", "verify_tensor_all_finite", "add_check_numerics_ops", "Assert",
    "assert_equal", "assert_none_equal", "assert_less", "assert_less_equal", "assert_greater",
    "assert_greater_equal", "assert_positive", "assert_non_negative", "assert_negative",
    "assert_non_positive", "assert_rank", "assert_rank_at_least", "assert_scalar", "assert_type",
    "assert_integer",
]
