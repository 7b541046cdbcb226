"""graphgrad: the TensorFlow 1.x graph programming model on NumPy. `import graphgrad as tf`.

This module is the TF1 namespace: re-exports only. It loads the graph core; every other name
loads its module on first use and then stays bound here, and so do Tensor's operators (a + b).
Which module gives which name is in _api_names.py, generated from the modules' __all__ by
`python -m graphgrad.api_table --write`. So `import graphgrad` costs little more than NumPy.
"""
# ruff: noqa: F401
from importlib import import_module as _import_module

from . import _api_names
from .graph import tensor as _tensor_module
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

# Each public name -> the module that defines it, which loads on first use of the name.
_NAMES = {name: module for module, names in _api_names.NAMES.items() for name in names}

# Namespaces that most programs never touch load on first use, as TF1's tf.contrib did; unlike
# _api_names.MODULES, `from graphgrad import *` does not bind them.
_LAZY = ("contrib", "debugging", "distributed", "initializers", "layers", "losses", "onnx",
         "summary", "data", "app", "flags", "gfile", "logging", "image", "io", "graph_util")

# TF 1.0-1.3 queues, loaded on first use like the namespaces above.
_LAZY_QUEUES = ("FIFOQueue", "RandomShuffleQueue", "QueueBase")

# TF's protobuf message classes (`graph_def = tf.GraphDef(); graph_def.ParseFromString(...)`):
# they need the protobuf package, imported only when a program asks for one.
_LAZY_PROTOS = ("GraphDef", "NodeDef", "AttrValue", "TensorProto", "MetaGraphDef")


def __getattr__(name):
    if name in _NAMES:
        value = getattr(_import_module(_NAMES[name]), name)
    elif name in _api_names.MODULES or name in _LAZY:
        value = _import_module(f"{__name__}.{name}")
    elif name in _LAZY_QUEUES:
        from .ops import queue_ops
        return getattr(queue_ops, name)
    elif name in _LAZY_PROTOS:
        from .interop import load_protos
        return getattr(load_protos(), name)
    else:
        raise AttributeError(f"module 'graphgrad' has no attribute '{name}'")
    globals()[name] = value  # so the next tf.<name> (tf.matmul in a loop) is a plain lookup
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__) | set(_LAZY_QUEUES) | set(_LAZY_PROTOS))


def _find_session(session, what, method):
    """Tensor.eval() and Operation.run() before the runtime has loaded: load it (it replaces
    this hook with its own) and ask it."""
    from .runtime.session import _session_for
    return _session_for(session, what, method)


def _operator(method):
    """Tensor.<method> until ops/operators.py, loaded by the first call, installs the real one."""
    def load_operators(self, *args):
        from .ops import operators  # noqa: F401 - replaces every _operator on Tensor
        return getattr(Tensor, method)(self, *args)
    return load_operators


def _explain(self, feed_dict=None, file=None):
    """What running this op or tensor would do: see graphgrad.explain."""
    from .debug import explain  # graphgrad.debug replaces this method with its own
    return explain(self, feed_dict=feed_dict, file=file)


_tensor_module.find_session = _find_session
Tensor.explain = Operation.explain = _explain
for _method in _api_names.OPERATORS:
    setattr(Tensor, _method, _operator(_method))
del _method

__all__ = sorted(_NAMES) + list(_api_names.MODULES) + ["newaxis"]
newaxis = None
__version__ = "0.1.0"
