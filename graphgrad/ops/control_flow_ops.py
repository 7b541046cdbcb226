"""Ordering ops (NoOp, group, tuple, with_dependencies) and the public control flow: cond, case
(ops/cond_ops.py) and while_loop (ops/while_ops.py)."""
import builtins

from ..graph.constant import convert_to_tensor
from ..graph.graph import get_default_graph
from ..graph.registry import register_op
from ..graph.tensor import Tensor

NO_OP = register_op("NoOp", shape=lambda: [], num_outputs=0, differentiable=False)


def no_op(name=None):
    """Does nothing; useful as a placeholder for control edges (TF1 `tf.no_op`)."""
    return NO_OP(name=name)


def _as_op(x):
    if hasattr(x, "_as_graph_element") and not isinstance(x, Tensor):
        x = x._as_graph_element()
    return x.op if isinstance(x, Tensor) else x


def group(*inputs, **kwargs):
    """One op that runs after all `inputs` (TF1 `tf.group`)."""
    name = kwargs.pop("name", None)
    if kwargs:
        raise TypeError(f"Unknown keyword arguments: {', '.join(kwargs)}")
    ops = []
    for x in inputs:
        for item in (x if isinstance(x, (list, builtins.tuple)) else [x]):
            op = _as_op(item)
            if op not in ops:
                ops.append(op)
    graph = ops[0].graph if ops else get_default_graph()
    with graph.as_default(), graph.control_dependencies(ops):
        return no_op(name=name or "group_deps")


def with_dependencies(dependencies, output_tensor, name=None):
    """`output_tensor` passed through after `dependencies` ran."""
    from .array_ops import identity
    with get_default_graph().control_dependencies(dependencies):
        return identity(output_tensor, name=name)


def tuple(tensors, name=None, control_inputs=None):  # noqa: A001 - TF's public name
    """The tensors, each available only after all of them are computed (TF1 `tf.tuple`)."""
    tensors = [None if t is None else convert_to_tensor(t) for t in tensors]
    deps = [t for t in tensors if t is not None] + list(control_inputs or [])
    gate = group(*deps, name=name or "tuple")
    return [None if t is None else with_dependencies([gate], t) for t in tensors]

from .cond_ops import case, cond  # noqa: E402 - they build on with_dependencies above
from .while_ops import while_loop  # noqa: E402

__all__ = ["no_op", "group", "with_dependencies", "tuple", "cond", "case", "while_loop"]
