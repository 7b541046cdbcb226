"""graphgrad: the TensorFlow 1.x graph programming model on NumPy. `import graphgrad as tf`.

This module is the TF1 namespace: re-exports only (and the lazy loading of heavy namespaces).
"""
# ruff: noqa: F401, F403
from . import errors, math, nn, train
from .autodiff.gradients import gradients
from .compat import disable_eager_execution, disable_v2_behavior, executing_eagerly
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
    string,
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
from .ops.check_ops import *
from .ops.control_flow_ops import *
from .ops.image_impl_ops import random_crop
from .ops.indexing_ops import *
from .ops.init_ops import *
from .ops.logging_ops import *
from .ops.manip_ops import *
from .ops.math_ops import *
from .ops.random_ops import *
from .ops.script_ops import *
from .ops.sequence_ops import *
from .ops.shape_ops import *
from .ops.state_ops import assign, assign_add, assign_sub
from .ops.stitch_ops import *
from .ops.string_ops import *
from .ops.variable_scope import *
from .ops.variables import *
from .runtime.config import ConfigProto, GPUOptions, GraphOptions, RunMetadata, RunOptions
from .runtime.session import InteractiveSession, Session, get_default_session
from .train.checkpoint_meta import import_graph_def
from .train.clip_ops import *

# isort: split
# After the ops: the debug tools re-export ops/check_ops and friends.
from . import debug
from .debug import explain

# Namespaces that most programs never touch load on first use, as TF1's tf.contrib did, so that
# `import graphgrad` stays cheap.
_LAZY = ("contrib", "debugging", "distributed", "initializers", "layers", "losses", "onnx",
         "summary", "data", "app", "flags", "gfile", "logging", "image", "io", "graph_util")


# TF 1.0-1.3 queues, loaded on first use like the namespaces above.
_LAZY_QUEUES = ("FIFOQueue", "RandomShuffleQueue", "QueueBase")

# TF's protobuf message classes (`graph_def = tf.GraphDef(); graph_def.ParseFromString(...)`):
# they need the protobuf package, imported only when a program asks for one.
_LAZY_PROTOS = ("GraphDef", "NodeDef", "AttrValue", "TensorProto", "MetaGraphDef")


def __getattr__(name):
    if name in _LAZY:
        import importlib
        return importlib.import_module(f"{__name__}.{name}")
    if name in _LAZY_QUEUES:
        from .ops import queue_ops
        return getattr(queue_ops, name)
    if name in _LAZY_PROTOS:
        from .interop import load_protos
        return getattr(load_protos(), name)
    raise AttributeError(f"module 'graphgrad' has no attribute '{name}'")


def __dir__():
    return sorted(set(globals()) | set(_LAZY_QUEUES) | set(_LAZY_PROTOS))

newaxis = None
__version__ = "0.1.0"
