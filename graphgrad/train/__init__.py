"""The `tf.train` namespace: optimizers, learning-rate schedules, moving averages and the global
step."""
# ruff: noqa: F401
from .adadelta import AdadeltaOptimizer
from .adagrad import AdagradOptimizer
from .adam import AdamOptimizer
from .checkpoint_io import CheckpointState, checkpoint_exists
from .checkpoint_meta import export_meta_graph, import_meta_graph, write_graph
from .gradient_descent import GradientDescentOptimizer
from .learning_rate_decay import (
    cosine_decay,
    exponential_decay,
    inverse_time_decay,
    natural_exp_decay,
    piecewise_constant,
    polynomial_decay,
)
from .momentum import MomentumOptimizer
from .moving_averages import ExponentialMovingAverage, assign_moving_average
from .optimizer import Optimizer
from .rmsprop import RMSPropOptimizer
from .saver import (
    NewCheckpointReader,
    Saver,
    get_checkpoint_state,
    latest_checkpoint,
    list_variables,
    load_checkpoint,
    load_variable,
    update_checkpoint_state,
)
from .training_util import (
    create_global_step,
    get_global_step,
    get_or_create_global_step,
    global_step,
)
