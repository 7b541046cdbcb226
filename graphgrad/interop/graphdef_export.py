"""graphgrad graphs as TensorFlow GraphDefs (binary or text): `graph_to_graph_def` (the whole
graph, as `tf.train.write_graph` and meta graphs write it), `freeze_graph_def` (variables frozen to
Consts, as TF's convert_variables_to_constants) and `write_graph_def`.

A node is written as TF's op with TF's attrs where graphgrad's op has a TF counterpart
(graphdef_export_ops.py: axis attrs become the constant inputs TF's ops take; SumToShape and
ReducedShape become small TF subgraphs); other ops keep their graphgrad type, which TensorFlow
refuses by name. Each node of a whole graph
also carries a private `_graphgrad` attr (TF ignores attrs starting with '_') with graphgrad's own
record of it (op type, attrs, inputs, shapes, creation site), so graphgrad reads its files back
losslessly. Needs the `protobuf` package.
"""
import json
import os

import numpy as np

from .graphdef import _NUMPY
from .graphdef_export_ops import LOWERINGS, node_attrs, tf_form

RECORD = "_graphgrad"
_HELPER = json.dumps({"helper": True}).encode()
_ENUM = {name: enum for enum, name in _NUMPY.items()}
_ENUM["object"] = 7  # tf.string: object arrays of bytes


def _enum(dtype):
    return _ENUM[np.dtype(dtype.as_numpy_dtype).name]


def _set_attr(attr, value):
    """Fills the AttrValue `attr` from a Python value; TypeError for values TF attrs lack."""
    from ..graph.dtypes import DType
    from ..graph.shapes import TensorShape
    if isinstance(value, (bool, np.bool_)):
        attr.b = bool(value)
    elif isinstance(value, (int, np.integer)):
        attr.i = int(value)
    elif isinstance(value, (float, np.floating)):
        attr.f = float(value)
    elif isinstance(value, (str, bytes)):
        attr.s = value.encode() if isinstance(value, str) else value
    elif isinstance(value, DType):
        attr.type = _enum(value)
    elif isinstance(value, TensorShape):
        _set_shape(attr.shape, value)
    elif isinstance(value, np.ndarray):
        _set_tensor(attr.tensor, value)
    elif isinstance(value, (list, tuple)):
        _set_list(attr.list, value)
    else:
        raise TypeError(f"cannot write attr value {value!r}")


def _set_list(lst, values):
    from ..graph.dtypes import DType
    lst.SetInParent()
    if all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in values):
        lst.i.extend(int(v) for v in values)
    elif all(isinstance(v, float) for v in values):
        lst.f.extend(values)
    elif all(isinstance(v, str) for v in values):
        lst.s.extend(v.encode() for v in values)
    elif all(isinstance(v, DType) for v in values):
        lst.type.extend(_enum(v) for v in values)
    else:
        raise TypeError(f"cannot write attr list {values!r}")


def _set_shape(proto, shape):
    proto.SetInParent()  # a scalar's shape has no dims, yet must be present
    if shape.ndims is None:
        proto.unknown_rank = True
        return
    for d in shape.as_list():
        proto.dim.add(size=-1 if d is None else d)


def _set_tensor(proto, value):
    value = np.asarray(value)
    if value.dtype.kind in "SUO":  # string tensors (the saver's names) travel as string_val
        proto.dtype = 7
        proto.string_val.extend(v.encode() if isinstance(v, str) else v for v in value.flat)
    elif value.dtype.name in _ENUM:
        proto.dtype = _ENUM[value.dtype.name]
        proto.tensor_content = np.ascontiguousarray(
            value, value.dtype.newbyteorder("<")).tobytes()
    else:
        raise TypeError(f"cannot write a constant of dtype {value.dtype}")
    for d in value.shape:
        proto.tensor_shape.dim.add(size=d)


def _const(graph_def, name, value, record=None):
    node = graph_def.node.add(name=name, op="Const")
    _set_tensor(node.attr["value"].tensor, value)
    node.attr["dtype"].type = node.attr["value"].tensor.dtype
    if record is not None:
        node.attr[RECORD].s = record
    return name


def _input_name(t):
    return t.name[:-2] if t.name.endswith(":0") else t.name


def _write_source(node, op):
    """Const, Placeholder and VariableV2 nodes, whose attrs TF spells differently."""
    node.op = op.type
    dtype = op.outputs[0].dtype
    node.attr["dtype"].type = _enum(dtype)
    if op.type == "Const":
        _set_tensor(node.attr["value"].tensor,
                    np.asarray(op.attrs["value"]).astype(dtype.as_numpy_dtype, copy=False))
        return
    _set_shape(node.attr["shape"].shape, op.outputs[0].shape if op.type == "Placeholder"
               else op.attrs["shape"])
    if op.type == "VariableV2":
        node.attr["container"].s = b""
        node.attr["shared_name"].s = b""


