"""TensorFlow GraphDefs (binary `.pb` or text `.pbtxt`, as `tf.train.write_graph` writes them)
turned into graphgrad's graph dict, which graph/serialize.py rebuilds through the registry.
TF nodes go through graphdef_ops.convert_node; nodes graphgrad wrote come back from the record
in their `_graphgrad` attr. Needs the `protobuf` package.
"""
import json

import numpy as np

from ..graph import dtypes as _dtypes
from ..graph import serialize
from ..graph.shapes import TensorShape

_NUMPY = {1: "float32", 2: "float64", 3: "int32", 4: "uint8", 5: "int16", 6: "int8",
          8: "complex64", 9: "int64", 10: "bool", 17: "uint16", 18: "complex128",
          19: "float16", 22: "uint32", 23: "uint64"}
# TensorProto field holding the values of each dtype when tensor_content is empty.
_VALUE_FIELD = {1: "float_val", 2: "double_val", 3: "int_val", 4: "int_val", 5: "int_val",
                6: "int_val", 9: "int64_val", 10: "bool_val", 17: "int_val", 19: "half_val",
                22: "uint32_val", 23: "uint64_val", 8: "scomplex_val", 18: "dcomplex_val"}


def _protos():
    try:
        from . import protos
    except ImportError:
        raise ImportError("Reading TensorFlow GraphDefs needs the protobuf package: "
                          "pip install protobuf") from None
    return protos


def parse_message(data, cls, what="GraphDef"):
    """A `cls` message (GraphDef, MetaGraphDef) from the bytes of a binary or text file."""
    from google.protobuf import message, text_format
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None:
        try:
            return text_format.Parse(text, cls(), allow_unknown_field=True)
        except text_format.ParseError:
            pass
    proto = cls()
    try:
        proto.ParseFromString(data)
    except message.DecodeError as e:
        raise ValueError(f"not a {what} (neither text nor binary protobuf): {e}") from None
    return proto


def parse_graph_def(data):
    """A GraphDef message from the bytes of a binary or text GraphDef file."""
    return parse_message(data, _protos().GraphDef)


def read_graph_def(path):
    """The GraphDef in the file at `path` (binary or text)."""
    with open(path, "rb") as f:
        return parse_graph_def(f.read())


def tf_dtype(enum):
    """graphgrad's DType for TF's DataType enum value (reference types as their base)."""
    base = enum - 100 if enum > 100 else enum
    if base == 7:
        return _dtypes.string
    if base not in _NUMPY:
        raise ValueError(f"TensorFlow dtype enum {enum} is not supported by graphgrad")
    return _dtypes.as_dtype(_NUMPY[base])


def tensor_to_array(tensor):
    """The ndarray of a TensorProto (tensor_content, or typed values with the last repeated)."""
    if tensor.dtype == 7:  # tf.string: an object array of bytes
        return _strings(tensor)
    dtype = np.dtype(_NUMPY[tensor.dtype]) if tensor.dtype in _NUMPY else None
    if dtype is None:
        raise ValueError(f"constant tensors of TensorFlow dtype enum {tensor.dtype} are not "
                         "supported")
    shape = [d.size for d in tensor.tensor_shape.dim]
    size = int(np.prod(shape, dtype=np.int64))
    if tensor.tensor_content:
        return np.frombuffer(tensor.tensor_content, dtype.newbyteorder("<")).astype(dtype) \
            .reshape(shape)
    values = list(getattr(tensor, _VALUE_FIELD[tensor.dtype]))
    if tensor.dtype == 19:  # halves travel as their uint16 bit patterns
        flat = np.array(values, np.uint16).view(np.float16)
    elif dtype.kind == "c":
        flat = np.array(values[0::2], dtype) + 1j * np.array(values[1::2], dtype)
    else:
        flat = np.array(values, dtype)
    if flat.size == size:
        return flat.reshape(shape)
    out = np.zeros(size, dtype)
    if flat.size:
        out[:flat.size] = flat
        out[flat.size:] = flat[-1]  # TF repeats the last value to fill the tensor
    return out.reshape(shape)


def _strings(tensor):
    shape = [d.size for d in tensor.tensor_shape.dim]
    values = list(tensor.string_val)
    size = int(np.prod(shape, dtype=np.int64))
    values += values[-1:] * (size - len(values))  # TF repeats the last value to fill
    out = np.empty(size, dtype=object)
    out[:] = values[:size]
    return out.reshape(shape)


