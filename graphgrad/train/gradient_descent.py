"""Plain stochastic gradient descent (TF1 `tf.train.GradientDescentOptimizer`)."""
from ..ops.training_ops import apply_gradient_descent
from .optimizer import Optimizer, _cast


class GradientDescentOptimizer(Optimizer):
    """var -= learning_rate * grad."""

    def __init__(self, learning_rate, use_locking=False, name="GradientDescent"):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate

    def _prepare(self):
        self._learning_rate_tensor = self._hyper(self._learning_rate, "learning_rate")

    def _apply_dense(self, grad, var):
        lr = _cast(self._learning_rate_tensor, var.dtype)
        return apply_gradient_descent(var, lr, grad, use_locking=self._use_locking).op
