"""Variable sharing (TF1 `tf.variable_scope`, `tf.get_variable`, `AUTO_REUSE`): a per-graph store
of variables by full name and a per-graph stack of variable scopes. Initializers are in
init_ops.py."""
import contextlib
import enum
import inspect

from ..errors import site
from ..graph import dtypes
from ..graph.constant import convert_to_tensor
from ..graph.graph import GraphKeys, get_default_graph
from ..graph.shapes import TensorShape
from . import init_ops
from .variables import Variable


class _ReuseMode(enum.Enum):
    AUTO_REUSE = 1


AUTO_REUSE = _ReuseMode.AUTO_REUSE

_STORE_KEY = ("__variable_store",)
_SCOPE_KEY = ("__varscope",)


class VariableScope:
    """The defaults `get_variable` uses inside a scope: name prefix, reuse, initializer,
    regularizer, dtype, custom getter (TF1 `tf.VariableScope`)."""

    def __init__(self, reuse, name="", initializer=None, regularizer=None, caching_device=None,
                 partitioner=None, custom_getter=None, name_scope="", dtype=dtypes.float32,
                 use_resource=None, constraint=None):
        self._reuse = reuse
        self._name = name
        self._initializer = initializer
        self._regularizer = regularizer
        self._caching_device = caching_device
        self._partitioner = partitioner
        self._custom_getter = custom_getter
        self._name_scope = name_scope
        self._dtype = dtypes.as_dtype(dtype)
        self._use_resource = use_resource
        self._constraint = constraint

    name = property(lambda self: self._name)
    original_name_scope = property(lambda self: self._name_scope)
    reuse = property(lambda self: self._reuse)
    initializer = property(lambda self: self._initializer)
    regularizer = property(lambda self: self._regularizer)
    dtype = property(lambda self: self._dtype)
    custom_getter = property(lambda self: self._custom_getter)
    caching_device = property(lambda self: self._caching_device)
    partitioner = property(lambda self: self._partitioner)
    use_resource = property(lambda self: self._use_resource)
    constraint = property(lambda self: self._constraint)

    def reuse_variables(self):
        """From now on, `get_variable` in this scope returns existing variables."""
        self._reuse = True

    def set_initializer(self, initializer):
        self._initializer = initializer

    def set_regularizer(self, regularizer):
        self._regularizer = regularizer

    def set_dtype(self, dtype):
        self._dtype = dtypes.as_dtype(dtype)

    def set_custom_getter(self, custom_getter):
        self._custom_getter = custom_getter

    def set_caching_device(self, caching_device):
        self._caching_device = caching_device

    def set_partitioner(self, partitioner):
        self._partitioner = partitioner

    def set_use_resource(self, use_resource):
        self._use_resource = use_resource

    def global_variables(self):
        return get_default_graph().get_collection(GraphKeys.GLOBAL_VARIABLES, self._prefix())

    def trainable_variables(self):
        return get_default_graph().get_collection(GraphKeys.TRAINABLE_VARIABLES, self._prefix())

    def local_variables(self):
        return get_default_graph().get_collection(GraphKeys.LOCAL_VARIABLES, self._prefix())

    def _prefix(self):
        return self._name + "/" if self._name else None

    def get_variable(self, var_store, name, shape=None, dtype=None, initializer=None,
                     regularizer=None, reuse=None, trainable=True, collections=None,
                     caching_device=None, partitioner=None, validate_shape=True,
                     use_resource=None, custom_getter=None, constraint=None, **_):
        full_name = self._name + "/" + name if self._name else name
        graph = get_default_graph()
        # A variable's name depends on the variable scope only, never on the name scope.
        with graph.name_scope(None):
            if dtype is not None and initializer is not None and not callable(initializer):
                init_dtype = convert_to_tensor(initializer).dtype.base_dtype
                if init_dtype != dtypes.as_dtype(dtype):
                    raise ValueError(f"Initializer type '{init_dtype!r}' and explicit dtype "
                                     f"'{dtypes.as_dtype(dtype)!r}' don't match.")
            initializer = self._initializer if initializer is None else initializer
            regularizer = self._regularizer if regularizer is None else regularizer
            constraint = self._constraint if constraint is None else constraint
            dtype = self._dtype if dtype is None else dtype
            reuse = self._reuse if reuse is None else reuse
            getter = var_store.get_variable
            for outer in (self._custom_getter, custom_getter):
                if outer is not None:
                    getter = _wrap_getter(outer, getter)
            return getter(full_name, shape=shape, dtype=dtype, initializer=initializer,
                          regularizer=regularizer, reuse=reuse, trainable=trainable,
                          collections=collections, validate_shape=validate_shape,
                          constraint=constraint)


def _wrap_getter(custom_getter, inner):
    def getter(name, *args, **kwargs):
        return custom_getter(inner, name, *args, **kwargs)
    return getter