def _shape(proto):
    if proto.unknown_rank:
        return TensorShape(None)
    return TensorShape([None if d.size < 0 else d.size for d in proto.dim])


def attr_value(value):
    """The Python value of an AttrValue."""
    kind = value.WhichOneof("value")
    if kind is None:
        return None
    if kind == "list":
        lst = value.list
        for field in ("s", "i", "f", "b", "type", "shape", "tensor"):
            items = list(getattr(lst, field))
            if items:
                return [_scalar_attr(field, x) for x in items]
        return []
    return _scalar_attr(kind, getattr(value, kind))


def _scalar_attr(kind, x):
    if kind == "s":
        return x.decode("utf-8", "replace")
    if kind == "type":
        return tf_dtype(x)
    if kind == "shape":
        return _shape(x)
    if kind == "tensor":
        return tensor_to_array(x)
    return x


from .graphdef_ops import convert_node  # noqa: E402

RECORD = "_graphgrad"  # the attr holding graphgrad's own record of a node (graphdef_export.py)


def _topological(nodes):
    """The nodes with every node after its inputs (TF does not promise an order)."""
    by_name = {n.name: n for n in nodes}
    order, state = [], {}
    for root in nodes:
        stack = [(root, False)]
        while stack:
            node, done = stack.pop()
            if done:
                state[node.name] = 2
                order.append(node)
                continue
            if state.get(node.name):
                continue
            state[node.name] = 1
            stack.append((node, True))
            for name in node.input:
                dep = by_name.get(name.lstrip("^").partition(":")[0])
                if dep is not None and not state.get(dep.name):
                    stack.append((dep, False))
    return order


def _recorded_node(node):
    """graphgrad's node dict from the `_graphgrad` record graphgrad writes on each node (None
    for helper nodes that only TF needs); the Const value comes from TF's tensor."""
    try:
        record = json.loads(node.attr[RECORD].s.decode("utf-8"))
    except ValueError as e:
        raise ValueError(f"node '{node.name}' has an unreadable graphgrad record: {e}") from None
    if record.get("helper"):
        return None
    record = dict(record, name=node.name, device=node.device)
    if record["op"] == "Const" and "value" not in record["attr"]:
        value = tensor_to_array(node.attr["value"].tensor)
        value.flags.writeable = False
        record["attr"] = dict(record["attr"], value=value)
    return record


def to_graph_dict(graph_def, skip=()):
    """graphgrad's graph dict (serialize.import_graph_dict) for a TF GraphDef message, without
    the nodes named in `skip`; ValueError naming the node for op types or attrs graphgrad does
    not map. Nodes graphgrad wrote come back from their records, losslessly."""
    nodes = [n for n in _topological(list(graph_def.node)) if n.name not in skip]
    by_name = {n.name: n for n in nodes}
    out = []
    for node in nodes:
        if RECORD in node.attr:
            record = _recorded_node(node)
            if record is not None:
                out.append(record)
            continue
        attrs = {k: attr_value(v) for k, v in node.attr.items()}
        op_type, inputs, gg_attrs = convert_node(node, attrs, by_name)
        if op_type in ("OnesLike", "ZerosLike") and "dtype" not in gg_attrs:
            gg_attrs = dict(gg_attrs, dtype=attrs["T"])  # graphgrad's take their dtype as attr
        out.append({"name": node.name, "op": op_type, "input": inputs, "device": node.device,
                    "attr": {k: serialize.encode_value(v) for k, v in gg_attrs.items()}})
    return {"node": out}


def as_graph_dict(graph_def):
    """A graph dict from a TF GraphDef message, or the bytes or path of a GraphDef file."""
    if isinstance(graph_def, (bytes, bytearray)):
        graph_def = parse_graph_def(bytes(graph_def))
    elif isinstance(graph_def, str):
        graph_def = read_graph_def(graph_def)
    if not (hasattr(graph_def, "node") and hasattr(graph_def, "SerializeToString")):
        raise TypeError("graph_def must be a graph dict (json.load of a write_graph file) or a "
                        f"TensorFlow GraphDef, not {type(graph_def).__name__}.")
    return to_graph_dict(graph_def)
