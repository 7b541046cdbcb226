"""The `tf.nn` namespace: re-exports only."""
from .ops.conv_ops import *  # noqa: F401,F403
from .ops.embedding_ops import *  # noqa: F401,F403
from .ops.math_ops import sigmoid, tanh  # noqa: F401
from .ops.nn_impl_ops import *  # noqa: F401,F403
from .ops.nn_loss_ops import *  # noqa: F401,F403
from .ops.nn_ops import *  # noqa: F401,F403
from .ops.norm_ops import *  # noqa: F401,F403
from .ops.pool_ops import *  # noqa: F401,F403
from .ops.rnn import *  # noqa: F401,F403


def __getattr__(name):
    # tf.nn.rnn_cell builds on tf.layers, loaded on first use to keep `import graphgrad` cheap.
    if name == "rnn_cell":
        from .ops import rnn_cell
        return rnn_cell
    raise AttributeError(f"module 'graphgrad.nn' has no attribute '{name}'")
