"""Exponential moving averages of variables and tensors (TF1 `tf.train.ExponentialMovingAverage`,
`assign_moving_average`)."""
from ..graph import dtypes
from ..graph.constant import convert_to_tensor
from ..graph.default import name_scope
from ..graph.graph import GraphKeys, get_default_graph
from ..graph.tensor import Tensor
from ..ops import state_ops
from ..ops.control_flow_ops import group
from ..ops.math_ops import cast, minimum, pow
from ..ops.variables import Variable, global_variables, trainable_variables
from .optimizer import _create_slot, _filled_like


def assign_moving_average(variable, value, decay, zero_debias=True, name=None):
    """variable -= (1 - decay) * (variable - value); returns the new value.

    With `zero_debias` the average is divided by 1 - decay^t (t: updates so far), using two
    helper variables '<variable>/biased' and '<variable>/local_step', as TF does.
    """
    with name_scope(name, "AssignMovingAvg", [variable, value, decay]) as scope:
        dtype = variable.dtype.base_dtype
        one_minus_decay = convert_to_tensor(1.0 - convert_to_tensor(decay), name="decay")
        if one_minus_decay.dtype != dtype:
            one_minus_decay = cast(one_minus_decay, dtype)
        if zero_debias:
            delta = _zero_debias(variable, value, one_minus_decay)
        else:
            delta = (variable - value) * one_minus_decay
        return state_ops.assign_sub(variable, delta, name=scope)


def _zero_debias(unbiased_var, value, one_minus_decay):
    """The delta that moves `unbiased_var` to biased / (1 - decay^t)."""
    graph = unbiased_var.graph
    with graph.control_dependencies(None), graph.name_scope(None), \
            graph.name_scope(unbiased_var.op.name + "/"):
        biased = Variable(_filled_like(unbiased_var, 0.0), trainable=False, name="biased")
        local_step = Variable(lambda: convert_to_tensor(0, dtype=unbiased_var.dtype),
                              trainable=False, name="local_step")
    update_biased = state_ops.assign_sub(biased, (biased - value) * one_minus_decay)
    update_step = state_ops.assign_add(local_step, 1)
    return unbiased_var - update_biased / (1 - pow(1.0 - one_minus_decay, update_step))


class ExponentialMovingAverage:
    """Keeps shadow copies, averaged with `decay`, of variables or tensors.

    apply(var_list) creates a shadow '<name>/ExponentialMovingAverage' per item (a variable's
    starts at its initial value, a tensor's at zeros) and returns the op updating them:
    shadow -= (1 - decay) * (shadow - value). With num_updates, the decay used is
    min(decay, (1 + num_updates) / (10 + num_updates)).
    """

    def __init__(self, decay, num_updates=None, zero_debias=False,
                 name="ExponentialMovingAverage"):
        self._decay = decay
        self._num_updates = num_updates
        self._zero_debias = zero_debias
        self._name = name
        self._averages = {}

    @property
    def name(self):
        return self._name

    def apply(self, var_list=None):
        """Creates the shadows of `var_list` (default: the trainable variables); returns the op
        that updates them."""
        var_list = trainable_variables() if var_list is None else list(var_list)
        debiased = set()
        for var in var_list:
            if var.dtype.base_dtype not in (dtypes.float16, dtypes.float32, dtypes.float64):
                raise TypeError(f"The variables must be half, float, or double: {var.name}")
            if var in self._averages:
                raise ValueError(f"Moving average already computed for: {var.name}")
            if isinstance(var, Variable):
                avg = _create_slot(var, var.initialized_value, self._name)
                var.graph.add_to_collection(GraphKeys.MOVING_AVERAGE_VARIABLES, var)
            elif isinstance(var, Tensor):
                avg = _create_slot(var, _filled_like(var, 0.0), self._name)
                if self._zero_debias:
                    debiased.add(avg)
            else:
                raise TypeError(f"var_list must hold Variables or Tensors, got {var!r}")
            self._averages[var] = avg
        with name_scope(self._name) as scope:
            decay = convert_to_tensor(self._decay, name="decay")
            if self._num_updates is not None:
                num_updates = cast(self._num_updates, dtypes.float32, name="num_updates")
                decay = minimum(decay, (1.0 + num_updates) / (10.0 + num_updates))
            updates = [assign_moving_average(self._averages[v], v, decay,
                                             zero_debias=self._averages[v] in debiased)
                       for v in var_list]
            return group(*updates, name=scope)

    def average(self, var):
        """The shadow variable of `var`, or None."""
        return self._averages.get(var)

    def average_name(self, var):
        """The name of `var`'s shadow variable (also its name in checkpoints)."""
        return var.op.name + "/" + self._name

    def variables_to_restore(self, moving_avg_variables=None):
        """{checkpoint name: variable}, mapping each averaged variable's shadow name to the
        variable itself, so that a Saver restores the averages into the model."""
        if moving_avg_variables is None:
            moving_avg_variables = list(trainable_variables())
            moving_avg_variables += get_default_graph().get_collection(
                GraphKeys.MOVING_AVERAGE_VARIABLES)
        averaged = list(dict.fromkeys(moving_avg_variables))
        name_map = {self.average_name(v): v for v in averaged}
        for v in global_variables():
            if v not in averaged and v.op.name not in name_map:
                name_map[v.op.name] = v
        return name_map
