"""Variable storage ops: VariableV2 (read), Assign, AssignAdd, AssignSub, IsVariableInitialized,
InitializedValue.

Values live in the session's store, keyed by the VariableV2 op's name; writers get that key by
binding, and take the variable as a ref input they never read.
"""
from .. import errors
from ..graph import dtypes
from ..graph.registry import NotDifferentiable, register_op


def bind_store(op, state):
    """Kernel kwargs for ops that touch a variable: the session's store and the variable's key."""
    var_op = op if op.type == "VariableV2" else op.inputs[0].op
    return {"store": state.variables, "var": var_op.name, "where": var_op}


def _read_kernel(xp, *, store, var, where, shape=None, dtype=None):
    try:
        return store[var]
    except KeyError:
        raise errors.FailedPreconditionError(
            None, where,
            f"Attempting to use uninitialized value {var}: variable {errors.describe_op(where)} "
            "has no value in this session. Run tf.global_variables_initializer() (or the "
            "variable's initializer) in this session first.") from None


VARIABLE = register_op("VariableV2", shape=lambda shape, dtype: shape, kernel=_read_kernel,
                       dtype=lambda i, a: a["dtype"], stateful=True, bind=bind_store)


def variable_op(shape, dtype, name):
    return VARIABLE(shape=shape, dtype=dtypes.as_dtype(dtype), name=name)


def _check_shape(where, var, current, value):
    if current is not None and current.shape != value.shape:
        raise errors.InvalidArgumentError(
            None, where,
            f"Assign requires shapes of both tensors to match. lhs shape= {list(current.shape)} "
            f"rhs shape= {list(value.shape)} for variable {errors.describe_op(where)}.")


def _assign_kernel(xp, value, *, store, var, where, validate_shape, use_locking=None):
    if validate_shape:
        _check_shape(where, var, store.get(var), value)
    # A copy, so that later changes to a fed array never reach the variable.
    store[var] = xp.array(value, copy=True)
    return store[var]


def _update_kernel(sign):
    def update(xp, value, *, store, var, where, use_locking=None):
        current = _read_kernel(xp, store=store, var=var, where=where)
        _check_shape(where, var, current, value)
        store[var] = current + value if sign > 0 else current - value
        return store[var]
    return update


def _assign_shape(ref, value, validate_shape, use_locking=None):
    if validate_shape:
        return ref.shape.merge_with(value.shape)
    return value.shape


def _update_shape(ref, value, use_locking=None):
    return ref.shape.merge_with(value.shape)


ASSIGN = register_op("Assign", shape=_assign_shape, kernel=_assign_kernel, writes=True,
                     stateful=True, bind=bind_store, ref_inputs=(0,), differentiable=False)
ASSIGN_ADD = register_op("AssignAdd", shape=_update_shape, kernel=_update_kernel(+1), writes=True,
                         stateful=True, bind=bind_store, ref_inputs=(0,), differentiable=False)
ASSIGN_SUB = register_op("AssignSub", shape=_update_shape, kernel=_update_kernel(-1), writes=True,
                         stateful=True, bind=bind_store, ref_inputs=(0,), differentiable=False)


def _ref(x):
    ref = x._ref() if hasattr(x, "_ref") else x
    if getattr(ref, "op", None) is None or ref.op.type != "VariableV2":
        raise TypeError(f"Can only assign to a tf.Variable, not {x!r}.")
    return ref


def assign(ref, value, validate_shape=None, use_locking=None, name=None):
    """Stores `value` in the variable `ref`; returns the new value (TF1 `tf.assign`)."""
    validate = True if validate_shape is None else bool(validate_shape)
    return ASSIGN(_ref(ref), value, validate_shape=validate, name=name)


def assign_add(ref, value, use_locking=None, name=None):
    """ref += value; returns the new value (TF1 `tf.assign_add`)."""
    return ASSIGN_ADD(_ref(ref), value, name=name)


def assign_sub(ref, value, use_locking=None, name=None):
    """ref -= value; returns the new value (TF1 `tf.assign_sub`)."""
    return ASSIGN_SUB(_ref(ref), value, name=name)


IS_INITIALIZED = register_op(
    "IsVariableInitialized", shape=lambda ref: (), dtype=dtypes.bool, stateful=True,
    bind=bind_store, ref_inputs=(0,), differentiable=False,
    kernel=lambda xp, *, store, var, where: xp.asarray(var in store))


def is_variable_initialized(variable, name=None):
    """True once the variable holds a value in this session."""
    return IS_INITIALIZED(_ref(variable), name=name)


def _initialized_value_kernel(xp, initial, *, store, var, where):
    value = store.get(var)
    return initial if value is None else value


def _either_shape(ref, initial):
    a, b = ref.shape.as_tuple(), initial.shape.as_tuple()
    if a is None or b is None or len(a) != len(b):
        return None
    return [x if x == y else None for x, y in zip(a, b)]


# TF1 builds this as cond(is_variable_initialized(v), v.read_value, lambda: initial_value).
INITIALIZED_VALUE = register_op(
    "InitializedValue", shape=_either_shape, kernel=_initialized_value_kernel, stateful=True,
    bind=bind_store, ref_inputs=(0,), differentiable=False)


def initialized_value(ref, initial_value, name=None):
    """The variable's value if it holds one in this session, else `initial_value` (unassigned)."""
    return INITIALIZED_VALUE(_ref(ref), initial_value, name=name)


NotDifferentiable("VariableV2")

__all__ = ["assign", "assign_add", "assign_sub", "is_variable_initialized"]
