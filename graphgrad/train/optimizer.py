"""The Optimizer base class: compute_gradients, apply_gradients, minimize, slot variables."""
from ..autodiff.gradients import gradients
from ..graph.constant import convert_to_tensor
from ..graph.graph import GraphKeys, get_default_graph
from ..graph.tensor import Tensor
from ..ops import state_ops
from ..ops.array_ops import zeros_like
from ..ops.control_flow_ops import group
from ..ops.math_ops import cast
from ..ops.variables import Variable, trainable_variables


class Optimizer:
    """Base class of the TF1 optimizers; subclasses define `_apply_dense` (and slots)."""

    GATE_NONE, GATE_OP, GATE_GRAPH = 0, 1, 2

    def __init__(self, use_locking, name):
        if not name:
            raise ValueError("Must specify the optimizer name")
        self._use_locking = use_locking
        self._name = name
        self._slots = {}
        self._non_slot = {}

    def get_name(self):
        return self._name

    def minimize(self, loss, global_step=None, var_list=None, gate_gradients=GATE_OP,
                 aggregation_method=None, colocate_gradients_with_ops=False, name=None,
                 grad_loss=None):
        """compute_gradients + apply_gradients; returns the train op."""
        grads_and_vars = self.compute_gradients(loss, var_list=var_list, grad_loss=grad_loss)
        if not any(g is not None for g, _ in grads_and_vars):
            raise ValueError(
                "No gradients provided for any variable, check your graph for ops that do not "
                "support gradients, between variables "
                f"{[str(v) for _, v in grads_and_vars]} and loss {loss}.")
        return self.apply_gradients(grads_and_vars, global_step=global_step, name=name)

    def compute_gradients(self, loss, var_list=None, gate_gradients=GATE_OP,
                          aggregation_method=None, colocate_gradients_with_ops=False,
                          grad_loss=None):
        """[(gradient, variable)] for `var_list` (default: all trainable variables); the
        gradient is None for a variable the loss does not depend on."""
        if callable(loss) and not isinstance(loss, Tensor):
            raise RuntimeError("`loss` passed to Optimizer.compute_gradients should be a Tensor "
                               "in graph mode, not a callable.")
        loss = convert_to_tensor(loss)
        if var_list is None:
            var_list = trainable_variables()
            var_list += [v for v in loss.graph.get_collection(
                GraphKeys.TRAINABLE_VARIABLES) if v not in var_list]
        var_list = list(var_list)
        if not var_list:
            raise ValueError("No variables to optimize.")
        for v in var_list:
            if not isinstance(v, Variable):
                raise TypeError(f"Argument is not a tf.Variable: {v!r}")
        if not loss.dtype.is_floating:
            raise ValueError(f"Invalid type {loss.dtype.name} for {loss.name}, expected: "
                             "float16, float32, float64.")
        grads = gradients(loss, [v._ref() for v in var_list], grad_ys=grad_loss)
        return list(zip(grads, var_list))

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        """Adds the update ops for each (gradient, variable); returns one op that runs them
        (and increments `global_step` after them)."""
        grads_and_vars = tuple(grads_and_vars)
        if not grads_and_vars:
            raise ValueError("No variables provided.")
        pairs = [(None if g is None else convert_to_tensor(g), v) for g, v in grads_and_vars]
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
                    train_op = self._finish(updates, scope[:-1] + "/")
                else:
                    with graph.control_dependencies([self._finish(updates, "update")]):
                        train_op = state_ops.assign_add(global_step, 1, name=scope).op
        train_ops = graph.get_collection_ref(GraphKeys.TRAIN_OP)
        if train_op not in train_ops:
            train_ops.append(train_op)
        return train_op

    # --- for subclasses ---
    def _create_slots(self, var_list):
        pass

    def _prepare(self):
        pass

    def _apply_dense(self, grad, var):
        raise NotImplementedError(f"{type(self).__name__} must define _apply_dense")

    def _finish(self, update_ops, name):
        return group(*update_ops, name=name)

    def _lr(self, value, var, name):
        """A hyperparameter as a tensor of the variable's dtype."""
        return cast(convert_to_tensor(value() if callable(value) else value, name=name),
                    var.dtype)

    # --- slots ---
    def _zeros_slot(self, var, slot_name, op_name):
        slots = self._slots.setdefault(slot_name, {})
        if var not in slots:
            slots[var] = self._make_slot(var, zeros_like(var._initial_value), op_name)
        return slots[var]

    def _make_slot(self, var, initial_value, op_name):
        graph = var.graph
        with graph.name_scope(None), graph.name_scope(var.op.name + "/"):
            return Variable(initial_value, trainable=False, name=op_name)

    def _get_or_make_non_slot(self, name, initial_value):
        if name not in self._non_slot:
            graph = get_default_graph()
            with graph.name_scope(None):
                self._non_slot[name] = Variable(initial_value, trainable=False, name=name)
        return self._non_slot[name]

    def get_slot(self, var, name):
        return self._slots.get(name, {}).get(var)

    def get_slot_names(self):
        return sorted(self._slots)

    def variables(self):
        out = list(self._non_slot.values())
        for slots in self._slots.values():
            out.extend(slots.values())
        return out
