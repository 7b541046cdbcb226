"""Pictures of a graph: Graphviz DOT text (`to_dot`) and a self-contained HTML/SVG page
(`to_html`) whose name scopes open and close with a click; neither needs Graphviz installed.

Gradient subgraphs ('gradients/...') and variable initializers start folded into one node each.
"""
import html
import json
import re

from .. import errors
from ..graph.graph import GraphKeys, get_default_graph
from .graph_view_js import SCRIPT, STYLE

_GRADIENTS = re.compile(r"^gradients(_\d+)?$")

# Fill colours by kind of op (6-digit hex: Graphviz and SVG both read them).
COLORS = {
    "placeholder": "#fde68a", "variable": "#bfdbfe", "const": "#e5e7eb", "update": "#fecaca",
    "summary": "#e9d5ff", "check": "#fed7aa", "fold": "#d1fae5", "op": "#ffffff",
}
_CLUSTER_FILL = "#f8fafc"
_CLUSTER_LINE = "#94a3b8"
_CONTROL_EDGE = "#9ca3af"
_DATA_EDGE = "#475569"


def _kind(op):
    if op.type in ("Placeholder", "PlaceholderWithDefault"):
        return "placeholder"
    if op.type == "VariableV2":
        return "variable"
    if op.type == "Const":
        return "const"
    if op.opdef.writes:
        return "update"
    if op.type.endswith("Summary"):
        return "summary"
    if op.type in ("CheckNumerics", "Assert", "Print", "PrintV2"):
        return "check"
    return "op"


def _init_folds(graph):
    """{op: fold key} for the ops that only initialize a variable ('<var>/(init)')."""
    folds = {}
    for key in (GraphKeys.GLOBAL_VARIABLES, GraphKeys.LOCAL_VARIABLES):
        for v in graph.get_collection(key):
            var_op = getattr(v, "op", None)
            init = getattr(v, "initializer", None)
            if var_op is None or init is None:
                continue
            fold = var_op.name + "/(init)"
            folds[init] = fold
            value = getattr(v, "initial_value", None)
            if value is not None and value.op.name.startswith(var_op.name + "/"):
                folds[value.op] = fold
    return folds


def _path(op, init_folds):
    """The containers of `op`, outermost first: its name scopes, with the fold it belongs to
    (the gradient scope, or its variable's '(init)' group) marked by a '(fold)' entry."""
    parts = op.name.split("/")
    scopes = ["/".join(parts[:i]) for i in range(1, len(parts))]
    fold = None
    if scopes and _GRADIENTS.match(parts[0]):
        fold = scopes[0]
    elif op in init_folds:
        fold = init_folds[op]
    elif "Initializer" in parts[1:-1]:
        fold = "/".join(parts[:parts.index("Initializer", 1)]) + "/(init)"
    if fold is None or fold in scopes:
        return scopes, fold
    parent = fold.rsplit("/", 1)[0]
    k = scopes.index(parent) + 1 if parent in scopes else 0
    return scopes[:k] + [fold] + scopes[k:], fold


def graph_model(graph=None):
    """The graph as plain data: nodes (name, type, kind, path of containers, shape, site),
    data and control edges, and the fold groups that start collapsed."""
    graph = graph or get_default_graph()
    init_folds = _init_folds(graph)
    nodes, edges, folds = [], [], set()
    index = {}
    for op in graph.get_operations():
        path, fold = _path(op, init_folds)
        if fold:
            folds.add(fold)
        out = op.outputs[0] if op.outputs else None
        index[op] = len(nodes)
        nodes.append({
            "name": op.name, "type": op.type, "kind": _kind(op), "path": path,
            "shape": f"{out.dtype.name} {out.shape.short()}" if out is not None else "",
            "site": errors.site(op)})
    for op in graph.get_operations():
        for t in op.inputs:
            edges.append([index[t.op], index[op], False, t.shape.short()])
        for c in op.control_inputs:
            edges.append([index[c], index[op], True, ""])
    return {"nodes": nodes, "edges": edges, "folds": sorted(folds), "colors": COLORS}


def _units(model, collapsed):
    """Each node's visible unit: the outermost collapsed container holding it, else itself."""
    units = []
    for n in model["nodes"]:
        unit = next((c for c in n["path"] if c in collapsed), None)
        units.append(("group", unit) if unit else ("node", n["name"]))
    return units


def _q(text):
    """A DOT quoted string; newlines become DOT's centred line breaks."""
    text = str(text).replace("\\", "\\\\").replace('"', '\\"')
    return '"' + text.replace("\n", "\\n") + '"'


