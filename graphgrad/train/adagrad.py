"""Adagrad (TF1 `tf.train.AdagradOptimizer`)."""
from ..ops.training_ops import apply_adagrad
from .optimizer import Optimizer, _cast


class AdagradOptimizer(Optimizer):
    """accumulator += g^2; variable -= learning_rate * g / sqrt(accumulator).

    One slot, 'accumulator' (named '<var>/Adagrad'), starting at initial_accumulator_value.
    """

    def __init__(self, learning_rate, initial_accumulator_value=0.1, use_locking=False,
                 name="Adagrad"):
        if initial_accumulator_value <= 0.0:
            raise ValueError("initial_accumulator_value must be positive: "
                             f"{initial_accumulator_value}")
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._initial_accumulator_value = initial_accumulator_value

    def _create_slots(self, var_list):
        for v in var_list:
            self._filled_slot(v, self._initial_accumulator_value, "accumulator", self._name)

    def _prepare(self):
        self._learning_rate_tensor = self._hyper(self._learning_rate, "learning_rate")

    def _apply_dense(self, grad, var):
        return apply_adagrad(var, self.get_slot(var, "accumulator"),
                             _cast(self._learning_rate_tensor, var.dtype), grad,
                             use_locking=self._use_locking).op