class _VariableStore:
    """Every variable `get_variable` made in one graph, by full name."""

    def __init__(self):
        self._vars = {}
        self.scope_counts = {}

    def get_variable(self, name, shape=None, dtype=dtypes.float32, initializer=None,
                     regularizer=None, reuse=None, trainable=True, collections=None,
                     validate_shape=True, constraint=None, **_):
        if initializer is not None and not callable(initializer) and shape is not None:
            raise ValueError("If initializer is a constant, do not specify shape.")
        dtype = dtypes.as_dtype(dtype)
        shape = TensorShape(shape)
        if name in self._vars:
            return self._existing(name, shape, dtype, reuse)
        if reuse is True:
            raise ValueError(f"Variable {name} does not exist, or was not created with "
                             "tf.get_variable(). Did you mean to set reuse=tf.AUTO_REUSE in "
                             "VarScope?")
        init_val, var_dtype = _initial_value(name, initializer, shape, dtype)
        var = Variable(initial_value=init_val, name=name, trainable=trainable,
                       collections=collections, dtype=var_dtype, validate_shape=validate_shape,
                       constraint=constraint)
        self._vars[name] = var
        if regularizer:
            graph = var.graph
            # TF1 names the loss '<var>/Regularizer/<regularizer>' and builds it outside any
            # control dependencies.
            with graph.name_scope(name + "/Regularizer/"), graph.control_dependencies(None):
                loss = regularizer(var)
            if loss is not None:
                graph.add_to_collection(GraphKeys.REGULARIZATION_LOSSES, loss)
        return var

    def _existing(self, name, shape, dtype, reuse):
        found = self._vars[name]
        if reuse is False or reuse is None:
            raise ValueError(f"Variable {name} already exists, disallowed. Did you mean to set "
                             "reuse=True or reuse=tf.AUTO_REUSE in VarScope? Originally defined "
                             f"at:\n\n  {site(found.op)}")
        if not shape.is_compatible_with(found.get_shape()):
            raise ValueError(f"Trying to share variable {name}, but specified shape {shape} and "
                             f"found shape {found.get_shape()}.")
        if not dtype.is_compatible_with(found.dtype):
            raise ValueError(f"Trying to share variable {name}, but specified dtype "
                             f"{dtype.name} and found dtype {found.dtype.base_dtype.name}.")
        return found


def _initial_value(name, initializer, shape, dtype):
    """(initial value or thunk, the dtype to give Variable) as TF1's _get_single_variable."""
    if initializer is None:
        if dtype.is_floating:
            initializer = init_ops.glorot_uniform_initializer()
        elif dtype.is_integer or dtype.is_bool:
            initializer = init_ops.zeros_initializer()
        else:
            raise ValueError(f"An initializer for variable {name} of {dtype.base_dtype!r} is "
                             "required")
    if not callable(initializer):
        return initializer, None
    if inspect.isclass(initializer):
        initializer = initializer()
    if shape.is_fully_defined():
        dims = shape.as_list()
        return (lambda: initializer(dims, dtype=dtype, partition_info=None)), dtype.base_dtype
    params = inspect.signature(initializer).parameters.values()
    if all(p.default is not inspect.Parameter.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
           for p in params):
        return initializer, None
    raise ValueError("The initializer passed is not valid. It should be a callable with no "
                     "arguments and the shape should not be provided or an instance of "
                     "`tf.keras.initializers.*' and `shape` should be fully defined.")


def _store(graph=None):
    graph = graph or get_default_graph()
    ref = graph.get_collection_ref(_STORE_KEY)
    if not ref:
        ref.append(_VariableStore())
    return ref[0]


def get_variable_scope():
    """The current VariableScope of the default graph (TF1 `tf.get_variable_scope`)."""
    ref = get_default_graph().get_collection_ref(_SCOPE_KEY)
    if not ref:
        ref.append(VariableScope(False))
    return ref[0]


def _set_scope(scope):
    get_default_graph().get_collection_ref(_SCOPE_KEY)[:] = [scope]


def get_variable(name, shape=None, dtype=None, initializer=None, regularizer=None,
                 trainable=None, collections=None, caching_device=None, partitioner=None,
                 validate_shape=True, use_resource=None, custom_getter=None, constraint=None,
                 synchronization=None, aggregation=None):
    """The variable '<scope>/<name>': created (initializer default glorot_uniform for floats,
    zeros for ints) or, under reuse, the existing one (TF1 `tf.get_variable`)."""
    if trainable is None:
        trainable = True
    return get_variable_scope().get_variable(
        _store(), name, shape=shape, dtype=dtype, initializer=initializer,
        regularizer=regularizer, trainable=trainable, collections=collections,
        validate_shape=validate_shape, custom_getter=custom_getter, constraint=constraint)


def get_local_variable(name, shape=None, dtype=None, initializer=None, regularizer=None,
                       trainable=False, collections=None, **kwargs):
    """`get_variable` in LOCAL_VARIABLES, not trainable (TF1 `tf.get_local_variable`)."""
    collections = list(collections or []) + [GraphKeys.LOCAL_VARIABLES]
    return get_variable(name, shape, dtype, initializer, regularizer, False, collections,
                        **kwargs)