def _group_label(key, count):
    name = key[:-len("/(init)")] + " initializer" if key.endswith("/(init)") else key
    return f"{name}\n({count} ops, folded)"


def to_dot(graph=None, collapse=True):
    """Graphviz DOT text of `graph`: name scopes as clusters, gradient and initializer subgraphs
    folded into one node each unless `collapse=False`. Render with `dot -Tsvg`."""
    model = graph_model(graph)
    collapsed = set(model["folds"]) if collapse else set()
    units = _units(model, collapsed)
    counts = {}
    for u in units:
        counts[u] = counts.get(u, 0) + 1
    tree = {"nodes": [], "children": {}}
    placed = set()
    for n, u in zip(model["nodes"], units):
        if u in placed:
            continue
        placed.add(u)
        containers = n["path"]
        if u[0] == "group":
            containers = containers[:containers.index(u[1])]
        branch = tree
        for c in containers:
            branch = branch["children"].setdefault(c, {"nodes": [], "children": {}})
        branch["nodes"].append((u, n))
    lines = ["digraph graphgrad {", "  rankdir=TB;", "  compound=true;", '  fontname="Helvetica";',
             '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10];',
             '  edge [fontname="Helvetica", fontsize=8];']
    _emit_branch(tree, lines, counts, "  ")
    seen = set()
    for src, dst, control, label in model["edges"]:
        a, b = units[src], units[dst]
        if a == b or (a, b, control) in seen:
            continue
        seen.add((a, b, control))
        style = (f'style=dashed, color="{_CONTROL_EDGE}"' if control else
                 f'color="{_DATA_EDGE}", label={_q(label)}')
        lines.append(f"  {_q(_unit_id(a))} -> {_q(_unit_id(b))} [{style}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _unit_id(unit):
    return unit[1] if unit[0] == "node" else unit[1] + "/(folded)"


def _emit_branch(branch, lines, counts, indent):
    for u, n in branch["nodes"]:
        if u[0] == "group":
            label, color, shape = _group_label(u[1], counts[u]), COLORS["fold"], "box3d"
            tip = f"{u[1]}: {counts[u]} ops folded; to_dot(collapse=False) shows them"
        else:
            short = n["name"].rsplit("/", 1)[-1]
            label = short if short == n["type"] else f"{short}\n{n['type']}"
            color, shape = COLORS[n["kind"]], "box"
            tip = f"{n['name']} ({n['type']}, {n['shape'] or 'no outputs'}, created at {n['site']})"
        lines.append(f"{indent}{_q(_unit_id(u))} [label={_q(label)}, fillcolor=\"{color}\", "
                     f"shape={shape}, tooltip={_q(tip)}];")
    for i, (name, child) in enumerate(branch["children"].items()):
        cluster = "cluster_" + re.sub(r"[^A-Za-z0-9_]", "_", name) + f"_{len(lines)}_{i}"
        lines.append(f"{indent}subgraph {_q(cluster)} {{")
        lines.append(f"{indent}  label={_q(name.rsplit('/', 1)[-1])}; style=\"rounded,filled\"; "
                     f"fillcolor=\"{_CLUSTER_FILL}\"; color=\"{_CLUSTER_LINE}\";")
        _emit_branch(child, lines, counts, indent + "  ")
        lines.append(f"{indent}}}")


def to_html(graph=None, path=None, title="graphgrad graph"):
    """A self-contained HTML page (inline SVG drawn by inline script; no external files, no
    Graphviz) showing `graph`; click a scope to fold or unfold it. Written to `path` when given;
    returns the HTML text."""
    model = graph_model(graph)
    data = json.dumps(model, separators=(",", ":")).replace("</", "<\\/")
    page = (f"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{html.escape(title)}"
            f"</title>\n<style>{STYLE}</style></head>\n<body>\n"
            f"<div id=\"bar\"><b>{html.escape(title)}</b> &middot; {len(model['nodes'])} ops "
            "&middot; click a box with [+] to unfold it, a scope's [-] label to fold it "
            "<button id=\"fold-all\">fold all scopes</button> "
            "<button id=\"unfold-all\">unfold all</button></div>\n"
            "<div id=\"view\"></div>\n"
            f"<script>var GRAPH = {data};</script>\n<script>{SCRIPT}</script>\n"
            "</body></html>\n")
    if path is not None:
        with open(path, "w", encoding="utf-8") as f:
            f.write(page)
    return page
