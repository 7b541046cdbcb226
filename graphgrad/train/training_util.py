"""The global step: `get_global_step`, `create_global_step`, `get_or_create_global_step`."""
from ..graph import dtypes
from ..graph.graph import GraphKeys, get_default_graph
from ..ops.array_ops import zeros
from ..ops.variables import Variable


def get_global_step(graph=None):
    """The graph's global step variable, or None."""
    graph = graph or get_default_graph()
    found = graph.get_collection(GraphKeys.GLOBAL_STEP)
    if len(found) > 1:
        raise TypeError("There should only be one global step variable in the graph.")
    if found:
        return found[0]
    try:
        op = graph.get_operation_by_name("global_step")
    except KeyError:
        return None
    for v in graph.get_collection(GraphKeys.GLOBAL_VARIABLES):
        if v.op is op:
            return v
    return None


def create_global_step(graph=None):
    """Creates the int64 global step variable; ValueError if one exists."""
    graph = graph or get_default_graph()
    if get_global_step(graph) is not None:
        raise ValueError('"global_step" already exists.')
    with graph.as_default(), graph.name_scope(None):
        return Variable(zeros([], dtype=dtypes.int64), trainable=False, name="global_step",
                        collections=[GraphKeys.GLOBAL_VARIABLES, GraphKeys.GLOBAL_STEP])


def get_or_create_global_step(graph=None):
    graph = graph or get_default_graph()
    return get_global_step(graph) or create_global_step(graph)


def global_step(sess, global_step_tensor):
    """The global step's value in `sess`, as an int."""
    return int(sess.run(global_step_tensor))
