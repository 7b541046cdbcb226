"""Adam (TF1 `tf.train.AdamOptimizer`), with TF1's bias correction folded into the step."""
from ..ops.control_flow_ops import group
from ..ops.training_ops import apply_adam
from .optimizer import Optimizer, _cast


class AdamOptimizer(Optimizer):
    """Adam (Kingma & Ba): at step t, lr_t = learning_rate * sqrt(1 - beta2^t) / (1 - beta1^t),
    m = beta1 * m + (1 - beta1) * g, v = beta2 * v + (1 - beta2) * g^2,
    variable -= lr_t * m / (sqrt(v) + epsilon).

    Slots 'm' and 'v' (named '<var>/Adam', '<var>/Adam_1'); the powers beta1^t and beta2^t live
    in the non-slot variables 'beta1_power' and 'beta2_power', updated after all variables.
    """

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-08,
                 use_locking=False, name="Adam"):
        super().__init__(use_locking, name)
        self._lr = learning_rate
        self._beta1 = beta1
        self._beta2 = beta2
        self._epsilon = epsilon

    def _get_beta_accumulators(self, graph=None):
        return (self._get_non_slot_variable("beta1_power", graph),
                self._get_non_slot_variable("beta2_power", graph))

    def _create_slots(self, var_list):
        first_var = min(var_list, key=lambda v: v.name)
        self._create_non_slot_variable(self._beta1, "beta1_power", first_var)
        self._create_non_slot_variable(self._beta2, "beta2_power", first_var)
        for v in var_list:
            self._zeros_slot(v, "m", self._name)
            self._zeros_slot(v, "v", self._name)

    def _prepare(self):
        self._lr_t = self._hyper(self._lr, "learning_rate")
        self._beta1_t = self._hyper(self._beta1, "beta1")
        self._beta2_t = self._hyper(self._beta2, "beta2")
        self._epsilon_t = self._hyper(self._epsilon, "epsilon")

    def _apply_dense(self, grad, var):
        beta1_power, beta2_power = self._get_beta_accumulators(var.graph)
        dt = var.dtype
        return apply_adam(
            var, self.get_slot(var, "m"), self.get_slot(var, "v"),
            _cast(beta1_power.value(), dt), _cast(beta2_power.value(), dt),
            _cast(self._lr_t, dt), _cast(self._beta1_t, dt), _cast(self._beta2_t, dt),
            _cast(self._epsilon_t, dt), grad, use_locking=self._use_locking).op

    def _finish(self, update_ops, name_scope):
        graph = update_ops[0].graph
        beta1_power, beta2_power = self._get_beta_accumulators(graph)
        with graph.control_dependencies(update_ops):
            update_beta1 = beta1_power.assign(beta1_power * self._beta1_t,
                                              use_locking=self._use_locking)
            update_beta2 = beta2_power.assign(beta2_power * self._beta2_t,
                                              use_locking=self._use_locking)
        return group(*update_ops, update_beta1, update_beta2, name=name_scope)
