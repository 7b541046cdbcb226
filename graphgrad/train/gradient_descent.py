"""Plain stochastic gradient descent (TF1 `tf.train.GradientDescentOptimizer`)."""
from ..ops.training_ops import apply_gradient_descent
from .optimizer import Optimizer


class GradientDescentOptimizer(Optimizer):
    """var -= learning_rate * grad."""

    def __init__(self, learning_rate, use_locking=False, name="GradientDescent"):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate

    def _prepare(self):
        self._lr_value = self._learning_rate

    def _apply_dense(self, grad, var):
        lr = self._lr(self._lr_value, var, "learning_rate")
        return apply_gradient_descent(var._ref(), lr, grad, use_locking=self._use_locking)