def _unique_default_name(store, prefix):
    current = get_variable_scope().name
    name = current + "/" + prefix if current else prefix
    if store.scope_counts.get(name, 0) == 0:
        return prefix
    idx = 1
    while store.scope_counts.get(f"{name}_{idx}", 0) > 0:
        idx += 1
    return f"{prefix}_{idx}"


@contextlib.contextmanager
def _pure_variable_scope(name_or_scope, old_name_scope, reuse, **settings):
    """Sets the current VariableScope only (no name scope), as TF1's _pure_variable_scope."""
    store = _store()
    old = get_variable_scope()
    if isinstance(name_or_scope, VariableScope):
        new_name = name_or_scope.name
        scope = VariableScope(
            reuse if reuse else name_or_scope.reuse, name=new_name,
            initializer=name_or_scope.initializer, regularizer=name_or_scope.regularizer,
            custom_getter=name_or_scope.custom_getter, name_scope=name_or_scope.original_name_scope,
            dtype=name_or_scope.dtype, constraint=name_or_scope.constraint)
        saved_counts = dict(store.scope_counts)
    else:
        new_name = old.name + "/" + name_or_scope if old.name else name_or_scope
        scope = VariableScope(
            reuse or old.reuse, name=new_name, initializer=old.initializer,
            regularizer=old.regularizer, custom_getter=old.custom_getter,
            name_scope=name_or_scope if old_name_scope is None else old_name_scope,
            dtype=old.dtype, constraint=old.constraint)
    for key, value in settings.items():
        if value is not None:
            setattr(scope, "_" + key, dtypes.as_dtype(value) if key == "dtype" else value)
    store.scope_counts[new_name] = store.scope_counts.get(new_name, 0) + 1
    _set_scope(scope)
    try:
        yield scope
    finally:
        if isinstance(name_or_scope, VariableScope):
            store.scope_counts = saved_counts
        else:
            # Leaving a scope restarts default-name numbering inside it, as TF1.
            for key in store.scope_counts:
                if key.startswith(new_name + "/"):
                    store.scope_counts[key] = 0
        _set_scope(old)


@contextlib.contextmanager
def variable_scope(name_or_scope, default_name=None, values=None, initializer=None,
                   regularizer=None, caching_device=None, partitioner=None, custom_getter=None,
                   reuse=None, dtype=None, use_resource=None, constraint=None,
                   auxiliary_name_scope=True):
    """Opens a variable scope and, with it, a name scope (TF1 `tf.variable_scope`).

    A string nests under the current scope; a VariableScope object jumps to that scope; with
    name_or_scope None, `default_name` is made unique ('dense', 'dense_1', ...). reuse=True or
    tf.AUTO_REUSE is inherited by sub-scopes; None (or False) inherits the parent's.
    """
    if default_name is None and name_or_scope is None:
        raise TypeError("If default_name is None then name_or_scope is required")
    if name_or_scope is not None and not isinstance(name_or_scope, (VariableScope, str)):
        raise TypeError("VariableScope: name_or_scope must be a string or VariableScope.")
    if reuse is False:
        reuse = None  # TF1 does not allow a non-inheriting scope: False means None.
    graph = get_default_graph()
    for v in values or ():
        if getattr(v, "graph", None) is not None:
            graph = v.graph
            break
    settings = dict(initializer=initializer, regularizer=regularizer, custom_getter=custom_getter,
                    dtype=dtype, constraint=constraint)
    with graph.as_default():
        if name_or_scope is None and reuse:
            raise ValueError("reuse=True cannot be used without a name_or_scope")
        if auxiliary_name_scope:
            if name_or_scope is None:
                ns_name = default_name
            elif isinstance(name_or_scope, str):
                ns_name = name_or_scope
            else:
                ns_name = name_or_scope.name.split("/")[-1]
        else:
            current = graph.get_name_scope()
            ns_name = current + "/" if current else ""
        with _name_scope_or_none(graph, ns_name) as ns:
            if name_or_scope is None:
                name_or_scope = _unique_default_name(_store(graph), default_name)
                old_name_scope = ns
            elif isinstance(name_or_scope, str):
                old_name_scope = ns
            else:
                old_name_scope = name_or_scope.original_name_scope
            with _pure_variable_scope(name_or_scope, old_name_scope, reuse, **settings) as vs:
                yield vs


@contextlib.contextmanager
def _name_scope_or_none(graph, name):
    # An empty name (the root scope, or a root VariableScope object) opens no name scope.
    if not name:
        yield ""
        return
    with graph.name_scope(name) as ns:
        yield ns


def variable_op_scope(values, name_or_scope, default_name=None, **kwargs):
    """Deprecated TF1 spelling of variable_scope(name_or_scope, default_name, values)."""
    return variable_scope(name_or_scope, default_name=default_name, values=values, **kwargs)


def no_regularizer(_):
    """Use as a regularizer to turn regularization off for one variable."""
    return None


__all__ = ["AUTO_REUSE", "VariableScope", "get_variable_scope", "get_variable",
           "get_local_variable", "variable_scope", "variable_op_scope", "no_regularizer"]
