"""Momentum and Nesterov momentum (TF1 `tf.train.MomentumOptimizer`)."""
from ..ops.training_ops import apply_momentum
from .optimizer import Optimizer, _cast


class MomentumOptimizer(Optimizer):
    """accumulation = momentum * accumulation + gradient; variable -= learning_rate *
    accumulation. With use_nesterov the step is learning_rate * (gradient + momentum *
    accumulation). One slot, 'momentum' (named '<var>/Momentum')."""

    def __init__(self, learning_rate, momentum, use_locking=False, name="Momentum",
                 use_nesterov=False):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._momentum = momentum
        self._use_nesterov = use_nesterov

    def _create_slots(self, var_list):
        for v in var_list:
            self._zeros_slot(v, "momentum", self._name)

    def _prepare(self):
        self._learning_rate_tensor = self._hyper(self._learning_rate, "learning_rate")
        self._momentum_tensor = self._hyper(self._momentum, "momentum")

    def _apply_dense(self, grad, var):
        return apply_momentum(
            var, self.get_slot(var, "momentum"), _cast(self._learning_rate_tensor, var.dtype),
            grad, _cast(self._momentum_tensor, var.dtype), use_locking=self._use_locking,
            use_nesterov=self._use_nesterov).op
