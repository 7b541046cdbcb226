"""graphgrad graphs as TensorFlow GraphDefs (binary or text), for the ops graphdef_ops.py imports:
`freeze_graph_def(sess, output_names)` (variables frozen to Consts, as TF's
convert_variables_to_constants) and `write_graph_def`. Axis attrs become the constant inputs TF's
ops take. Needs the `protobuf` package.
"""
import os

import numpy as np

from .graphdef import _NUMPY
from .graphdef_ops import _PLAIN, _REDUCTIONS, _RENAMED

_ENUM = {name: enum for enum, name in _NUMPY.items()}
_TO_TF = {gg: tf for tf, gg in _PLAIN.items() if tf != "AddV2"}
_TO_TF.update({gg: tf for tf, (gg, _) in _RENAMED.items()})
# TF's type attrs besides T that each op requires, from the graphgrad tensor holding that dtype.
_TYPE_ATTRS = {"Reshape": {"Tshape": 1}, "StridedSlice": {"Index": 1}, "Fill": {"index_type": 0},
               "Tile": {"Tmultiples": 1}}


def _enum(dtype):
    return _ENUM[np.dtype(dtype.as_numpy_dtype).name]


def _set_attr(attr, value):
    """Fills the AttrValue `attr` from a Python value."""
    from ..graph.dtypes import DType
    from ..graph.shapes import TensorShape
    if isinstance(value, bool):
        attr.b = value
    elif isinstance(value, (int, np.integer)):
        attr.i = int(value)
    elif isinstance(value, float):
        attr.f = value
    elif isinstance(value, (str, bytes)):
        attr.s = value.encode() if isinstance(value, str) else value
    elif isinstance(value, DType):
        attr.type = _enum(value)
    elif isinstance(value, TensorShape):
        _set_shape(attr.shape, value)
    elif isinstance(value, np.ndarray):
        _set_tensor(attr.tensor, value)
    elif isinstance(value, (list, tuple)):
        attr.list.SetInParent()
        attr.list.i.extend(int(v) for v in value)
    else:
        raise TypeError(f"cannot write attr value {value!r}")


def _set_shape(proto, shape):
    if shape.ndims is None:
        proto.unknown_rank = True
        return
    for d in shape.as_list():
        proto.dim.add(size=-1 if d is None else d)


def _set_tensor(proto, value):
    value = np.asarray(value)
    if value.dtype.name not in _ENUM:
        raise TypeError(f"cannot write a constant of dtype {value.dtype}")
    proto.dtype = _ENUM[value.dtype.name]
    for d in value.shape:
        proto.tensor_shape.dim.add(size=d)
    proto.tensor_content = np.ascontiguousarray(value, value.dtype.newbyteorder("<")).tobytes()


def _const(graph_def, name, value):
    node = graph_def.node.add(name=name, op="Const")
    node.attr["dtype"].type = _ENUM[np.asarray(value).dtype.name]
    _set_tensor(node.attr["value"].tensor, value)
    return name


def _node_attrs(op):
    """(TF op type, extra constant inputs {suffix: value}, attrs) of a graphgrad op."""
    t = {"T": op.inputs[0].dtype} if op.inputs else {}
    if op.type in _REDUCTIONS:
        axis = op.attrs["axis"]
        if axis is None:
            axis = list(range(op.inputs[0].shape.ndims))
        return op.type, {"reduction_indices": np.asarray(axis, np.int32)}, dict(
            t, Tidx=_int32(), keep_dims=bool(op.attrs["keepdims"]))
    if op.type in ("ArgMax", "ArgMin"):
        kind = "ArgMin" if op.attrs.get("which") == "min" else "ArgMax"
        return kind, {"dimension": np.asarray(op.attrs["axis"], np.int32)}, dict(
            t, Tidx=_int32(), output_type=op.attrs["output_type"])
    if op.type == "ExpandDims":
        return op.type, {"dim": np.asarray(op.attrs["axis"], np.int32)}, dict(t, Tdim=_int32())
    if op.type == "Transpose":
        return op.type, {"perm": np.asarray(op.attrs["perm"], np.int32)}, dict(t, Tperm=_int32())
    if op.type == "ConcatV2":
        return op.type, {"axis": np.asarray(op.attrs["axis"], np.int32)}, dict(
            t, N=len(op.inputs), Tidx=_int32())
    if op.type not in _TO_TF:
        from .. import errors
        raise ValueError(f"Cannot write op {errors.describe_op(op)} to a TensorFlow GraphDef: "
                         f"op type '{op.type}' has no TensorFlow mapping here.")
    tf_type = _TO_TF[op.type]
    attrs = {} if op.type == "NoOp" else dict(t)
    if tf_type in _RENAMED:
        for gg_name, tf_name in _RENAMED[tf_type][1].items():
            attrs[tf_name] = op.attrs[gg_name]
    if op.type == "Cast":
        attrs = {"SrcT": op.inputs[0].dtype, "DstT": op.attrs["DstT"]}
    if op.type == "Pack":
        attrs["N"] = len(op.inputs)
    for name, index in _TYPE_ATTRS.get(op.type, {}).items():
        attrs[name] = op.inputs[index].dtype
    return tf_type, {}, attrs


def _int32():
    from ..graph.dtypes import int32
    return int32


def freeze_graph_def(sess, output_names, graph=None):
    """The TF GraphDef of the ops `output_names` (op or tensor names) need, variables frozen to
    Const nodes holding their values in `sess` (TF1 `graph_util.convert_variables_to_constants`).
    """
    from .protos import GraphDef
    graph = graph or sess.graph
    needed, stack = set(), [graph.as_graph_element(n.partition(":")[0]) if isinstance(n, str)
                            else getattr(n, "op", n) for n in output_names]
    while stack:
        op = stack.pop()
        if op.name not in needed:
            needed.add(op.name)
            stack.extend([t.op for t in op.inputs] + list(op.control_inputs))
    graph_def = GraphDef()
    store = sess._state.variables
    for op in graph.get_operations():
        if op.name not in needed:
            continue
        if op.type == "VariableV2":
            _const(graph_def, op.name, np.asarray(store[op.name]))
            continue
        node = graph_def.node.add(name=op.name, device=op.device or "")
        if op.type == "Const":
            node.op = "Const"
            node.attr["dtype"].type = _enum(op.outputs[0].dtype)
            _set_tensor(node.attr["value"].tensor, op.attrs["value"])
            continue
        if op.type == "Placeholder":
            node.op = "Placeholder"
            node.attr["dtype"].type = _enum(op.attrs["dtype"])
            _set_shape(node.attr["shape"].shape, op.outputs[0].shape)
            continue
        node.op, extra, attrs = _node_attrs(op)
        node.input.extend(t.name[:-2] if t.name.endswith(":0") else t.name for t in op.inputs)
        for suffix, value in extra.items():
            node.input.append(_const(graph_def, f"{op.name}/{suffix}", value))
        node.input.extend("^" + c.name for c in op.control_inputs)
        for key, value in attrs.items():
            _set_attr(node.attr[key], value)
    graph_def.versions.producer = 27
    return graph_def


def write_graph_def(graph_def, logdir, name, as_text=True):
    """Writes a GraphDef message as TF's `tf.train.write_graph` does; returns the path."""
    from google.protobuf import text_format
    os.makedirs(logdir, exist_ok=True)
    path = os.path.join(logdir, name)
    data = text_format.MessageToString(graph_def).encode() if as_text \
        else graph_def.SerializeToString()
    from ..train.checkpoint_io import atomic_write
    atomic_write(path, data)
    return path
