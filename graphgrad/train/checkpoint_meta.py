"""Meta graphs: `export_meta_graph`, `import_meta_graph`, `write_graph`, `import_graph_def`, and
the codec that carries Variables through collections. Files are TensorFlow's MetaGraphDef and
GraphDef protobufs (interop/metagraph.py, interop/graphdef_export.py); graphgrad's earlier
versioned-JSON meta graphs are still read.

Differs from TF: writing needs the `protobuf` package; without it `.meta` files are written as
graphgrad's JSON meta graph (with a warning), which TensorFlow cannot read.
"""
import json
import os
import warnings

from ..graph import serialize
from ..graph.graph import get_default_graph
from ..ops.variables import Variable
from . import checkpoint_io as io


def _variable_to_json(var):
    return {"variable": var.op.name, "initializer": var.initializer.name,
            "snapshot": var._snapshot.name, "initial_value": var._initial_value.name,
            "trainable": var.trainable}


def _variable_from_json(d, ops, import_scope):
    """A Variable wrapping the imported ops (no new ops), as TF's Variable(variable_def=...)."""
    def tensor(name):
        op_name, _, index = name.rpartition(":")
        return ops[op_name].outputs[int(index)]
    var = Variable.__new__(Variable)
    var.trainable = d["trainable"]
    var.constraint = None
    var._variable = ops[d["variable"]].outputs[0]
    var._initializer_op = ops[d["initializer"]]
    var._snapshot = tensor(d["snapshot"])
    # TF files before 1.3 name no initial value: the initializer's Assign holds it.
    var._initial_value = tensor(d["initial_value"]) if d["initial_value"] \
        else var._initializer_op.inputs[1]
    return var


serialize.register_collection_codec(Variable, "variable", _variable_to_json, _variable_from_json)


def meta_graph_dict(graph=None, collection_list=None, clear_devices=False, saver=None):
    """graphgrad's JSON meta graph (the format before TF's protobufs, still read and written
    where protobuf is missing)."""
    graph = graph or get_default_graph()
    graph_dict = serialize.graph_to_dict(graph)
    if clear_devices:
        for node in graph_dict["node"]:
            node["device"] = ""
    collections = {}
    keys = graph.get_all_collection_keys() if collection_list is None else collection_list
    for key in keys:
        data = serialize.collection_to_list(graph.get_collection(key), key)
        if data is None:
            warnings.warn(f"Collection '{key}' holds items that cannot be exported; skipped.",
                          stacklevel=3)
            continue
        collections[key] = data
    return {"format": serialize.FORMAT, "version": serialize.VERSION,
            "meta_info_def": {"producer": "graphgrad",
                              "stripped_op_list": sorted({n["op"] for n in graph_dict["node"]})},
            "graph_def": graph_dict, "collection_def": collections,
            "saver_def": None if saver is None else {"variables": saver._saved_names()}}


def _metagraph_module():
    try:
        from ..interop import metagraph
    except ImportError:
        return None
    return metagraph


def _meta_graph(graph, collection_list, clear_devices, saver):
    """A MetaGraphDef, or graphgrad's JSON meta graph dict where protobuf is missing."""
    metagraph = _metagraph_module()
    if metagraph is None:
        warnings.warn("The protobuf package is not installed: the meta graph is written as "
                      "graphgrad's JSON, which TensorFlow cannot read (pip install protobuf).",
                      stacklevel=4)
        return meta_graph_dict(graph, collection_list, clear_devices, saver)
    return metagraph.meta_graph_def(graph or get_default_graph(), collection_list,
                                    clear_devices, saver)


def _file_bytes(meta, as_text):
    if isinstance(meta, dict):
        return json.dumps(meta, indent=1 if as_text else None).encode()
    from ..interop.graphdef_export import serialize_graph_def
    return serialize_graph_def(meta, as_text)


def meta_graph_bytes(graph=None, saver=None, as_text=False, collection_list=None,
                     clear_devices=False):
    """The bytes of a `.meta` file (binary MetaGraphDef unless `as_text`)."""
    return _file_bytes(_meta_graph(graph, collection_list, clear_devices, saver), as_text)


def export_meta_graph(filename=None, meta_info_def=None, graph_def=None, saver_def=None,
                      collection_list=None, as_text=False, graph=None, export_scope=None,
                      clear_devices=False, clear_extraneous_savers=False,
                      strip_default_attrs=False, saver=None, **kwargs):
    """The graph, its collections and (with `saver`) the saver's checkpoint naming as a
    MetaGraphDef; also written to `filename` (atomically, binary unless `as_text`) when given.
    ValueError for graphs with py_func ops."""
    meta = _meta_graph(graph, collection_list, clear_devices, saver)
    if filename:
        io.write_file(filename, _file_bytes(meta, as_text), "write meta graph")
    return meta


def _is_json(data):
    return data.lstrip()[:1] == b"{"


