"""TensorFlow MetaGraphDefs (`.meta` files, binary or text) to and from graphgrad graphs: the graph,
the collections (node lists, VariableDefs, values) and the saver's checkpoint naming.

graphgrad's Saver works outside the graph, so TF's save/restore subgraph is dropped on import and
its SaveV2 node only tells which checkpoint key holds which variable; on export graphgrad writes
such a subgraph (SaveV2/RestoreV2 under `save/`) so TensorFlow's import_meta_graph gets a Saver.
Needs the `protobuf` package.
"""
import json
import warnings

import numpy as np

from ..graph.graph import GraphKeys
from ..graph.tensor import Tensor
from . import graphdef, graphdef_export

# Collections whose bytes_list items are VariableDef protos (TF registers these keys).
VARIABLE_KEYS = {GraphKeys.GLOBAL_VARIABLES, GraphKeys.TRAINABLE_VARIABLES, "local_variables",
                 "model_variables", "moving_average_variables", "global_step",
                 "metric_variables"}
# Other collection items graphgrad writes as bytes with this prefix and a JSON payload.
_VALUE_PREFIX = b"graphgrad:"
_GRAPH_INFO = "type.googleapis.com/graphgrad.GraphInfo"  # meta_info_def.any_info: the seed
_SAVE_OPS = {"SaveV2", "RestoreV2", "Save", "SaveSlices", "Restore", "RestoreSlice",
             "MergeV2Checkpoints", "ShardedFilename", "ShardedFilespec"}


def parse_meta_graph(data, filename="<bytes>"):
    """The MetaGraphDef in the bytes of a binary or text `.meta` file; ValueError naming the file
    when it is not one, or is truncated or corrupted."""
    from .protos import MetaGraphDef
    try:
        meta = graphdef.parse_message(data, MetaGraphDef, "MetaGraphDef")
    except ValueError as e:
        raise ValueError(f"Cannot read meta graph '{filename}': {e}. The file is truncated, "
                         "corrupted or not a MetaGraphDef.") from None
    problem = _dangling(meta) if meta.graph_def.node else "it holds no graph nodes"
    if problem:
        raise ValueError(f"Cannot read meta graph '{filename}': {problem}. The file is "
                         "truncated, corrupted or not a MetaGraphDef.")
    return meta


def _dangling(meta):
    """Why the meta graph refers to nodes it lacks, or None."""
    names = {n.name for n in meta.graph_def.node}
    for node in meta.graph_def.node:
        for name in node.input:
            if name.lstrip("^").partition(":")[0] not in names:
                return f"node '{node.name}' takes input '{name}', which is not in the graph"
    for key, col in meta.collection_def.items():
        if col.WhichOneof("kind") == "node_list":
            for name in col.node_list.value:
                if name.partition(":")[0] not in names:
                    return f"collection '{key}' names '{name}', which is not in the graph"
    return None


# --- import ---
def _saver_nodes(meta):
    """Names of the TF saver's nodes (and of every node that depends on them)."""
    nodes = meta.graph_def.node
    scopes = set()
    if meta.HasField("saver_def") and "/" in meta.saver_def.filename_tensor_name:
        scopes.add(meta.saver_def.filename_tensor_name.rpartition("/")[0] + "/")
    scopes.update(n.name.rpartition("/")[0] + "/" for n in nodes
                  if n.op in _SAVE_OPS and "/" in n.name)
    dropped = {n.name for n in nodes if n.op in _SAVE_OPS
               or any(n.name.startswith(s) for s in scopes)}
    changed = True
    while changed:
        changed = False
        for n in nodes:
            if n.name not in dropped and any(
                    i.lstrip("^").partition(":")[0] in dropped for i in n.input):
                dropped.add(n.name)
                changed = True
    return dropped


def _checkpoint_names(meta, dropped):
    """{checkpoint key: variable op name} from the saver's SaveV2 node, or None."""
    by_name = {n.name: n for n in meta.graph_def.node}
    scope = meta.saver_def.filename_tensor_name.rpartition("/")[0] + "/" \
        if meta.HasField("saver_def") else None
    for node in meta.graph_def.node:
        if node.op != "SaveV2" or (scope and not node.name.startswith(scope)):
            continue
        source = by_name.get(node.input[1].partition(":")[0])
        if source is None or source.op != "Const":
            return None
        keys = [s.decode("utf-8") for s in source.attr["value"].tensor.string_val]
        variables = [i.partition(":")[0] for i in node.input[3:] if not i.startswith("^")]
        if len(keys) != len(variables):
            return None
        return dict(zip(keys, variables))
    return None


def _variable(fields, ops, cache):
    """One graphgrad Variable per imported variable op, wrapping its ops (no new ops)."""
    from ..train.checkpoint_meta import _variable_from_json
    name = fields["variable"]
    if name not in cache:
        cache[name] = _variable_from_json(fields, ops, None)
    elif fields.get("trainable"):
        cache[name].trainable = True
    return cache[name]