def _write_computation(graph_def, node, op, taken):
    inputs = [_input_name(t) for t in op.inputs]

    def add(suffix, op_type, helper_inputs, attrs):
        name = f"{op.name}/{suffix}"
        count = 0
        while name in taken:
            count += 1
            name = f"{op.name}/{suffix}_{count}"
        taken.add(name)
        if op_type == "Const":
            return _const(graph_def, name, attrs["value"], _HELPER)
        helper = graph_def.node.add(name=name, op=op_type, input=helper_inputs,
                                    device=node.device)
        for key, value in attrs.items():
            _set_attr(helper.attr[key], value)
        helper.attr[RECORD].s = _HELPER
        return name

    form = None
    if op.type in LOWERINGS:
        node.op, tf_inputs, attrs = LOWERINGS[op.type](op, inputs, add)
    else:
        try:
            form = tf_form(op)
        except (KeyError, TypeError, ValueError):  # attrs TF's op cannot express
            form = None
        node.op, tf_inputs, attrs = (op.type, inputs, {}) if form is None else \
            (form[0], inputs, form[2])
    try:
        for key, value in attrs.items():
            _set_attr(node.attr[key], value)
    except TypeError:  # an attr value TF cannot hold: the node stays graphgrad's own
        node.attr.clear()
        node.op, tf_inputs, form = op.type, inputs, None
    extra = [add(suffix, "Const", [], {"value": value})
             for suffix, value in (form[1] if form else {}).items()]
    # TF's Split takes the axis first; every other op takes its constant inputs last.
    node.input.extend(extra + tf_inputs if node.op == "Split" else tf_inputs + extra)


def _is_read(t):
    """A variable's value: the variable itself or an Identity of it (its `read` op)."""
    op = t.op
    return op.type == "VariableV2" or (op.type == "Identity" and op.inputs[0].op.type ==
                                       "VariableV2")


def _read_orderings(graph):
    """{update op: readers of its variables to run first}, for TF.

    TF's reads of a ref variable alias its buffer, so an update (ApplyAdam, AssignAdd, ...) may
    change a value another op has yet to read; TF1's gradients pair reads and updates through
    tuple() control dependencies. graphgrad's plans order them itself, so its graphs lack those:
    each update gets a control input on every reader of its variables that needs nothing the
    update does not already need (so running it feeds nothing new)."""
    # An initializer runs before its variable has a value to read.
    initializers = {v.initializer for key in graph.get_all_collection_keys()
                    for v in graph.get_collection(key) if hasattr(v, "initializer")}
    readers = {}
    for op in graph.get_operations():
        if op.type == "VariableV2" or (op.outputs and _is_read(op.outputs[0])):
            continue
        for i, t in enumerate(op.inputs):
            if i not in op.opdef.ref_inputs and _is_read(t):
                var = t.op if t.op.type == "VariableV2" else t.op.inputs[0].op
                readers.setdefault(var, set()).add(op)
    out = {}
    for op in graph.get_operations():
        refs = [op.inputs[i].op for i in op.opdef.ref_inputs if i < len(op.inputs)]
        if not op.opdef.writes or op in initializers or not refs:
            continue
        before = _ancestors(op)
        extra = [r for var in refs for r in readers.get(var, ()) if r is not op
                 and r not in before and all(t.op in before or _is_read(t) or
                                            t.op.type == "Const" for t in r.inputs)
                 and all(c in before for c in r.control_inputs)]
        if extra:
            out[op] = sorted({r.name for r in extra})
    return out


def _ancestors(op):
    seen, stack = set(), [op]
    while stack:
        current = stack.pop()
        for dep in [t.op for t in current.inputs] + list(current.control_inputs):
            if dep not in seen:
                seen.add(dep)
                stack.append(dep)
    return seen


def graph_to_graph_def(graph, clear_devices=False):
    """Every op of `graph` as a TF GraphDef, each node carrying graphgrad's record of it.
    ValueError for ops a file cannot carry (py_func)."""
    from ..graph import serialize
    from .protos import GraphDef
    graph_def = GraphDef()
    taken = {op.name for op in graph.get_operations()}
    orderings = _read_orderings(graph)
    for op in serialize.topological(graph.get_operations()):
        record = serialize.node_dict(op)
        del record["name"], record["device"]
        node = graph_def.node.add(name=op.name, device="" if clear_devices else op.device or "")
        if op.type in ("Const", "Placeholder", "VariableV2"):
            _write_source(node, op)
            record["attr"].pop("value", None)  # the TF tensor holds it
        else:
            _write_computation(graph_def, node, op, taken)
        node.input.extend("^" + c.name for c in op.control_inputs)
        node.input.extend("^" + name for name in orderings.get(op, ()))
        node.attr[RECORD].s = json.dumps(record, separators=(",", ":")).encode()
    graph_def.versions.producer = 27
    return graph_def


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
    store = sess._state.host_variables
    for op in graph.get_operations():
        if op.name not in needed:
            continue
        if op.type == "VariableV2":
            _const(graph_def, op.name, np.asarray(store[op.name]))
            continue
        node = graph_def.node.add(name=op.name, device=op.device or "")
        if op.type in ("Const", "Placeholder"):
            _write_source(node, op)
            continue
        node.op, extra, attrs = node_attrs(op)
        node.input.extend(_input_name(t) for t in op.inputs)
        for suffix, value in extra.items():
            node.input.append(_const(graph_def, f"{op.name}/{suffix}", value))
        node.input.extend("^" + c.name for c in op.control_inputs)
        for key, value in attrs.items():
            _set_attr(node.attr[key], value)
    graph_def.versions.producer = 27
    return graph_def


def serialize_graph_def(message, as_text):
    """The bytes of a GraphDef or MetaGraphDef file: text format or binary."""
    from google.protobuf import text_format
    return text_format.MessageToString(message).encode() if as_text \
        else message.SerializeToString()


def write_graph_def(graph_def, logdir, name, as_text=True):
    """Writes a GraphDef message as TF's `tf.train.write_graph` does; returns the path."""
    os.makedirs(logdir, exist_ok=True)
    path = os.path.join(logdir, name)
    from ..train.checkpoint_io import atomic_write
    atomic_write(path, serialize_graph_def(graph_def, as_text))
    return path
