"""A user function of dataset elements (map, filter) traced once into the graph on placeholders,
then run per element by a compiled Plan in the iterating session (so it sees that session's
variables and random streams, and may hold py_func, tf.cast, ... like any graph code)."""
from ..graph.constant import convert_to_tensor, placeholder
from ..graph.default import name_scope
from ..graph.graph import get_default_graph
from ..graph.operation import Operation
from .structure import flatten, pack


class TracedFunction:
    """`fn` applied to placeholders standing for one element of `dataset`."""

    def __init__(self, fn, dataset, scope):
        graph = get_default_graph()
        # Like TF's function bodies: no outer control dependencies leak in.
        with graph.control_dependencies(None), name_scope(scope):
            self.inputs = [placeholder(dt, shape, name=f"arg{i}") for i, (dt, shape) in
                           enumerate(zip(dataset._types, dataset._shapes))]
            args = pack(dataset._structure, self.inputs)
            # TF unpacks a plain tuple element into positional arguments, nothing else.
            result = fn(*args) if type(args) is tuple else fn(args)
            leaves = flatten(result)
            for leaf in leaves:
                if isinstance(leaf, Operation) or leaf is None:
                    raise TypeError(f"The function passed to {scope} must return tensors or "
                                    f"nested tuples/dicts of them, got {leaf!r}.")
            self.outputs = [convert_to_tensor(leaf) for leaf in leaves]
        self.structure = pack(result, [None] * len(leaves))
        self.types = [t.dtype for t in self.outputs]
        self.shapes = [t.shape for t in self.outputs]

    def __call__(self, ctx, arrays):
        return ctx.plan(self, self.outputs, self.inputs).run(list(arrays))
