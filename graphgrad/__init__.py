"""graphgrad: the TensorFlow 1.x graph programming model on NumPy. `import graphgrad as tf`.

This module is the TF1 namespace: re-exports only, no logic.
"""
# ruff: noqa: F401, F403
from . import errors, math, nn, train
from .autodiff.gradients import gradients
from .graph.constant import constant, convert_to_tensor, placeholder
from .graph.default import (
    add_to_collection,
    add_to_collections,
    container,
    control_dependencies,
    device,
    get_collection,
    get_collection_ref,
    get_seed,
    name_scope,
    set_random_seed,
)
from .graph.dtypes import (
    DType,
    as_dtype,
    bool,
    complex64,
    complex128,
    double,
    float16,
    float32,
    float64,
    half,
    int8,
    int16,
    int32,
    int64,
    uint8,
    uint16,
    uint32,
    uint64,
)
from .graph.graph import Graph, GraphKeys, get_default_graph, reset_default_graph
from .graph.operation import Operation
from .graph.registry import NoGradient, NotDifferentiable, RegisterGradient
from .graph.shapes import Dimension, TensorShape
from .graph.tensor import Tensor
from .ops.aliases import *
from .ops.array_ops import *
from .ops.control_flow_ops import *
from .ops.indexing_ops import *
from .ops.manip_ops import *
from .ops.math_ops import *
from .ops.random_ops import *
from .ops.script_ops import *
from .ops.sequence_ops import *
from .ops.shape_ops import *
from .ops.state_ops import assign, assign_add, assign_sub
from .ops.variables import *
from .runtime.config import ConfigProto, GPUOptions, GraphOptions, RunMetadata, RunOptions
from .runtime.session import InteractiveSession, Session, get_default_session
from .train.clip_ops import *

newaxis = None
__version__ = "0.1.0"
