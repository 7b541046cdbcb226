"""The `tf.nn` namespace: re-exports only."""
from .ops.conv_ops import *  # noqa: F401,F403
from .ops.math_ops import sigmoid, tanh  # noqa: F401
from .ops.nn_impl_ops import *  # noqa: F401,F403
from .ops.nn_loss_ops import *  # noqa: F401,F403
from .ops.nn_ops import *  # noqa: F401,F403
from .ops.norm_ops import *  # noqa: F401,F403
from .ops.pool_ops import *  # noqa: F401,F403
