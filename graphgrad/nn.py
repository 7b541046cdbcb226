"""The `tf.nn` namespace: re-exports only."""
from .ops.math_ops import sigmoid, tanh  # noqa: F401
from .ops.nn_impl_ops import *  # noqa: F401,F403
from .ops.nn_loss_ops import *  # noqa: F401,F403
from .ops.nn_ops import *  # noqa: F401,F403