def _variable_fields(proto_bytes, key):
    from .protos import VariableDef
    vd = VariableDef.FromString(proto_bytes)
    if vd.is_resource:
        raise ValueError(f"collection '{key}' holds resource variable "
                         f"'{vd.variable_name}'; graphgrad imports only reference variables "
                         "(tf.Variable in TF1 graph mode).")
    return {"variable": vd.variable_name.partition(":")[0], "initializer": vd.initializer_name,
            "snapshot": vd.snapshot_name, "initial_value": vd.initial_value_name,
            "trainable": vd.trainable or key == GraphKeys.TRAINABLE_VARIABLES}


def _present(fields, ops):
    names = [fields["variable"], fields["initializer"], fields["snapshot"]]
    return all(n.rpartition(":")[0] in ops if ":" in n else n in ops
               for n in names + [fields["initial_value"]] * bool(fields["initial_value"]))


def _element(name, ops):
    """The imported op ('name') or tensor ('name:1') of a node name, or None if left out."""
    op_name, _, index = name.partition(":")
    if op_name not in ops:
        return None
    return ops[op_name].outputs[int(index)] if index else ops[op_name]


def _collection_items(key, col, ops, cache):
    """The Python items of one CollectionDef; items naming dropped nodes are left out."""
    from ..graph import serialize
    kind = col.WhichOneof("kind")
    if kind == "node_list":
        items = [_element(name, ops) for name in col.node_list.value]
        return [item for item in items if item is not None]
    if kind in ("int64_list", "float_list"):
        return list(getattr(col, kind).value)
    if kind != "bytes_list":
        warnings.warn(f"Collection '{key}' holds {kind} items graphgrad cannot import; "
                      "skipped.", stacklevel=4)
        return []
    items = []
    for raw in col.bytes_list.value:
        if raw.startswith(_VALUE_PREFIX):
            d = json.loads(raw[len(_VALUE_PREFIX):].decode("utf-8"))
            if "variable" in d:
                items.append(_variable(d["variable"], ops, cache))
            elif "tensor" in d or "operation" in d:
                element = _element(d.get("tensor") or d["operation"], ops)
                items.extend([] if element is None else [element])
            else:
                items.append(serialize.decode_value(d["value"]))
        elif key in VARIABLE_KEYS:
            fields = _variable_fields(raw, key)
            if _present(fields, ops):
                items.append(_variable(fields, ops, cache))
        else:
            items.append(raw)
    return items


def import_meta_graph_def(meta, graph, import_scope=None, input_map=None, clear_devices=False):
    """Adds the graph of MetaGraphDef `meta` (without its TF saver subgraph) and its collections
    to `graph`; returns {checkpoint key: Variable} for the Saver over its variables."""
    from ..graph import serialize
    from ..ops.variables import Variable
    dropped = _saver_nodes(meta)
    graph_dict = graphdef.to_graph_dict(meta.graph_def, skip=dropped)
    input_map = {(k if ":" in k or k.startswith("^") else k + ":0"): v
                 for k, v in (input_map or {}).items()}
    ops = serialize.import_graph_dict(graph_dict, graph, import_scope, input_map)
    if clear_devices:
        for op in ops.values():
            op.device = ""
    info = meta.meta_info_def.any_info
    if info.type_url == _GRAPH_INFO and graph.seed is None:
        graph.seed = json.loads(info.value.decode("utf-8")).get("seed")
    cache = {}
    # Variable collections first, so every Variable object knows whether it is trainable.
    keys = sorted(meta.collection_def, key=lambda k: (k not in VARIABLE_KEYS, k))
    for key in keys:
        for item in _collection_items(key, meta.collection_def[key], ops, cache):
            graph.add_to_collection(key, item)
    variables = {name: v for name, v in cache.items() if isinstance(v, Variable)}
    names = _checkpoint_names(meta, dropped) or {name: name for name in variables}
    # Keys are the names in the file: a scoped import restores the checkpoint it was saved to.
    return {key: variables[op_name] for key, op_name in names.items() if op_name in variables}


# --- export ---
def _variable_def(var):
    from .protos import VariableDef
    return VariableDef(variable_name=var.name, initializer_name=var.initializer.name,
                       snapshot_name=var._snapshot.name,
                       initial_value_name=var._initial_value.name,
                       trainable=var.trainable).SerializeToString()


def _item_json(item):
    from ..graph import serialize
    from ..ops.variables import Variable
    from ..train.checkpoint_meta import _variable_to_json
    if isinstance(item, Variable):
        return {"variable": _variable_to_json(item)}
    if isinstance(item, Tensor):
        return {"tensor": item.name}
    if hasattr(item, "outputs") and hasattr(item, "opdef"):
        return {"operation": item.name}
    return {"value": serialize.encode_value(item)}


