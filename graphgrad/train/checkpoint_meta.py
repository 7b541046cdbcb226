"""Meta graphs: `export_meta_graph`, `import_meta_graph`, `write_graph`, and the codec that carries
Variables through collections. The node and attr encoding lives in graph/serialize.py.

Differs from TF: files are versioned JSON (graphgrad.MetaGraph), not MetaGraphDef protobufs;
`as_text` only changes the indentation.
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
    var._initial_value = tensor(d["initial_value"])
    return var


serialize.register_collection_codec(Variable, "variable", _variable_to_json, _variable_from_json)


def meta_graph_dict(graph=None, collection_list=None, clear_devices=False, saver=None):
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


def meta_graph_bytes(graph=None, saver=None, as_text=False, collection_list=None,
                     clear_devices=False):
    meta = meta_graph_dict(graph, collection_list, clear_devices, saver)
    return json.dumps(meta, indent=1 if as_text else None, sort_keys=False).encode()


def export_meta_graph(filename=None, meta_info_def=None, graph_def=None, saver_def=None,
                      collection_list=None, as_text=False, graph=None, export_scope=None,
                      clear_devices=False, clear_extraneous_savers=False,
                      strip_default_attrs=False, saver=None, **kwargs):
    """The graph, its collections and variable list as a meta graph dict; also written to
    `filename` (atomically) when given. ValueError for graphs with py_func ops."""
    meta = meta_graph_dict(graph, collection_list, clear_devices, saver)
    if filename:
        io.write_file(filename, json.dumps(meta, indent=1 if as_text else None).encode(),
                      "write meta graph")
    return meta


def read_meta_graph_file(filename):
    if not os.path.exists(filename):
        raise OSError(f"File {filename} does not exist.")
    with open(filename, "rb") as f:
        data = f.read()
    try:
        meta = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        meta = None
    if not isinstance(meta, dict) or meta.get("format") != serialize.FORMAT:
        raise ValueError(f"'{filename}' is not a graphgrad meta graph (JSON with format "
                         f"'{serialize.FORMAT}'); TensorFlow's protobuf MetaGraphDefs cannot be "
                         "read yet.")
    if meta.get("version", 0) > serialize.VERSION:
        raise ValueError(f"'{filename}' has meta graph version {meta['version']}; this graphgrad "
                         f"reads up to version {serialize.VERSION}. Upgrade graphgrad.")
    return meta


def import_meta_graph(meta_graph_or_file, clear_devices=False, import_scope=None,
                      input_map=None, **kwargs):
    """Rebuilds an exported graph and its collections in the default graph; returns a Saver over
    its variables (None if it has none), so `saver.restore(sess, prefix)` loads their values."""
    from .saver import Saver
    meta = meta_graph_or_file if isinstance(meta_graph_or_file, dict) \
        else read_meta_graph_file(meta_graph_or_file)
    graph = get_default_graph()
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


def write_graph(graph_or_graph_def, logdir, name, as_text=True):
    """Writes a graph (a Graph, `sess.graph_def` or a graph dict) to logdir/name; returns the path.

    Differs from TF: JSON in the meta graph's node format, not a GraphDef protobuf.
    """
    g = graph_or_graph_def
    if hasattr(g, "get_operations"):
        graph_dict = serialize.graph_to_dict(g)
    elif isinstance(g, dict):
        graph_dict = g
    else:
        graph_dict = {"node": [dict(n, attr={k: serialize.encode_value(v)
                                             for k, v in n["attr"].items()}) for n in g]}
    path = os.path.join(logdir, name)
    try:
        os.makedirs(logdir, exist_ok=True)
    except OSError as e:
        raise io.os_error(e, logdir, "create directory") from None
    io.write_file(path, json.dumps(graph_dict, indent=1 if as_text else None).encode(),
                  "write graph")
    return path


def import_graph_def(graph_def, input_map=None, return_elements=None, name=None, op_dict=None,
                     producer_op_list=None):
    """Adds the nodes of `graph_def` (a graph dict, as `write_graph` writes, or a TensorFlow
    GraphDef from `graphgrad.interop.graphdef.read_graph_def`) to the default graph under the
    scope `name` ("import" by default); returns the ops or tensors in `return_elements`.
    """
    if not isinstance(graph_def, dict):
        # TensorFlow GraphDef messages (interop.graphdef.read_graph_def), issue #8.
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
