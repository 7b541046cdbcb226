"""The op registry: one OpDef per op type (shape rule, kernel, gradient), and op construction."""
from functools import cache
from importlib import import_module

from . import dtypes as _dtypes
from .graph import VALID_OP_NAME, get_default_graph
from .operation import Operation, user_location
from .shapes import as_shape
from .tensor import Tensor

_OPDEFS = {}
_GRADIENTS = {}
# Attrs the graph itself adds (autodiff's forward-op note, the gradient override): no shape rule
# takes them, yet an imported graph hands them back to make_op.
_BOOKKEEPING = ("_forward_op", "_gradient_op_type")


class OpDef:
    """What the graph knows of an op type; calling it adds an op to the graph.

    shape: f(*input_tensors, **attrs) -> TensorShape-like, or a list of them (one per output).
    kernel: f(xp, *arrays, **attrs) -> array (or tuple); runs in the session, never in the graph.
    num_outputs: an int, or f(attrs) -> int (Split, Unstack).
    dtype: output DType; None = the first input's; or f(inputs, attrs) -> DType (or a list).
    same_dtype: inputs that must share a dtype: True (all), False (none) or a tuple of indices.
    stateful: never merged or folded (random, variables, py_func). writes: mutates a variable,
    so plans schedule it after the reads that do not depend on it.
    bind: f(op, session_state) -> extra kernel kwargs (a variable store, a random generator).
    ref_inputs: indices of inputs that name a variable to write rather than values to read; the
    kernel does not receive them and the plan does not need their value.
    """

    # A plain class rather than a frozen dataclass: `import dataclasses` and building the class
    # were half of what `import graphgrad` cost beyond NumPy.
    __slots__ = ("type", "shape", "kernel", "dtype", "num_outputs", "same_dtype", "stateful",
                 "writes", "bind", "ref_inputs")

    def __init__(self, type, shape, kernel=None, dtype=None, num_outputs=1,  # noqa: A002
                 same_dtype=True, stateful=False, writes=False, bind=None, ref_inputs=()):
        for field, value in zip(self.__slots__, (type, shape, kernel, dtype, num_outputs,
                                                  same_dtype, stateful, writes, bind,
                                                  ref_inputs)):
            object.__setattr__(self, field, value)

    def __setattr__(self, name, value):
        raise AttributeError(f"OpDef is read-only: cannot set {name!r}")

    def __repr__(self):
        return f"OpDef({self.type!r})"

    def __call__(self, *inputs, name=None, **attrs):
        return make_op(self, inputs, attrs, name)


def register_op(op_type, *, shape, kernel=None, grad=None, dtype=None, num_outputs=1,
                same_dtype=True, stateful=False, writes=False, bind=None, differentiable=True,
                ref_inputs=()):
    """Registers op type `op_type`; `grad(op, *grads) -> [one entry per input]`."""
    if op_type in _OPDEFS:
        raise KeyError(f"Op type '{op_type}' is already registered.")
    opdef = OpDef(op_type, shape, kernel, dtype, num_outputs, same_dtype, stateful, writes, bind,
                  tuple(ref_inputs))
    _OPDEFS[op_type] = opdef
    if grad is not None or not differentiable:
        _GRADIENTS[op_type] = grad
    return opdef


def get_opdef(op_type):
    """The OpDef of `op_type`, loading the module that registers it if need be (a graph read
    from a file may hold ops no code has used yet); KeyError if no module registers it."""
    opdef = _OPDEFS.get(op_type)
    if opdef is None:
        module = _op_modules().get(op_type)
        if module is not None:
            import_module(module)
        opdef = _OPDEFS[op_type]
    return opdef


def registered_op_types():
    """Every op type graphgrad registers (loading all op modules) and any registered since."""
    for module in sorted(set(_op_modules().values())):
        import_module(module)
    return sorted(_OPDEFS)


@cache
def _op_modules():
    """{op type: module registering it}, from the table `python -m graphgrad.api_table` writes.

    By name only: graph/ never imports ops/ itself."""
    from .._api_names import OPS
    return {op_type: module for module, op_types in OPS.items() for op_type in op_types}


class RegisterGradient:
    """Decorator registering a gradient function `(op, *grads) -> list` for an op type."""

    def __init__(self, op_type):
        if not isinstance(op_type, str):
            raise TypeError("op_type must be a string")
        self._op_type = op_type

    def __call__(self, fn):
        if self._op_type in _GRADIENTS:
            raise KeyError(f"Registering two gradient with name '{self._op_type}'!")
        _GRADIENTS[self._op_type] = fn
        return fn


