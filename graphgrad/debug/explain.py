"""graphgrad.explain: what a `sess.run(fetches)` would do, read from the graph without running it.

For each fetch: the placeholders it needs and the path to each; the ops that would run, in
order; and for a train op, which variables it updates and why each other variable is left alone.
"""
import re
import sys
from collections import deque

from .. import errors
from ..graph.graph import GraphKeys, get_default_graph
from ..graph.registry import get_gradient_function
from ..graph.tensor import Tensor
from ..runtime.fetches import FetchStructure
from ..runtime.plan import needed_ops, schedule, value_inputs

_GRADIENTS = re.compile(r"^gradients(_\d+)?$")


def _where(op):
    return errors.site(op)


def _tensor_text(t):
    return f"'{t.name}' ({t.op.type}, {t.dtype.name} {t.shape.short()}, created at {_where(t.op)})"


def _elem_text(e):
    if isinstance(e, Tensor):
        return _tensor_text(e)
    return f"'{e.name}' ({e.type}, created at {_where(e)})"


def _backward_path(start_op, goal_op, follow_control=True):
    """Shortest chain of op names from `start_op` back to `goal_op` (through inputs), or None."""
    parent = {start_op: None}
    queue = deque([start_op])
    while queue:
        op = queue.popleft()
        if op is goal_op:
            path = []
            while op is not None:
                path.append(op.name)
                op = parent[op]
            return list(reversed(path))  # from the start back to the goal
        preds = [t.op for t in value_inputs(op)]
        if follow_control:
            preds += list(op.control_inputs)
        for p in preds:
            if p not in parent:
                parent[p] = op
                queue.append(p)
    return None


def _chain(names):
    return " <- ".join(names)


def _ancestors(op):
    """Every op whose value `op` reads, directly or not (data edges only)."""
    seen = set()
    stack = [op]
    while stack:
        o = stack.pop()
        if o in seen:
            continue
        seen.add(o)
        stack.extend(t.op for t in o.inputs)
    return seen


def _blocker(var_op, loss_ancestors):
    """Why no gradient reaches `var_op` though the loss reads it: the op nearest the variable,
    on a path to the loss, that passes no gradient."""
    seen = {var_op}
    queue = deque([var_op])
    while queue:
        op = queue.popleft()
        for out in op.outputs:
            for consumer in out.consumers():
                if consumer not in loss_ancestors or consumer in seen:
                    continue
                seen.add(consumer)
                reason = _no_gradient_reason(consumer, out)
                if reason:
                    return reason
                queue.append(consumer)
    return "no gradient path found"


def _no_gradient_reason(op, through):
    if op.type == "StopGradient":
        return f"gradient blocked by stop_gradient at op '{op.name}' (created at {_where(op)})"
    if not (through.dtype.is_floating or through.dtype.is_complex):
        return (f"it reaches the loss only through {through.dtype.name} tensor '{through.name}'"
                " (no gradient flows through integer or bool values)")
    try:
        fn = get_gradient_function(op)
    except LookupError:
        fn = None
    if fn is None:
        return (f"no gradient function for op type {op.type} (op '{op.name}', created at "
                f"{_where(op)})")
    return None


def _train_section(train_op, graph):
    lines = []
    pairs = train_op._explain_pairs
    loss = getattr(train_op, "_explain_loss", None)
    head = f"Train op '{train_op.name}' ({train_op.type}, created at {_where(train_op)})"
    lines.append(head + (f" minimizes '{loss.name}':" if loss is not None else ":"))
    loss_ancestors = _ancestors(loss.op) if loss is not None else set()
    updated = [(g, v) for g, v in pairs if g is not None]
    lines.append(f"  updates {len(updated)} variable(s):")
    for _, v in updated:
        lines.append(f"    {v.op.name} ({v.dtype.name} {v.shape.short()}, created at "
                     f"{_where(v.op)})")
        if loss is not None:
            path = _backward_path(loss.op, v.op, follow_control=False)
            if path:
                lines.append(f"      path from the loss: {_chain(path)}")
    skipped = []
    in_pairs = {v for _, v in pairs}
    for g, v in pairs:
        if g is None:
            if loss is None:
                why = "its gradient is None"
            elif v.op not in loss_ancestors:
                why = "not reachable from the loss (the loss does not read it)"
            else:
                why = _blocker(v.op, loss_ancestors)
            skipped.append((v, why))
    trainable = set(graph.get_collection(GraphKeys.TRAINABLE_VARIABLES))
    for v in graph.get_collection(GraphKeys.GLOBAL_VARIABLES):
        if v in in_pairs:
            continue
        skipped.append((v, "not in var_list" if v in trainable else
                        "not trainable (trainable=False)"))
    if skipped:
        lines.append(f"  does not train {len(skipped)} variable(s):")
        for v, why in skipped:
            lines.append(f"    {v.op.name} ({v.dtype.name} {v.shape.short()}, created at "
                         f"{_where(v.op)}): {why}")
    lines.extend(_update_ops_warning(train_op, graph))
    return lines


