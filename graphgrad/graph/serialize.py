"""A graph as JSON and back: nodes (type, name, inputs, control inputs, attrs, output dtypes and
shapes, creation site), the graph seed and collections. Ops are rebuilt through the registry.

Attr values are JSON with tags for what JSON lacks (arrays, DTypes, TensorShapes, tuples, slices,
None/Ellipsis, non-finite floats). Collection items of other Python types (Variables) go through
codecs registered with `register_collection_codec` by the layer that owns the type.
"""
import base64
import heapq
import math

import numpy as np

from . import dtypes as _dtypes
from .graph import get_default_graph
from .registry import get_opdef, make_op
from .shapes import TensorShape
from .tensor import Tensor

FORMAT = "graphgrad.MetaGraph"
VERSION = 1
_TAG = "__kind__"
# (Python class, kind, to_json(value) -> dict, from_json(dict, graph, import_scope) -> value)
_CODECS = []


def register_collection_codec(cls, kind, to_json, from_json):
    """Lets collections hold `cls` items across export/import (TF's register_proto_function)."""
    _CODECS.append((cls, kind, to_json, from_json))


# --- attr values ---
def encode_value(v):
    """`v` as JSON-compatible data; TypeError for values a file cannot carry (functions)."""
    if v is None or isinstance(v, (bool, str)) or type(v) is int:
        return v
    if type(v) is float:
        return v if math.isfinite(v) else {_TAG: "float", "value": repr(v)}
    if isinstance(v, list):
        return [encode_value(x) for x in v]
    if isinstance(v, tuple):
        return {_TAG: "tuple", "items": [encode_value(x) for x in v]}
    if isinstance(v, dict):
        return {_TAG: "dict", "items": [[encode_value(k), encode_value(x)] for k, x in v.items()]}
    if isinstance(v, _dtypes.DType):
        return {_TAG: "dtype", "name": v.name}
    if isinstance(v, TensorShape):
        return {_TAG: "shape", "dims": v.as_list() if v.ndims is not None else None}
    if isinstance(v, (np.ndarray, np.generic)):
        arr = np.asarray(v)
        _dtypes.as_dtype(arr.dtype)  # TypeError for object and string arrays
        raw = np.ascontiguousarray(arr, dtype=arr.dtype.newbyteorder("<")).tobytes()
        return {_TAG: "ndarray" if isinstance(v, np.ndarray) else "npscalar",
                "dtype": arr.dtype.name, "shape": list(arr.shape),
                "data": base64.b64encode(raw).decode("ascii")}
    if isinstance(v, slice):
        return {_TAG: "slice", "items": [encode_value(v.start), encode_value(v.stop),
                                         encode_value(v.step)]}
    if v is Ellipsis:
        return {_TAG: "ellipsis"}
    if isinstance(v, bytes):
        return {_TAG: "bytes", "data": base64.b64encode(v).decode("ascii")}
    raise TypeError(f"a {type(v).__name__} value cannot be written to a graph file")


def decode_value(d):
    """The inverse of `encode_value`."""
    if isinstance(d, list):
        return [decode_value(x) for x in d]
    if not isinstance(d, dict):
        return d
    kind = d.get(_TAG)
    if kind == "float":
        return float(d["value"])
    if kind == "tuple":
        return tuple(decode_value(x) for x in d["items"])
    if kind == "dict":
        return {decode_value(k): decode_value(x) for k, x in d["items"]}
    if kind == "dtype":
        return _dtypes.as_dtype(d["name"])
    if kind == "shape":
        return TensorShape(d["dims"])
    if kind in ("ndarray", "npscalar"):
        dtype = _dtypes.as_dtype(d["dtype"]).np
        raw = base64.b64decode(d["data"])
        arr = np.frombuffer(raw, dtype=dtype.newbyteorder("<")).astype(dtype).reshape(d["shape"])
        if kind == "npscalar":
            return arr[()]
        arr.flags.writeable = False
        return arr
    if kind == "slice":
        return slice(*[decode_value(x) for x in d["items"]])
    if kind == "ellipsis":
        return Ellipsis
    if kind == "bytes":
        return base64.b64decode(d["data"])
    raise ValueError(f"unknown value kind {kind!r} in graph file")


