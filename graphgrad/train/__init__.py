"""The `tf.train` namespace: optimizers and the global step."""
from .gradient_descent import GradientDescentOptimizer  # noqa: F401
from .optimizer import Optimizer  # noqa: F401
from .training_util import (  # noqa: F401
    create_global_step, get_global_step, get_or_create_global_step, global_step)