def _update_ops_warning(train_op, graph):
    update_ops = graph.get_collection(GraphKeys.UPDATE_OPS)
    if not update_ops:
        return []
    needed = needed_ops([], [train_op], set())
    missing = []
    for u in update_ops:
        op = u.op if isinstance(u, Tensor) else u
        if op not in needed:
            missing.append(op)
    if not missing:
        return []
    names = ", ".join(f"'{op.name}'" for op in missing)
    return [f"  WARNING: {len(missing)} op(s) in GraphKeys.UPDATE_OPS will not run with this "
            f"train op: {names}. Build it under `with tf.control_dependencies("
            "tf.get_collection(tf.GraphKeys.UPDATE_OPS)):` (batch-norm statistics, for one)."]


def _resolve(graph, fetches, feed_dict):
    elements = FetchStructure(graph, fetches).elements
    fed = set()
    for key in (feed_dict or {}):
        if hasattr(key, "_as_graph_element") and not isinstance(key, Tensor):
            key = key._as_graph_element()
        fed.add(graph.as_graph_element(key, allow_tensor=True, allow_operation=False))
    return elements, fed


def _graph_of(fetches):
    stack = [fetches]
    while stack:
        f = stack.pop()
        if isinstance(f, dict):
            stack.extend(f.values())
        elif isinstance(f, (list, tuple)):
            stack.extend(f)
        elif hasattr(f, "graph") and not isinstance(f, str):
            return f.graph
    return get_default_graph()


def _backward_scope(op):
    first = op.name.split("/", 1)[0]
    return first if "/" in op.name and _GRADIENTS.match(first) else None


def _order_lines(order, verbose):
    """One line per op; unless verbose, each run of backward-pass ops ('gradients/...') is one
    line, since their internals say little about the user's program."""
    entries = []
    i = 0
    while i < len(order):
        op = order[i]
        scope = None if verbose else _backward_scope(op)
        j = i + 1
        while scope and j < len(order) and _backward_scope(order[j]) == scope:
            j += 1
        if j - i > 1:
            entries.append((f"{i + 1}-{j}", f"{scope}/... ({j - i} backward-pass ops from "
                                             f"tf.gradients, created at {_where(op)})"))
        else:
            entries.append((str(i + 1), f"{op.name} ({op.type}) {_where(op)}"))
        i = j
    width = max((len(label) for label, _ in entries), default=0)
    return [f"  {label:>{width}}. {text}" for label, text in entries]


def _fetch_path(start, placeholder):
    """From the fetch back to the placeholder; a train op's goes through the loss it minimizes."""
    loss = getattr(start, "_explain_loss", None)
    if loss is not None:
        via_loss = _backward_path(loss.op, placeholder)
        if via_loss:
            return [f"{start.name} (minimizes)"] + via_loss
    return _backward_path(start, placeholder) or [start.name, placeholder.name]


def explain_text(fetches, feed_dict=None, verbose=False):
    """The text `explain` prints."""
    graph = _graph_of(fetches)
    elements, fed = _resolve(graph, fetches, feed_dict)
    lines = []
    for e in elements:
        lines.append(f"Fetch {_elem_text(e)}")
        start = e.op if isinstance(e, Tensor) else e
        places = sorted((op for op in needed_ops([], [start], set())
                         if op.type in ("Placeholder", "PlaceholderWithDefault")),
                        key=lambda o: o._id)
        if not places:
            lines.append("  needs no placeholders")
        for p in places:
            t = p.outputs[0]
            if p.type == "PlaceholderWithDefault":
                state = "optional: has a default"
            elif feed_dict is None:
                state = "must be fed"
            else:
                state = "fed" if t in fed else "NOT FED: sess.run would fail"
            lines.append(f"  needs {_tensor_text(t)}: {state}")
            lines.append(f"    path: {_chain(_fetch_path(start, p))}")
    ops = needed_ops([e for e in elements if isinstance(e, Tensor)],
                     [e for e in elements if not isinstance(e, Tensor)], fed)
    order = schedule(ops)
    lines.append(f"Ops that run, in order ({len(order)}):")
    lines.extend(_order_lines(order, verbose))
    for op in order:
        if getattr(op, "_explain_pairs", None) is not None:
            lines.extend(_train_section(op, graph))
    return "\n".join(lines) + "\n"


def explain(fetches, feed_dict=None, file=None, verbose=False):
    """Prints (to `file`, default stdout) and returns what `sess.run(fetches, feed_dict)` would
    do, without running anything: the placeholders each fetch needs and the path to each, the
    ops that run in order, and for a train op the variables it updates (shape, creation site,
    path from the loss) and every variable it does not train, with the reason. `verbose` lists
    the backward-pass ops one by one instead of one line per run of them.
    """
    text = explain_text(fetches, feed_dict, verbose)
    (file or sys.stdout).write(text)
    return text
