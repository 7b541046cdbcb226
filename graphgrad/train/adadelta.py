"""Adadelta (TF1 `tf.train.AdadeltaOptimizer`)."""
from ..ops.training_ops import apply_adadelta
from .optimizer import Optimizer, _cast


class AdadeltaOptimizer(Optimizer):
    """accum = rho * accum + (1 - rho) * g^2;
    update = sqrt(accum_update + epsilon) / sqrt(accum + epsilon) * g;
    accum_update = rho * accum_update + (1 - rho) * update^2; variable -= learning_rate * update.

    Slots 'accum' and 'accum_update' (named '<var>/Adadelta', '<var>/Adadelta_1').
    """

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-08, use_locking=False,
                 name="Adadelta"):
        super().__init__(use_locking, name)
        self._lr = learning_rate
        self._rho = rho
        self._epsilon = epsilon

    def _create_slots(self, var_list):
        for v in var_list:
            self._zeros_slot(v, "accum", self._name)
            self._zeros_slot(v, "accum_update", self._name)

    def _prepare(self):
        self._lr_t = self._hyper(self._lr, "lr")
        self._rho_t = self._hyper(self._rho, "rho")
        self._epsilon_t = self._hyper(self._epsilon, "epsilon")

    def _apply_dense(self, grad, var):
        dt = var.dtype
        return apply_adadelta(var, self.get_slot(var, "accum"),
                              self.get_slot(var, "accum_update"), _cast(self._lr_t, dt),
                              _cast(self._rho_t, dt), _cast(self._epsilon_t, dt), grad,
                              use_locking=self._use_locking).op
