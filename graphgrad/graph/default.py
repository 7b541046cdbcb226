"""TF1's module-level graph functions: they act on the default graph."""
import contextlib

from .graph import get_default_graph

DEFAULT_GRAPH_SEED = 87654321


@contextlib.contextmanager
def name_scope(name, default_name=None, values=None):
    """Opens a name scope in the default graph (or the graph of `values`) (TF1 `tf.name_scope`)."""
    graph = get_default_graph()
    for v in values or ():
        g = getattr(v, "graph", None)
        if g is not None:
            graph = g
            break
    if name is None:
        # name_scope(None) alone is TF's idiom for "back to the top"; with values it is an error.
        if default_name is None and values is not None:
            raise ValueError(f"At least one of name ({name}) and default_name ({default_name}) "
                             "must be provided.")
        name = default_name
    with graph.as_default(), graph.name_scope(name) as scope:
        yield scope


def control_dependencies(control_inputs):
    return get_default_graph().control_dependencies(control_inputs)


def device(device_name_or_function):
    return get_default_graph().device(device_name_or_function)


@contextlib.contextmanager
def container(container_name):
    yield


def add_to_collection(name, value):
    get_default_graph().add_to_collection(name, value)


def add_to_collections(names, value):
    get_default_graph().add_to_collections(names, value)


def get_collection(key, scope=None):
    return get_default_graph().get_collection(key, scope)


def get_collection_ref(key):
    return get_default_graph().get_collection_ref(key)


def set_random_seed(seed):
    """Sets the graph-level seed: random ops become reproducible run to run."""
    get_default_graph().seed = None if seed is None else int(seed)


def get_seed(op_seed):
    """(graph seed, op seed) as TF1 derives them; (None, None) means nondeterministic."""
    graph = get_default_graph()
    if graph.seed is not None:
        if op_seed is None:
            op_seed = graph._next_id()
        return graph.seed, int(op_seed)
    if op_seed is not None:
        return DEFAULT_GRAPH_SEED, int(op_seed)
    return None, None
