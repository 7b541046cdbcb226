"""The Optimizer base class: compute_gradients, apply_gradients, minimize, slot variables."""
from ..autodiff.gradients import gradients
from ..graph import dtypes
from ..graph.constant import constant, convert_to_tensor
from ..graph.graph import GraphKeys, get_default_graph
from ..graph.tensor import Tensor
from ..ops import state_ops
from ..ops.array_ops import ones, ones_like, zeros
from ..ops.control_flow_ops import group
from ..ops.math_ops import cast
from ..ops.variables import Variable, trainable_variables

_VALID_DTYPES = (dtypes.float16, dtypes.float32, dtypes.float64)


def _call_if_callable(value):
    return value() if callable(value) else value


def _cast(tensor, dtype):
    """`tensor` as `dtype`; unchanged (no op added) when it already is, as TF's cast."""
    return tensor if tensor.dtype == dtype else cast(tensor, dtype)


class Optimizer:
    """Base class of the TF1 optimizers (`tf.train.Optimizer`).

    Subclasses create slots in `_create_slots`, turn hyperparameters into tensors in `_prepare`,
    add one update per variable in `_apply_dense` and may add final updates in `_finish`.
    """

    GATE_NONE, GATE_OP, GATE_GRAPH = 0, 1, 2

    def __init__(self, use_locking, name):
        if not name:
            raise ValueError("Must specify the optimizer name")
        self._use_locking = use_locking
        self._name = name
        self._slots = {}
        self._non_slot_dict = {}

    def get_name(self):
        return self._name

    def minimize(self, loss, global_step=None, var_list=None, gate_gradients=GATE_OP,
                 aggregation_method=None, colocate_gradients_with_ops=False, name=None,
                 grad_loss=None):
        """compute_gradients then apply_gradients; returns the train op (an Operation)."""
        grads_and_vars = self.compute_gradients(
            loss, var_list=var_list, gate_gradients=gate_gradients,
            aggregation_method=aggregation_method,
            colocate_gradients_with_ops=colocate_gradients_with_ops, grad_loss=grad_loss)
        if not any(g is not None for g, _ in grads_and_vars):
            raise ValueError(
                "No gradients provided for any variable, check your graph for ops that do not "
                "support gradients, between variables "
                f"{[str(v) for _, v in grads_and_vars]} and loss {loss}.")
        train_op = self.apply_gradients(grads_and_vars, global_step=global_step, name=name)
        train_op._explain_loss = convert_to_tensor(loss)  # for graphgrad.explain
        return train_op

    def compute_gradients(self, loss, var_list=None, gate_gradients=GATE_OP,
                          aggregation_method=None, colocate_gradients_with_ops=False,
                          grad_loss=None):
        """[(gradient, variable)] for `var_list` (default: the trainable variables); the
        gradient is None for a variable the loss does not depend on."""
        if callable(loss) and not isinstance(loss, Tensor):
            raise RuntimeError(  # noqa: TRY004 - TF's error class
                "`loss` passed to Optimizer.compute_gradients should be a Tensor in graph mode, "
                "not a callable.")
        if gate_gradients not in (self.GATE_NONE, self.GATE_OP, self.GATE_GRAPH):
            raise ValueError("gate_gradients must be one of: Optimizer.GATE_NONE, "
                             f"Optimizer.GATE_OP, Optimizer.GATE_GRAPH.  Not {gate_gradients}")
        loss = convert_to_tensor(loss)
        _assert_valid_dtypes([loss])
        if var_list is None:
            with loss.graph.as_default():
                var_list = trainable_variables()
        var_list = list(var_list)
        if not var_list:
            raise ValueError("No variables to optimize.")
        for v in var_list:
            if not isinstance(v, Variable):
                raise TypeError(f"Argument is not a tf.Variable: {v!r}")
        grads = gradients(loss, [v._ref() for v in var_list], grad_ys=grad_loss,
                          aggregation_method=aggregation_method,
                          colocate_gradients_with_ops=colocate_gradients_with_ops)
        grads_and_vars = list(zip(grads, var_list))
        _assert_valid_dtypes([v for g, v in grads_and_vars if g is not None])
        return grads_and_vars

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        """Adds an update for every (gradient, variable) whose gradient is not None; returns
        one op that runs them all (and then increments `global_step`, when given)."""
        pairs = [(_as_gradient(g), v) for g, v in tuple(grads_and_vars)]
        if not pairs:
            raise ValueError("No variables provided.")
        var_list = [v for g, v in pairs if g is not None]
        if not var_list:
            raise ValueError("No gradients provided for any variable: "
                             f"{[str(v) for _, v in pairs]}.")
        graph = var_list[0].graph
        with graph.as_default():
            with graph.control_dependencies(None):
                self._create_slots(var_list)
            with graph.name_scope(name or self._name) as scope:
                self._prepare()
                updates = []
                for grad, var in pairs:
                    if grad is None:
                        continue
                    with graph.name_scope("update_" + var.op.name):
                        updates.append(self._apply_dense(grad, var))
                if global_step is None:
                    train_op = self._finish(updates, scope)
                else:
                    with graph.control_dependencies([self._finish(updates, "update")]):
                        train_op = state_ops.assign_add(global_step, 1, name=scope)
            if isinstance(train_op, Tensor):
                train_op = train_op.op
            train_ops = graph.get_collection_ref(GraphKeys.TRAIN_OP)
            if train_op not in train_ops:
                train_ops.append(train_op)
        train_op._explain_pairs = pairs  # graphgrad.explain lists the updates from these
        return train_op

    # --- for subclasses ---
    def _create_slots(self, var_list):
        pass

    def _prepare(self):
        pass

    def _apply_dense(self, grad, var):
        raise NotImplementedError(f"{type(self).__name__} must define _apply_dense")

    def _finish(self, update_ops, name_scope):
        return group(*update_ops, name=name_scope)

    _call_if_callable = staticmethod(_call_if_callable)

    def _hyper(self, value, name):
        """A hyperparameter (number, Tensor, Variable or callable) as a tensor, in _prepare."""
        return convert_to_tensor(_call_if_callable(value), name=name)

    # --- slots ---
    def _slot_dict(self, slot_name):
        return self._slots.setdefault(slot_name, {})

    def _get_or_make_slot(self, var, val, slot_name, op_name):
        """A slot of `var` initialized to the tensor `val`."""
        named_slots = self._slot_dict(slot_name)
        if var not in named_slots:
            named_slots[var] = _create_slot(var, val, op_name)
        return named_slots[var]

    def _get_or_make_slot_with_initializer(self, var, initializer, shape, dtype, slot_name,
                                           op_name):
        """A slot of `var` whose initial value is initializer(shape, dtype=dtype)."""
        named_slots = self._slot_dict(slot_name)
        if var not in named_slots:
            def initial_value():
                return initializer(_as_list_shape(shape), dtype=dtype)
            named_slots[var] = _create_slot(var, initial_value, op_name)
        return named_slots[var]

    def _zeros_slot(self, var, slot_name, op_name):
        """A slot of `var` initialized to zeros, named '<var>/<op_name>' (made unique)."""
        return self._get_or_make_slot(var, _filled_like(var, 0.0), slot_name, op_name)

    def _filled_slot(self, var, value, slot_name, op_name):
        """A slot of `var` initialized to the constant `value` (RMSProp's ones, Adagrad's
        initial accumulator)."""
        return self._get_or_make_slot(var, _filled_like(var, value), slot_name, op_name)

    def _create_non_slot_variable(self, initial_value, name, colocate_with):
        """A variable owned by the optimizer, not by one variable (Adam's beta1_power)."""
        graph = colocate_with.graph
        key = (name, graph)
        if key not in self._non_slot_dict:
            with graph.as_default(), graph.control_dependencies(None):
                self._non_slot_dict[key] = Variable(initial_value, trainable=False, name=name)
        return self._non_slot_dict[key]

    def _get_non_slot_variable(self, name, graph=None):
        return self._non_slot_dict.get((name, graph or get_default_graph()))

    def _non_slot_variables(self):
        return list(self._non_slot_dict.values())

    def get_slot(self, var, name):
        """The slot `name` created for `var` (e.g. 'm' for Adam), or None."""
        return self._slots.get(name, {}).get(var)

    def get_slot_names(self):
        return sorted(self._slots)

    def variables(self):
        """The optimizer's variables in the default graph (slots and non-slots), by name."""
        graph = get_default_graph()
        found = [v for v in self._non_slot_variables() if v.graph is graph]
        for slots in self._slots.values():
            found.extend(v for v in slots.values() if v.graph is graph)
        return sorted(found, key=lambda v: v.name)