def NotDifferentiable(op_type):  # noqa: N802 - TF's public name
    """Declares that ops of `op_type` pass no gradient (their inputs get None)."""
    _GRADIENTS[op_type] = None


NoGradient = NotDifferentiable


def get_gradient_function(op):
    """The gradient function for `op` (None if not differentiable); LookupError if unknown."""
    op_type = op.attrs.get("_gradient_op_type", op.type)
    if op_type not in _GRADIENTS:
        raise LookupError(f"No gradient defined for operation '{op.name}' (op type: {op.type}). "
                          f"Register one with @tf.RegisterGradient('{op.type}').")
    return _GRADIENTS[op_type]


def _graph_of(inputs):
    graph = None
    for x in inputs:
        g = getattr(x, "graph", None) if isinstance(x, Tensor) or hasattr(x, "_as_tensor") else None
        if g is None:
            continue
        if graph is None:
            graph = g
        elif g is not graph:
            raise ValueError(f"{x} must be from the same graph as the other inputs.")
    return graph or get_default_graph()


def _convert_inputs(opdef, inputs):
    from .constant import convert_to_tensor
    group = range(len(inputs)) if opdef.same_dtype is True else (opdef.same_dtype or ())
    hint = None
    for i in group:
        if isinstance(inputs[i], Tensor) or hasattr(inputs[i], "_as_tensor"):
            hint = convert_to_tensor(inputs[i]).dtype
            break
    out = []
    for i, x in enumerate(inputs):
        out.append(convert_to_tensor(x, preferred_dtype=hint if i in group else None))
    group = [i for i in group if i < len(out)]
    if group:
        first = out[group[0]]
        for i in group[1:]:
            if out[i].dtype != first.dtype:
                raise TypeError(
                    f"Input {i} of '{opdef.type}' Op has type {out[i].dtype.name} that does not "
                    f"match type {first.dtype.name} of input {group[0]} ('{first.name}'). "
                    f"Cast one of them with tf.cast.")
    return out


def num_outputs(opdef, attrs):
    n = opdef.num_outputs
    return n if isinstance(n, int) else n(attrs)


def _output_dtypes(opdef, inputs, attrs):
    count = num_outputs(opdef, attrs)
    if count == 0:
        return []
    dt = opdef.dtype
    if dt is None:
        dt = inputs[0].dtype
    elif callable(dt) and not isinstance(dt, _dtypes.DType):
        dt = dt(inputs, attrs)
    return list(dt) if isinstance(dt, (list, tuple)) else [dt] * count


def _output_shapes(opdef, inputs, attrs, op_name):
    if any(k in attrs for k in _BOOKKEEPING):
        attrs = {k: v for k, v in attrs.items() if k not in _BOOKKEEPING}
    try:
        shapes = opdef.shape(*inputs, **attrs)
    except ValueError as e:
        ins = ", ".join(t.shape.short() for t in inputs)
        raise ValueError(f"{e} for '{op_name}' (op: '{opdef.type}') with input shapes: {ins}."
                         ) from None
    if opdef.num_outputs == 1:
        return [as_shape(shapes)]
    return [as_shape(s) for s in shapes or ()]


def make_op(opdef, inputs, attrs, name=None):
    """Adds an op of type `opdef` to the inputs' graph; returns its output(s)."""
    graph = _graph_of(inputs)
    with graph.as_default():
        inputs = _convert_inputs(opdef, inputs)
        if name and name.endswith("/"):
            op_name = name[:-1]
        else:
            op_name = graph.unique_name(name or opdef.type)
        if not VALID_OP_NAME.match(op_name):
            raise ValueError(f"'{op_name}' is not a valid node name")
        dtypes = _output_dtypes(opdef, inputs, attrs)
        shapes = _output_shapes(opdef, inputs, attrs, op_name)
    if opdef.type in graph._gradient_override_map and "_gradient_op_type" not in attrs:
        # Like TF, the override is fixed when the op is created, not when gradients are taken.
        attrs = dict(attrs, _gradient_op_type=graph._gradient_override_map[opdef.type])
    producers = {t.op for t in inputs}
    control = [c for c in graph._control_stack if c not in producers]
    op = Operation(graph, opdef, op_name, inputs, attrs, control, user_location(),
                   graph._next_id())
    op.outputs = [Tensor(op, i, dt, s) for i, (dt, s) in enumerate(zip(dtypes, shapes))]
    if callable(op.device):  # a device function: TF calls it once with the new op
        op.device = str(op.device(op) or "")
    graph._add_op(op)
    for t in inputs:
        t._consumers.append(op)
    if opdef.num_outputs == 1:
        return op.outputs[0]
    if opdef.num_outputs == 0:
        return op
    return list(op.outputs)
