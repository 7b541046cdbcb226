"""The TF1 `tf.layers.Layer` base: a variable scope per layer object ('dense', 'dense_1', ...),
variables through `get_variable` (so `variable_scope` reuse and initializers apply), updates
into GraphKeys.UPDATE_OPS and weight regularizers into GraphKeys.REGULARIZATION_LOSSES."""
import re

from ..graph import dtypes
from ..graph.constant import constant_value, convert_to_tensor
from ..graph.graph import GraphKeys, get_default_graph
from ..graph.tensor import Tensor
from ..ops import variable_scope as vs


def _snake_case(name):
    intermediate = re.sub("(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", intermediate).lower()


def static_bool(value):
    """True/False when `value` (a Python bool or a tensor) is known now, else None."""
    if isinstance(value, Tensor):
        known = constant_value(value)
        return None if known is None else bool(known)
    return bool(value)


class Layer:
    """A callable layer owning variables in one variable scope (TF1 `tf.layers.Layer`).

    Differs from TF: not a Keras layer; `input_spec`, `compute_output_shape` and masking are
    not implemented.
    """

    def __init__(self, trainable=True, name=None, dtype=None, **kwargs):
        scope = kwargs.pop("_scope", None)
        self._reuse = kwargs.pop("_reuse", None)
        for key in kwargs:
            if key not in ("activity_regularizer", "input_shape", "batch_input_shape"):
                raise TypeError(f"Keyword argument not understood: {key}")
        self._activity_regularizer = kwargs.get("activity_regularizer")
        self.trainable = trainable
        self.built = False
        self.dtype = None if dtype is None else dtypes.as_dtype(dtype)
        self._base_name = name or _snake_case(type(self).__name__)
        self.name = self._base_name
        self._trainable_weights, self._non_trainable_weights = [], []
        self._updates, self._losses = [], []
        self._scope = None
        if scope:
            with vs.variable_scope(scope) as captured:
                self._scope = captured

    # --- what users see ---
    trainable_weights = property(lambda self: list(self._trainable_weights) if self.trainable
                                 else [])
    trainable_variables = trainable_weights
    non_trainable_weights = property(
        lambda self: list(self._non_trainable_weights) + (
            [] if self.trainable else list(self._trainable_weights)))
    non_trainable_variables = non_trainable_weights
    weights = property(lambda self: self.trainable_weights + self.non_trainable_weights)
    variables = weights
    updates = property(lambda self: list(self._updates))
    losses = property(lambda self: list(self._losses))
    scope_name = property(lambda self: self._scope.name)

    def build(self, input_shape):
        self.built = True

    def call(self, inputs, **kwargs):
        return inputs

    def apply(self, inputs, *args, **kwargs):
        return self.__call__(inputs, *args, **kwargs)

    def _set_scope(self, scope=None):
        if self._scope is not None:
            return
        if self._reuse:
            with vs.variable_scope(scope if scope is not None else self._base_name) as captured:
                self._scope = captured
        else:
            with vs.variable_scope(scope, default_name=self._base_name) as captured:
                self._scope = captured
        self.name = self._scope.name.split("/")[-1]

    def __call__(self, inputs, *args, **kwargs):
        self._set_scope(kwargs.pop("scope", None))
        reuse = True if self.built else self._reuse
        graph = get_default_graph()
        with vs.variable_scope(self._scope, reuse=reuse, auxiliary_name_scope=False), \
                graph.name_scope(self._scope.original_name_scope):
            if not self.built:
                first = inputs[0] if isinstance(inputs, (list, tuple)) else inputs
                first = convert_to_tensor(first)
                if self.dtype is None:
                    self.dtype = first.dtype.base_dtype if first.dtype.is_floating \
                        else dtypes.float32
                self.build(first.shape)
                self.built = True
            outputs = self.call(inputs, *args, **kwargs)
            if self._activity_regularizer is not None:
                with graph.name_scope("ActivityRegularizer"):
                    loss = self._activity_regularizer(outputs)
                self._add_losses([loss])
        return outputs

    def add_weight(self, name, shape, dtype=None, initializer=None, regularizer=None,
                   trainable=True, constraint=None, **kwargs):
        """A variable '<layer scope>/<name>' made with get_variable (TF1 `add_weight`)."""
        graph = get_default_graph()
        before = len(graph.get_collection(GraphKeys.REGULARIZATION_LOSSES))
        var = vs.get_variable(name, shape=shape, dtype=dtype or self.dtype or dtypes.float32,
                              initializer=initializer, regularizer=regularizer,
                              trainable=trainable and self.trainable, constraint=constraint)
        self._losses.extend(graph.get_collection(GraphKeys.REGULARIZATION_LOSSES)[before:])
        if trainable and var in graph.get_collection(GraphKeys.TRAINABLE_VARIABLES):
            self._trainable_weights.append(var)
        else:
            self._non_trainable_weights.append(var)
        return var

    def add_update(self, updates, inputs=None):
        updates = updates if isinstance(updates, (list, tuple)) else [updates]
        self._updates.extend(updates)
        for u in updates:
            get_default_graph().add_to_collection(GraphKeys.UPDATE_OPS, u)

    def add_loss(self, losses, inputs=None):
        self._add_losses(losses if isinstance(losses, (list, tuple)) else [losses])

    def _add_losses(self, losses):
        for loss in losses:
            if loss is not None:
                self._losses.append(loss)
                get_default_graph().add_to_collection(GraphKeys.REGULARIZATION_LOSSES, loss)