def _assert_valid_dtypes(tensors):
    for t in tensors:
        if t.dtype.base_dtype not in _VALID_DTYPES:
            raise ValueError(f"Invalid type {t.dtype!r} for {t.name}, expected: "
                             f"{[d for d in _VALID_DTYPES]}.")


def _as_gradient(grad):
    if grad is None:
        return None
    try:
        return convert_to_tensor(grad)
    except (TypeError, ValueError):
        raise TypeError(
            f"Gradient must be convertible to a Tensor or IndexedSlices, or None: {grad}"
        ) from None


def _filled_like(var, value):
    """An initial value (a callable, so its ops live under the slot's Initializer scope) of
    var's shape and dtype filled with `value`; static when the shape is known."""
    if var.shape.is_fully_defined():
        if value == 0.0:
            return lambda: zeros(var.shape, dtype=var.dtype)
        if value == 1.0:
            return lambda: ones(var.shape, dtype=var.dtype)
        return lambda: constant(value, dtype=var.dtype, shape=var.shape)
    # A Variable's shape is only known once initialized; a Tensor's (EMA of a tensor) at run.
    source = var.initialized_value if isinstance(var, Variable) else (lambda: var)
    return lambda: ones_like(source()) * value


def _as_list_shape(shape):
    return shape.as_list() if hasattr(shape, "as_list") else list(shape)


def _create_slot(var, initial_value, op_name):
    """A non-trainable variable '<var op name>/<op_name>' (made unique), in no name scope, as
    TF's slot_creator names them whatever scope the optimizer runs in."""
    graph = var.graph
    with graph.as_default(), graph.control_dependencies(None), graph.name_scope(None), \
            graph.name_scope(var.op.name + "/"):
        return Variable(initial_value, trainable=False, name=op_name,
                        validate_shape=var.shape.is_fully_defined())
