"""Plain stochastic gradient descent (TF1 `tf.train.GradientDescentOptimizer`)."""
from ..ops.embedding_ops import gathered_rows, scatter_sub
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
        rows = gathered_rows(grad, var)
        if rows is not None:
            # A gather's (embedding_lookup's) gradient: update the touched rows only, as TF's
            # _apply_sparse, never building the dense table-sized gradient.
            indices, updates = rows
            return scatter_sub(var, indices, updates * lr, use_locking=self._use_locking).op
        return apply_gradient_descent(var, lr, grad, use_locking=self._use_locking).op
