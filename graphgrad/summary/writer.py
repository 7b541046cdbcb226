"""tf.summary.FileWriter: TensorBoard event files (summaries, the graph as a GraphDef), written
through tensorboardX's record writer and protobufs (the optional extra `graphgrad[tensorboard]`).
"""
import os
import time

import numpy as np

from ..graph import dtypes
from ..graph.graph import Graph
from ..interop.graphdef import _NUMPY
from .summary_ops import protos

# TF's DataType enum values, as GraphDef attrs store them.
_TYPE_ENUM = {name: enum for enum, name in _NUMPY.items()}
_TYPE_ENUM["string"] = 7


def _event_protos():
    protos()
    from tensorboardX.proto import attr_value_pb2, event_pb2, graph_pb2, node_def_pb2
    return attr_value_pb2, event_pb2, graph_pb2, node_def_pb2


def _shape_proto(shape):
    shape_pb2 = protos()[2]
    if shape.ndims is None:
        return shape_pb2.TensorShapeProto(unknown_rank=True)
    return shape_pb2.TensorShapeProto(dim=[shape_pb2.TensorShapeProto.Dim(
        size=-1 if d is None else d) for d in shape.as_list()])


def _attr(attr_value_pb2, value):
    """An AttrValue for the simple attrs TensorBoard shows; None for the rest (arrays, objects)."""
    if isinstance(value, dtypes.DType):
        return attr_value_pb2.AttrValue(type=_TYPE_ENUM.get(value.name, 0))
    if isinstance(value, (bool, np.bool_)):
        return attr_value_pb2.AttrValue(b=bool(value))
    if isinstance(value, (int, np.integer)):
        return attr_value_pb2.AttrValue(i=int(value))
    if isinstance(value, (float, np.floating)):
        return attr_value_pb2.AttrValue(f=float(value))
    if isinstance(value, str):
        return attr_value_pb2.AttrValue(s=value.encode())
    return None


def graph_def(graph):
    """The graph as a TF GraphDef protobuf: one NodeDef per op with its inputs ('^name' for
    control inputs), device, dtype and simple attrs, and `_output_shapes` for TensorBoard."""
    attr_value_pb2, _, graph_pb2, node_def_pb2 = _event_protos()
    nodes = []
    for op in graph.get_operations():
        inputs = [t.op.name if t.value_index == 0 else t.name for t in op.inputs]
        inputs += ["^" + c.name for c in op.control_inputs]
        node = node_def_pb2.NodeDef(name=op.name, op=op.type, input=inputs, device=op.device)
        for key, value in op.attrs.items():
            if key.startswith("_"):
                continue
            proto = _attr(attr_value_pb2, value)
            if proto is not None:
                node.attr[key].CopyFrom(proto)
        if op.outputs:
            node.attr["T"].CopyFrom(attr_value_pb2.AttrValue(
                type=_TYPE_ENUM.get(op.outputs[0].dtype.name, 0)))
            shapes = attr_value_pb2.AttrValue.ListValue(
                shape=[_shape_proto(t.shape) for t in op.outputs])
            node.attr["_output_shapes"].CopyFrom(attr_value_pb2.AttrValue(list=shapes))
        nodes.append(node)
    return graph_pb2.GraphDef(node=nodes)


class FileWriter:
    """Writes summaries and the graph to an event file in `logdir` for TensorBoard
    (TF1 `tf.summary.FileWriter`).

    Differs from TF: writes synchronously (no queue thread); `max_queue` and `flush_secs` are
    accepted for compatibility; events are flushed by `flush()` and `close()`.
    """

    def __init__(self, logdir, graph=None, max_queue=10, flush_secs=120, graph_def=None,
                 filename_suffix=None, session=None):
        from tensorboardX.event_file_writer import EventsWriter
        _event_protos()
        self._logdir = str(logdir)
        os.makedirs(self._logdir, exist_ok=True)
        self._suffix = filename_suffix or ""
        self._writer = EventsWriter(os.path.join(self._logdir, "events"), self._suffix)
        self._closed = False
        if session is not None and graph is None:
            graph = session.graph
        if graph is not None or graph_def is not None:
            self.add_graph(graph, graph_def=graph_def)

    def get_logdir(self):
        return self._logdir

    def add_event(self, event):
        if self._closed:
            raise RuntimeError("Attempted to write to a closed FileWriter; call reopen().")
        self._writer.write_event(event)

    def add_summary(self, summary, global_step=None):
        """Adds a Summary: the bytes a summary op returned, or a Summary protobuf."""
        summary_pb2 = protos()[0]
        event_pb2 = _event_protos()[1]
        if not isinstance(summary, summary_pb2.Summary):
            if isinstance(summary, np.ndarray):
                summary = summary[()]
            if not isinstance(summary, bytes):
                raise TypeError(f"add_summary expects the bytes a summary op returned or a "
                                f"Summary protobuf, got {type(summary).__name__}.")
            summary = summary_pb2.Summary.FromString(summary)
        event = event_pb2.Event(wall_time=time.time(), summary=summary)
        if global_step is not None:
            event.step = int(global_step)
        self.add_event(event)

    def add_graph(self, graph, global_step=None, graph_def=None):
        """Adds the graph (a graphgrad Graph, or a GraphDef protobuf as `graph_def`)."""
        event_pb2 = _event_protos()[1]
        if graph is not None and not isinstance(graph, Graph):
            raise TypeError(f"add_graph expects a Graph, got {type(graph).__name__}.")
        proto = graph_def if graph_def is not None else globals()["graph_def"](graph)
        event = event_pb2.Event(wall_time=time.time(), graph_def=proto.SerializeToString())
        if global_step is not None:
            event.step = int(global_step)
        self.add_event(event)

    def flush(self):
        if not self._closed:
            self._writer.flush()

    def close(self):
        if not self._closed:
            self._writer.close()
            self._closed = True

    def reopen(self):
        """Opens a new event file in the same logdir after close()."""
        if self._closed:
            from tensorboardX.event_file_writer import EventsWriter
            self._writer = EventsWriter(os.path.join(self._logdir, "events"), self._suffix)
            self._closed = False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
