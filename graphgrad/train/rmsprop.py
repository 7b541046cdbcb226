"""RMSProp, plain and centered (TF1 `tf.train.RMSPropOptimizer`)."""
from ..ops.training_ops import apply_centered_rms_prop, apply_rms_prop
from .optimizer import Optimizer, _cast


class RMSPropOptimizer(Optimizer):
    """ms = decay * ms + (1 - decay) * g^2;
    mom = momentum * mom + learning_rate * g / sqrt(ms + epsilon); variable -= mom.
    Centered: also mg = decay * mg + (1 - decay) * g, and the denominator is
    sqrt(ms - mg^2 + epsilon).

    Slots 'rms' (starts at ones), then 'mg' when centered, then 'momentum': named
    '<var>/RMSProp', '<var>/RMSProp_1' (and '<var>/RMSProp_2') in that order.
    """

    def __init__(self, learning_rate, decay=0.9, momentum=0.0, epsilon=1e-10,
                 use_locking=False, centered=False, name="RMSProp"):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._decay = decay
        self._momentum = momentum
        self._epsilon = epsilon
        self._centered = centered

    def _create_slots(self, var_list):
        for v in var_list:
            self._filled_slot(v, 1.0, "rms", self._name)
            if self._centered:
                self._zeros_slot(v, "mg", self._name)
            self._zeros_slot(v, "momentum", self._name)

    def _prepare(self):
        self._learning_rate_tensor = self._hyper(self._learning_rate, "learning_rate")
        self._decay_tensor = self._hyper(self._decay, "decay")
        self._momentum_tensor = self._hyper(self._momentum, "momentum")
        self._epsilon_tensor = self._hyper(self._epsilon, "epsilon")

    def _apply_dense(self, grad, var):
        dt = var.dtype
        hyper = (_cast(self._learning_rate_tensor, dt), _cast(self._decay_tensor, dt),
                 _cast(self._momentum_tensor, dt), _cast(self._epsilon_tensor, dt))
        rms, mom = self.get_slot(var, "rms"), self.get_slot(var, "momentum")
        if self._centered:
            return apply_centered_rms_prop(var, self.get_slot(var, "mg"), rms, mom, *hyper,
                                           grad, use_locking=self._use_locking).op
        return apply_rms_prop(var, rms, mom, *hyper, grad, use_locking=self._use_locking).op