def read_meta_graph_file(filename):
    """The MetaGraphDef (binary or text) or graphgrad JSON meta graph dict in `filename`."""
    if not os.path.exists(filename):
        raise OSError(f"File {filename} does not exist.")
    with open(filename, "rb") as f:
        data = f.read()
    if not _is_json(data):
        metagraph = _metagraph_module()
        if metagraph is None:
            raise ImportError(f"Reading the TensorFlow meta graph '{filename}' needs the "
                              "protobuf package: pip install protobuf")
        return metagraph.parse_meta_graph(data, filename)
    try:
        meta = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        meta = None
    if not isinstance(meta, dict) or meta.get("format") != serialize.FORMAT:
        raise ValueError(f"Cannot read meta graph '{filename}': it is JSON but not a graphgrad "
                         f"meta graph (format '{serialize.FORMAT}'); the file is truncated or "
                         "corrupted.")
    if meta.get("version", 0) > serialize.VERSION:
        raise ValueError(f"'{filename}' has meta graph version {meta['version']}; this graphgrad "
                         f"reads up to version {serialize.VERSION}. Upgrade graphgrad.")
    return meta


def import_meta_graph(meta_graph_or_file, clear_devices=False, import_scope=None,
                      input_map=None, **kwargs):
    """Rebuilds an exported graph (a `.meta` file written by TensorFlow or graphgrad, a
    MetaGraphDef, or a graphgrad JSON meta graph dict) and its collections in the default graph;
    returns a Saver over its variables (None if it has none), so `saver.restore(sess, prefix)`
    loads their values, from TF checkpoints too.

    Differs from TF: TF's save/restore subgraph is not imported (graphgrad's Saver works outside
    the graph); the returned Saver uses the checkpoint keys it named.
    """
    from .saver import Saver
    meta = meta_graph_or_file
    if isinstance(meta, str):
        meta = read_meta_graph_file(meta)
    graph = get_default_graph()
    if not isinstance(meta, dict):
        from ..interop.metagraph import import_meta_graph_def
        var_list = import_meta_graph_def(meta, graph, import_scope, input_map, clear_devices)
        return Saver(var_list) if var_list else None
    ops = serialize.import_graph_dict(meta["graph_def"], graph, import_scope, input_map)
    if clear_devices:
        for op in ops.values():
            op.device = ""
    cache = {}
    for key, data in meta.get("collection_def", {}).items():
        for item in serialize.list_to_collection(data, graph, ops, import_scope, cache):
            graph.add_to_collection(key, item)
    variables = {v.op.name: v for v in cache.values() if isinstance(v, Variable)}
    saver_def = meta.get("saver_def") or {}
    names = saver_def.get("variables") or {v.op.name: v.op.name for v in variables.values()}
    scope = import_scope.rstrip("/") + "/" if import_scope else ""
    var_list = {ckpt: variables[scope + op_name] for ckpt, op_name in names.items()
                if scope + op_name in variables}
    return Saver(var_list) if var_list else None


def _node_dicts_graph_def(nodes):
    """A GraphDef from `sess.graph_def`'s node dicts: their op types and inputs, the attrs TF
    can hold, and graphgrad's record of each node."""
    from ..interop import graphdef_export as gx
    from ..interop.protos import GraphDef
    graph_def = GraphDef()
    for n in nodes:
        node = graph_def.node.add(name=n["name"], op=n["op"], input=[
            i[:-2] if i.endswith(":0") else i for i in n["input"]])
        for key, value in n["attr"].items():
            try:
                gx._set_attr(node.attr[key], value)
            except TypeError:
                del node.attr[key]
        record = {"op": n["op"], "input": n["input"],
                  "attr": {k: serialize.encode_value(v) for k, v in n["attr"].items()}}
        node.attr[gx.RECORD].s = json.dumps(record).encode()
    return graph_def


def write_graph(graph_or_graph_def, logdir, name, as_text=True):
    """Writes a graph (a Graph, a GraphDef, or `sess.graph_def`) to logdir/name as a TensorFlow
    GraphDef, text (`.pbtxt`) or binary; returns the path."""
    from ..interop import graphdef_export as gx
    g = graph_or_graph_def
    if hasattr(g, "get_operations"):
        graph_def = gx.graph_to_graph_def(g)
    elif isinstance(g, (list, tuple)):
        graph_def = _node_dicts_graph_def(g)
    elif isinstance(g, dict):
        raise TypeError("write_graph takes a Graph or a GraphDef; graphgrad's JSON graph dicts "
                        "are no longer written.")
    else:
        graph_def = g
    path = os.path.join(logdir, name)
    try:
        os.makedirs(logdir, exist_ok=True)
    except OSError as e:
        raise io.os_error(e, logdir, "create directory") from None
    io.write_file(path, gx.serialize_graph_def(graph_def, as_text), "write graph")
    return path


def import_graph_def(graph_def, input_map=None, return_elements=None, name=None, op_dict=None,
                     producer_op_list=None):
    """Adds the nodes of `graph_def` (a TensorFlow GraphDef message, the bytes or path of a
    GraphDef file, or a graphgrad graph dict) to the default graph under the scope `name`
    ("import" by default); returns the ops or tensors in `return_elements`.
    """
    if not isinstance(graph_def, dict):
        from ..interop.graphdef import as_graph_dict
        graph_def = as_graph_dict(graph_def)
    scope = "import" if name is None else name
    input_map = {(k if ":" in k or k.startswith("^") else k + ":0"): v
                 for k, v in (input_map or {}).items()}
    ops = serialize.import_graph_dict(graph_def, get_default_graph(), scope, input_map)
    if return_elements is None:
        return None
    out = []
    for element in return_elements:
        op_name, _, index = element.partition(":")
        if op_name not in ops:
            raise ValueError(f"Requested return_element {element!r} not found in graph_def.")
        out.append(ops[op_name].outputs[int(index)] if index else ops[op_name])
    return out