def _add_collection(meta, key, items):
    """Writes collection `key` as TF's kinds where they carry the items exactly; returns False
    (nothing written) when some item cannot be written."""
    from ..ops.variables import Variable
    col = meta.collection_def[key]
    if items and all(isinstance(i, Tensor) or hasattr(i, "opdef") for i in items):
        col.node_list.value.extend(i.name for i in items)
    elif items and key in VARIABLE_KEYS and all(isinstance(i, Variable) for i in items):
        col.bytes_list.value.extend(_variable_def(i) for i in items)
    elif items and all(type(i) is int and -2**63 <= i < 2**63 for i in items):
        col.int64_list.value.extend(items)
    elif items and all(type(i) is float and float(np.float32(i)) == i for i in items):
        col.float_list.value.extend(items)
    elif items and all(type(i) is bytes for i in items):
        col.bytes_list.value.extend(items)
    else:
        try:
            values = [_VALUE_PREFIX + json.dumps(_item_json(i)).encode() for i in items]
        except TypeError:
            del meta.collection_def[key]
            return False
        col.bytes_list.value.extend(values)
    return True


def _fresh_scope(taken, base="save"):
    scope, count = base, 0
    while any(n == scope or n.startswith(scope + "/") for n in taken):
        count += 1
        scope = f"{base}_{count}"
    return scope


def _add_saver(meta, saver, max_to_keep, keep_hours):
    """Writes TF's save/restore subgraph for `saver`'s {checkpoint key: variable} and its
    SaverDef, so TensorFlow's import_meta_graph builds a working Saver from the file."""
    gd = meta.graph_def
    scope = _fresh_scope({n.name for n in gd.node})
    named = sorted(saver._vars.items())

    def node(name, op, inputs, **attrs):
        n = gd.node.add(name=f"{scope}/{name}", op=op, input=inputs)
        for key, value in attrs.items():
            if isinstance(value, str) and value == "string":
                n.attr[key].type = 7  # DT_STRING: graphgrad has no string DType
            else:
                graphdef_export._set_attr(n.attr[key], value)
        return n.name

    graphdef_export._const(gd, f"{scope}/filename/input", np.asarray("model"))
    node("filename", "PlaceholderWithDefault", [f"{scope}/filename/input"], dtype="string")
    gd.node[-1].attr["shape"].shape.SetInParent()
    prefix = node("Const", "PlaceholderWithDefault", [f"{scope}/filename"], dtype="string")
    gd.node[-1].attr["shape"].shape.SetInParent()
    dtypes = [v.dtype for _, v in named]
    for kind in ("SaveV2", "RestoreV2"):
        graphdef_export._const(gd, f"{scope}/{kind}/tensor_names",
                               np.array([k for k, _ in named]))
        graphdef_export._const(gd, f"{scope}/{kind}/shape_and_slices",
                               np.array([""] * len(named)))
    save = node("SaveV2", "SaveV2", [prefix, f"{scope}/SaveV2/tensor_names",
                                     f"{scope}/SaveV2/shape_and_slices"]
                + [v.op.name for _, v in named], dtypes=dtypes)
    node("control_dependency", "Identity", [prefix, "^" + save], T="string")
    restore = node("RestoreV2", "RestoreV2", [prefix, f"{scope}/RestoreV2/tensor_names",
                                              f"{scope}/RestoreV2/shape_and_slices"],
                   dtypes=dtypes)
    assigns = []
    for i, (_, var) in enumerate(named):
        source = restore + (f":{i}" if i else "")
        assigns.append("^" + node(f"Assign_{i}" if i else "Assign", "Assign",
                                  [var.op.name, source], T=var.dtype, validate_shape=True,
                                  use_locking=True))
    node("restore_all", "NoOp", assigns)
    sd = meta.saver_def
    sd.filename_tensor_name = f"{scope}/Const:0"
    sd.save_tensor_name = f"{scope}/control_dependency:0"
    sd.restore_op_name = f"{scope}/restore_all"
    sd.max_to_keep = max_to_keep
    sd.keep_checkpoint_every_n_hours = keep_hours
    sd.version = 2


def meta_graph_def(graph, collection_list=None, clear_devices=False, saver=None):
    """A MetaGraphDef of `graph`: its GraphDef (graphdef_export.graph_to_graph_def), its
    collections and, with a `saver`, TF's saver subgraph and SaverDef."""
    from .protos import MetaGraphDef
    meta = MetaGraphDef()
    meta.meta_info_def.meta_graph_version = "graphgrad"
    meta.meta_info_def.stripped_op_list.SetInParent()
    if graph.seed is not None:
        meta.meta_info_def.any_info.type_url = _GRAPH_INFO
        meta.meta_info_def.any_info.value = json.dumps({"seed": graph.seed}).encode()
    meta.graph_def.CopyFrom(graphdef_export.graph_to_graph_def(graph, clear_devices))
    keys = graph.get_all_collection_keys() if collection_list is None else collection_list
    for key in keys:
        if not _add_collection(meta, key, graph.get_collection(key)):
            warnings.warn(f"Collection '{key}' holds items that cannot be exported; skipped.",
                          stacklevel=4)
    if saver is not None and saver._vars:
        _add_saver(meta, saver, saver._max_to_keep, saver._keep_every / 3600.0)
    return meta
