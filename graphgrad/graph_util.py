"""`tf.graph_util`: GraphDef surgery for deployment (freezing variables into constants, pruning to
the nodes some outputs need, splicing out training-only nodes). Works on TensorFlow GraphDef
messages (`Graph.as_graph_def()`, `tf.GraphDef`), so it needs the protobuf package.
"""
import json

from .interop import load_protos

__all__ = ["convert_variables_to_constants", "extract_sub_graph", "remove_training_nodes"]

_VARIABLE_OPS = ("VariableV2", "Variable")


def _node_name(name):
    """The node an input string names ("^a", "a:1" and "a" all name node "a")."""
    return name.lstrip("^").partition(":")[0]


def _copy(graph_def, nodes):
    """A GraphDef holding `nodes` (in order), with the versions and library of `graph_def`."""
    out = load_protos().GraphDef()
    out.versions.CopyFrom(graph_def.versions)
    out.library.CopyFrom(graph_def.library)
    out.node.extend(nodes)
    return out


def extract_sub_graph(graph_def, dest_nodes):
    """The GraphDef of the nodes `dest_nodes` (a list of node names) need, through inputs and
    control inputs, in their original order (TF1 `tf.graph_util.extract_sub_graph`)."""
    if not (hasattr(graph_def, "node") and hasattr(graph_def, "SerializeToString")):
        raise TypeError("graph_def must be a graph_pb2.GraphDef proto.")
    if isinstance(dest_nodes, str):
        raise TypeError("dest_nodes must be a list.")
    by_name = {n.name: n for n in graph_def.node}
    keep, stack = set(), []
    for dest in dest_nodes:
        if _node_name(dest) not in by_name:
            raise AssertionError(f"{dest} is not in graph")
        stack.append(_node_name(dest))
    while stack:
        name = stack.pop()
        if name in keep:
            continue
        keep.add(name)
        stack.extend(_node_name(i) for i in by_name[name].input if _node_name(i) in by_name)
    return _copy(graph_def, [n for n in graph_def.node if n.name in keep])


def convert_variables_to_constants(sess, input_graph_def, output_node_names,
                                   variable_names_whitelist=None,
                                   variable_names_blacklist=None):
    """`input_graph_def` cut down to what `output_node_names` need, each variable replaced by a
    Const holding its current value in `sess` (TF1
    `tf.graph_util.convert_variables_to_constants`); the whitelist and blacklist name the
    variables to convert or to keep as variables."""
    from .interop.graphdef_export import _const
    sub = extract_sub_graph(input_graph_def, output_node_names)
    names = [n.name for n in sub.node if n.op in _VARIABLE_OPS
             and (variable_names_whitelist is None or n.name in variable_names_whitelist)
             and (variable_names_blacklist is None or n.name not in variable_names_blacklist)]
    values = dict(zip(names, sess.run([name + ":0" for name in names]))) if names else {}
    out = _copy(sub, [])
    for node in sub.node:
        if node.name in values:
            # The dtype of the node, which TF keeps (a ref dtype names its base).
            dtype = node.attr["dtype"].type
            _const(out, node.name, values[node.name])
            out.node[-1].attr["dtype"].type = dtype - 100 if dtype > 100 else dtype
        else:
            out.node.add().CopyFrom(node)
    return out


def remove_training_nodes(input_graph, protected_nodes=None):
    """`input_graph` without CheckNumerics nodes and with the Identity nodes that take part in
    no control edge spliced out, their consumers reading their inputs (TF1
    `tf.graph_util.remove_training_nodes`); nodes in `protected_nodes` stay."""
    protected = set(protected_nodes or ())
    nodes = list(input_graph.node)
    control_targets = {_node_name(i) for n in nodes for i in n.input if i.startswith("^")}
    splice = {}
    for n in nodes:
        has_control = any(i.startswith("^") for i in n.input)
        if n.name in protected or n.name in control_targets or has_control or not n.input:
            continue
        if n.op == "CheckNumerics" or n.op == "Identity":
            splice[n.name] = n.input[0]
    out = _copy(input_graph, [])
    for n in nodes:
        if n.name in splice:
            continue
        node = out.node.add()
        node.CopyFrom(n)
        _rewire(node, splice)
    return out


def _rewire(node, splice):
    """Points `node`'s inputs at what the spliced nodes read, in TF's input list and in
    graphgrad's own record of the node (graphdef_export.RECORD), which import reads."""
    def source(name):
        seen = set()
        while _node_name(name) in splice and not name.startswith("^") and name not in seen:
            seen.add(name)
            base, _, index = name.partition(":")
            if index not in ("", "0"):
                break
            name = splice[base]
        return name

    inputs = [source(i) for i in node.input]
    del node.input[:]
    node.input.extend(inputs)
    if "_graphgrad" in node.attr:
        record = json.loads(node.attr["_graphgrad"].s)
        if "input" in record:
            record["input"] = [_tensor_name(source(i)) for i in record["input"]]
            node.attr["_graphgrad"].s = json.dumps(record, separators=(",", ":")).encode()


def _tensor_name(name):
    """graphgrad's records name tensors "op:index" and control inputs "^op"."""
    return name if name.startswith("^") or ":" in name else name + ":0"
