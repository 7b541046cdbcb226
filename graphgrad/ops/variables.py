"""`tf.Variable` (TF1 ref-variable semantics), its initializers and the variable collections."""
from ..graph.constant import convert_to_tensor
from ..graph.graph import GraphKeys, get_default_graph
from ..graph.shapes import TensorShape, unknown_shape
from ..graph.tensor import Tensor
from . import state_ops
from .array_ops import identity
from .control_flow_ops import group, no_op
from .operators import overload


class Variable:
    """A named, trainable value that persists in a session across runs (TF1 `tf.Variable`).

    Ops see it through `Variable/read`; the optimizer differentiates w.r.t. `Variable:0`.
    """

    def __init__(self, initial_value=None, trainable=True, collections=None, validate_shape=True,
                 caching_device=None, name=None, variable_def=None, dtype=None,
                 expected_shape=None, import_scope=None, constraint=None, use_resource=None,
                 synchronization=None, aggregation=None, shape=None):
        if initial_value is None:
            raise ValueError("initial_value must be specified.")
        if isinstance(initial_value, Tensor):
            graph = initial_value.graph
        else:
            graph = get_default_graph()
        self.trainable = bool(trainable)
        self.constraint = constraint
        # TF1 builds a variable in an init_scope: outer control dependencies do not apply.
        with graph.as_default(), graph.control_dependencies(None), \
                graph.name_scope(name or "Variable") as scope:
            if callable(initial_value):
                with graph.name_scope("Initializer"):
                    initial_value = initial_value()
            self._initial_value = convert_to_tensor(initial_value, dtype=dtype,
                                                    name="initial_value")
            if shape is not None:
                var_shape = TensorShape(shape)
            elif validate_shape:
                var_shape = self._initial_value.shape
            else:
                var_shape = unknown_shape()
            self._variable = state_ops.variable_op(var_shape, self._initial_value.dtype, scope)
            self._initializer_op = state_ops.assign(
                self._variable, self._initial_value, validate_shape=validate_shape).op
            self._snapshot = identity(self._variable, name="read")
        if collections is None:
            collections = [GraphKeys.GLOBAL_VARIABLES]
        if self.trainable and GraphKeys.TRAINABLE_VARIABLES not in collections:
            collections = list(collections) + [GraphKeys.TRAINABLE_VARIABLES]
        graph.add_to_collections(collections, self)

    # --- what users see ---
    name = property(lambda self: self._variable.name)
    op = property(lambda self: self._variable.op)
    dtype = property(lambda self: self._variable.dtype)
    graph = property(lambda self: self._variable.graph)
    device = property(lambda self: self._variable.device)
    initializer = property(lambda self: self._initializer_op)
    initial_value = property(lambda self: self._initial_value)
    shape = property(lambda self: self._variable.shape)

    def get_shape(self):
        return self._variable.shape

    def value(self):
        return self._snapshot

    def read_value(self):
        """A fresh read of the current value (sees assignments it has control deps on)."""
        return identity(self._variable, name="read")

    def initialized_value(self):
        """The variable's value, or its initial value while it has none: initializes another
        variable from this one, whichever initializer runs first. Never assigns this variable.

        Differs from TF: one InitializedValue op where TF1 builds a cond.
        """
        with self.graph.control_dependencies(None):
            return state_ops.initialized_value(self._variable, self._initial_value)

    def _ref(self):
        return self._variable

    def _as_tensor(self):
        return self._snapshot

    def _as_graph_element(self):
        return self._variable

    def assign(self, value, use_locking=False, name=None, read_value=True):
        out = state_ops.assign(self._variable, value, use_locking=use_locking, name=name)
        return out if read_value else out.op

    def assign_add(self, delta, use_locking=False, name=None, read_value=True):
        out = state_ops.assign_add(self._variable, delta, use_locking=use_locking, name=name)
        return out if read_value else out.op

    def assign_sub(self, delta, use_locking=False, name=None, read_value=True):
        out = state_ops.assign_sub(self._variable, delta, use_locking=use_locking, name=name)
        return out if read_value else out.op

    def eval(self, session=None):
        return self._variable.eval(session=session)

    def load(self, value, session=None):
        """Writes `value` into the variable in `session` without adding ops per call."""
        from ..runtime.session import _session_for
        session = _session_for(session, "load variable", "load")
        session._state.host_variables[self.op.name] = _checked_value(self, value)

    def __repr__(self):
        return (f"<tf.Variable '{self.name}' shape={self.shape} "
                f"dtype={self.dtype.name}_ref>")

    __hash__ = object.__hash__
    __eq__ = object.__eq__


def _checked_value(var, value):
    import numpy as np
    arr = np.array(value, dtype=var.dtype.np)
    if not var.shape.is_compatible_with(arr.shape):
        raise ValueError(f"Cannot load value of shape {arr.shape} into variable '{var.name}' of "
                         f"shape {var.shape}.")
    return arr


overload(Variable, as_tensor=lambda v: v._as_tensor())


def global_variables(scope=None):
    return get_default_graph().get_collection(GraphKeys.GLOBAL_VARIABLES, scope)


all_variables = global_variables


def trainable_variables(scope=None):
    return get_default_graph().get_collection(GraphKeys.TRAINABLE_VARIABLES, scope)


def local_variables(scope=None):
    return get_default_graph().get_collection(GraphKeys.LOCAL_VARIABLES, scope)


def model_variables(scope=None):
    return get_default_graph().get_collection(GraphKeys.MODEL_VARIABLES, scope)


def variables_initializer(var_list, name="init"):
    """One op that runs the initializers of `var_list` (TF1 `tf.variables_initializer`)."""
    if var_list:
        return group(*[v.initializer for v in var_list], name=name)
    return no_op(name=name)


def global_variables_initializer():
    """Initializes every global variable (TF1 `tf.global_variables_initializer`)."""
    return variables_initializer(global_variables())


def initialize_all_variables():
    """Deprecated TF1 name of `global_variables_initializer`."""
    return global_variables_initializer()


def local_variables_initializer():
    return variables_initializer(local_variables(), name="init")


initialize_local_variables = local_variables_initializer


def is_variable_initialized(variable):
    return state_ops.is_variable_initialized(variable)


__all__ = [
    "Variable", "global_variables", "all_variables", "trainable_variables", "local_variables",
    "model_variables", "variables_initializer", "global_variables_initializer",
    "initialize_all_variables", "local_variables_initializer", "initialize_local_variables",
    "is_variable_initialized",
]
