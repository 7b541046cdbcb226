"""`py_func`: a Python/NumPy function as a graph op, with an optional graph-code gradient."""
import itertools

import numpy as np

from .. import errors
from ..graph import dtypes
from ..graph.constant import convert_to_tensor, string_array
from ..graph.graph import get_default_graph
from ..graph.registry import RegisterGradient, register_op
from ..graph.shapes import TensorShape

_TOKENS = itertools.count()

# TF maps the Python exception a py_func raises to an OpError by its class; others are Unknown.
_ERROR_CLASSES = (
    ((ValueError, TypeError), errors.InvalidArgumentError),
    (StopIteration, errors.OutOfRangeError),
    (MemoryError, errors.ResourceExhaustedError),
    (NotImplementedError, errors.UnimplementedError),
)


def _op_error(exc, op):
    if isinstance(exc, errors.OpError):
        return exc
    cls = next((c for kinds, c in _ERROR_CLASSES if isinstance(exc, kinds)), errors.UnknownError)
    return cls(None, op, f"{type(exc).__name__}: {exc}\n  raised by the function of py_func "
                         f"{errors.describe_op(op)}")


def _host(xp, array):
    """A NumPy copy of a kernel input: the function may keep or change its arguments."""
    if hasattr(xp, "asnumpy"):
        return xp.asnumpy(array)
    if array.dtype == object and array.ndim == 0:
        return array.item()  # a scalar tf.string arrives as bytes, as TF passes it
    return np.array(array, copy=True)


def _check_outputs(result, op):
    tout = op.attrs["Tout"]
    token = op.attrs["token"]
    if result is None and not tout:
        return []
    values = list(result) if isinstance(result, (list, tuple)) else [result]
    if len(values) != len(tout):
        raise errors.InvalidArgumentError(
            None, op, f"{token} returns {len(values)} values, but expects to see {len(tout)} "
                      f"values (py_func {errors.describe_op(op)}).")
    # bytes and str values become tf.string's object arrays, as TF converts them.
    arrays = [string_array(v) if dt == dtypes.string and string_array(v) is not None
              else np.asarray(v) for v, dt in zip(values, tout)]
    for i, (a, dt) in enumerate(zip(arrays, tout)):
        if a.dtype != dt.np:
            raise errors.InvalidArgumentError(
                None, op, f"{i}-th value returned by {token} is {a.dtype}, but expects "
                          f"{dt.name} (py_func {errors.describe_op(op)}). Return "
                          f"value.astype(np.{dt.name}) from the function.")
    return arrays


def _py_func_kernel(xp, *args, token, Tout, func, where):
    try:
        result = func(*[_host(xp, a) for a in args])
    except Exception as e:  # the user's function failed: say which py_func, made where
        raise _op_error(e, where) from e
    arrays = [xp.asarray(a) for a in _check_outputs(result, where)]
    return arrays[0] if len(arrays) == 1 else tuple(arrays)


def _py_func_op(op_type):
    return register_op(
        op_type, shape=lambda *inputs, Tout, **_: [TensorShape(None)] * len(Tout),
        kernel=_py_func_kernel, dtype=lambda inputs, attrs: list(attrs["Tout"]),
        num_outputs=lambda attrs: len(attrs["Tout"]), same_dtype=False, stateful=True,
        bind=lambda op, state: {"func": op.attrs["_func"], "where": op}, differentiable=False)


# TF1 registers both types as not differentiable; a `grad` (or a gradient_override_map) adds one.
PY_FUNC = _py_func_op("PyFunc")
PY_FUNC_STATELESS = _py_func_op("PyFuncStateless")


def py_func(func, inp, Tout, stateful=True, name=None, grad=None):
    """Wraps a Python function of NumPy arrays as a graph op (TF1 `tf.py_func`).

    `func` receives one NumPy array per tensor in `inp` each time the op runs, and returns an
    array (or a list of them) whose dtypes match `Tout` exactly. `Tout` is a dtype (the result is
    one Tensor) or a list of dtypes (the result is a list). Outputs have unknown shape: call
    `set_shape` when you know it. An exception raised by `func` becomes an OpError (ValueError and
    TypeError: InvalidArgumentError; StopIteration: OutOfRangeError) naming the op and the line
    that created it. Without `grad` the op passes no gradient.

    Differs from TF: `grad` is new: a graph-code gradient `grad(op, *output_grads) -> [one entry
    per input]`. TF1 takes none; there one registers a gradient with `tf.RegisterGradient` and
    creates the op under `g.gradient_override_map({"PyFunc": name})`, which also works here.
    """
    single = not isinstance(Tout, (list, tuple))
    tout = [dtypes.as_dtype(Tout)] if single else [dtypes.as_dtype(t) for t in Tout]
    if not isinstance(inp, (list, tuple)):
        inp = [inp]
    token = f"pyfunc_{next(_TOKENS)}"
    attrs = {"token": token, "Tout": tout, "_func": func}
    if grad is not None:
        attrs["_gradient_op_type"] = f"PyFuncGrad_{token}"
        RegisterGradient(attrs["_gradient_op_type"])(grad)
    opdef = PY_FUNC if stateful else PY_FUNC_STATELESS
    inputs = [convert_to_tensor(x) for x in inp]
    out = opdef(*inputs, name=name, **attrs)
    if not tout:
        # Like TF, a py_func without outputs gives its Operation: the op just added.
        graph = inputs[0].graph if inputs else get_default_graph()
        return graph.get_operations()[-1]
    return out[0] if single else out


def numpy_function(func, inp, Tout, name=None):
    """`py_func` with stateful=True (TF 1.14+ `tf.numpy_function`)."""
    return py_func(func, inp, Tout, stateful=True, name=name)


__all__ = ["py_func", "numpy_function"]
