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

# TF 1.0-1.3 queue-based input pipelines load on first use, keeping `import graphgrad` cheap.
_QUEUE_INPUT = {"Coordinator": "coordinator", "QueueRunner": "queue_runner",
                "add_queue_runner": "queue_runner", "start_queue_runners": "queue_runner",
                "queue_runner": None, "batch": "input", "shuffle_batch": "input",
                "input_producer": "input", "range_input_producer": "input",
                "slice_input_producer": "input", "string_input_producer": "input",
                "limit_epochs": "input"}


def __getattr__(name):
    if name not in _QUEUE_INPUT:
        raise AttributeError(f"module '{__name__}' has no attribute '{name}'")
    import importlib
    module = importlib.import_module(f"{__name__}.{_QUEUE_INPUT[name] or name}")
    return module if _QUEUE_INPUT[name] is None else getattr(module, name)


def __dir__():
    return sorted(set(globals()) | {n for n, m in _QUEUE_INPUT.items() if m})