# --- nodes ---
def _topological(ops):
    """Ops with every input and control input before its consumers (creation order on ties)."""
    pending, consumers = {}, {}
    for op in ops:
        deps = {t.op for t in op.inputs} | set(op.control_inputs)
        pending[op] = len(deps)
        for d in deps:
            consumers.setdefault(d, []).append(op)
    ready = [(op._id, op) for op, n in pending.items() if n == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        _, op = heapq.heappop(ready)
        order.append(op)
        for c in consumers.get(op, ()):
            pending[c] -= 1
            if pending[c] == 0:
                heapq.heappush(ready, (c._id, c))
    return order


def _node(op):
    attrs = {}
    for key, value in op.attrs.items():
        try:
            attrs[key] = encode_value(value)
        except TypeError as e:
            from ..errors import describe_op
            what = "wraps a Python function (py_func), which" if op.type.startswith("PyFunc") \
                or op.type == "EagerPyFunc" else f"has attr '{key}' that"
            raise ValueError(f"Cannot export op {describe_op(op)}: it {what} a graph file cannot "
                             f"carry ({e}). Export a graph without it, or rebuild that part in "
                             "code after import_meta_graph.") from None
    return {"name": op.name, "op": op.type, "attr": attrs,
            "input": [t.name for t in op.inputs] + ["^" + c.name for c in op.control_inputs],
            "device": op.device, "location": list(op.location) if op.location else None,
            "output": [{"dtype": t.dtype.name, "shape": encode_value(t.shape)}
                       for t in op.outputs]}


node_dict = _node  # one op as a node dict (the interop writers reuse it)
topological = _topological


def graph_to_dict(graph=None):
    """The graph's nodes, in an order that can be rebuilt, and its seed."""
    graph = graph or get_default_graph()
    return {"node": [_node(op) for op in _topological(graph.get_operations())],
            "seed": graph.seed}


def _mark_used(graph, name):
    parts = name.split("/")
    for i in range(1, len(parts) + 1):
        key = "/".join(parts[:i]).lower()
        graph._names_in_use[key] = max(graph._names_in_use.get(key, 0), 1)


def _rebuild(graph, node, scope, lookup):
    name = scope + node["name"]
    if name in graph._ops_by_name:
        raise ValueError(f"Cannot import node '{name}': the graph already has an op of that name. "
                         "Import into a fresh graph or pass import_scope.")
    try:
        opdef = get_opdef(node["op"])
    except KeyError:
        raise ValueError(f"Cannot import node '{name}': op type '{node['op']}' is not registered "
                         "in graphgrad.") from None
    attrs = {k: decode_value(v) for k, v in node.get("attr", {}).items()}
    inputs = [lookup(n) for n in node["input"] if not n.startswith("^")]
    with graph.control_dependencies(None), graph.name_scope(None):
        make_op(opdef, inputs, attrs, name + "/")
    op = graph._ops_by_name[name]
    _mark_used(graph, name)
    for c in node["input"]:
        if c.startswith("^"):
            op._add_control_input(lookup(c))
    for t, out in zip(op.outputs, node.get("output", ())):
        if t.dtype.name != out["dtype"]:
            raise ValueError(f"Imported node '{name}' ({node['op']}) gives {t.dtype.name}, but "
                             f"the file says {out['dtype']}.")
        t.set_shape(decode_value(out["shape"]))
    op.device = node.get("device") or ""
    if node.get("location"):
        op.location = tuple(node["location"])
    return op


def import_graph_dict(graph_dict, graph=None, import_scope=None, input_map=None):
    """Adds the nodes of `graph_dict` to `graph`; returns {original name: Operation}."""
    graph = graph or get_default_graph()
    scope = import_scope.rstrip("/") + "/" if import_scope else ""
    input_map = {k: v for k, v in (input_map or {}).items()}
    ops = {}

    def lookup(name):
        """'x:1' and 'x' (TF's 'x:0') are tensors, '^x' is the op x."""
        control = name.startswith("^")
        key = name if control or ":" in name else name + ":0"
        if key in input_map:
            return input_map[key]
        op_name, _, index = name.lstrip("^").partition(":")
        if op_name not in ops:
            raise ValueError(f"graph file refers to '{name}' before defining it")
        return ops[op_name] if control else ops[op_name].outputs[int(index or 0)]

    with graph.as_default():
        for node in graph_dict["node"]:
            ops[node["name"]] = _rebuild(graph, node, scope, lookup)
    if graph_dict.get("seed") is not None and graph.seed is None:
        graph.seed = graph_dict["seed"]
    return ops


# --- collections ---
def collection_to_list(items, key):
    """The items of collection `key` as JSON data, or None if some item has no codec."""
    out = []
    for item in items:
        if isinstance(item, Tensor):
            out.append({_TAG: "tensor", "name": item.name})
        elif hasattr(item, "outputs") and hasattr(item, "opdef"):
            out.append({_TAG: "operation", "name": item.name})
        else:
            codec = next((c for c in _CODECS if isinstance(item, c[0])), None)
            if codec is not None:
                out.append({_TAG: "codec", "kind": codec[1], "value": codec[2](item)})
                continue
            try:
                out.append({_TAG: "value", "value": encode_value(item)})
            except TypeError:
                return None
    return out


def list_to_collection(data, graph, ops, import_scope, cache):
    """The collection items of `data`; `ops` maps original names to imported ops; `cache` keeps
    one Python object per imported item across collections (a variable sits in several)."""
    out = []
    for d in data:
        kind = d[_TAG]
        if kind == "tensor":
            op_name, _, index = d["name"].rpartition(":")
            out.append(ops[op_name].outputs[int(index)])
        elif kind == "operation":
            out.append(ops[d["name"]])
        elif kind == "codec":
            codec = next((c for c in _CODECS if c[1] == d["kind"]), None)
            if codec is None:
                raise ValueError(f"no codec registered for collection items of kind {d['kind']}")
            key = (d["kind"], repr(d["value"]))
            if key not in cache:
                cache[key] = codec[3](d["value"], ops, import_scope)
            out.append(cache[key])
        else:
            out.append(decode_value(d["value"]))
    return out
