"""Graph: ops, unique names, name scopes, collections, control dependencies, the default graph."""
import contextlib
import re
import threading

from .tensor import Tensor

# TF's rules: an op name starts with a letter, digit or '.'; a nested scope may start with '_'.
VALID_OP_NAME = re.compile(r"^[A-Za-z0-9.][A-Za-z0-9_.\-/>]*$")
_VALID_SCOPE_NAME = re.compile(r"^[A-Za-z0-9_.\-/>]*$")


class GraphKeys:
    """Standard collection names (TF1 `tf.GraphKeys`)."""

    GLOBAL_VARIABLES = "variables"
    VARIABLES = "variables"
    LOCAL_VARIABLES = "local_variables"
    MODEL_VARIABLES = "model_variables"
    TRAINABLE_VARIABLES = "trainable_variables"
    SUMMARIES = "summaries"
    QUEUE_RUNNERS = "queue_runners"
    TABLE_INITIALIZERS = "table_initializer"
    ASSET_FILEPATHS = "asset_filepaths"
    MOVING_AVERAGE_VARIABLES = "moving_average_variables"
    REGULARIZATION_LOSSES = "regularization_losses"
    CONCATENATED_VARIABLES = "concatenated_variables"
    SAVERS = "savers"
    WEIGHTS = "weights"
    BIASES = "biases"
    ACTIVATIONS = "activations"
    UPDATE_OPS = "update_ops"
    LOSSES = "losses"
    INIT_OP = "init_op"
    LOCAL_INIT_OP = "local_init_op"
    READY_OP = "ready_op"
    SUMMARY_OP = "summary_op"
    GLOBAL_STEP = "global_step"
    TRAIN_OP = "train_op"
    EVAL_STEP = "eval_step"
    COND_CONTEXT = "cond_context"
    WHILE_CONTEXT = "while_context"


class Graph:
    """A TF1 dataflow graph. Knows nothing of arrays: values live in a Session."""

    def __init__(self):
        self._ops = []
        self._ops_by_name = {}
        self._names_in_use = {}
        self._name_stack = ""
        self._control_stack = []
        self._device_stack = []
        self._collections = {}
        self._finalized = False
        self._version = 0
        self.seed = None
        self._gradient_override_map = {}

    # --- ops and names ---
    def _add_op(self, op):
        if self._finalized:
            loc = op.location
            where = f" at {loc[0]}:{loc[1]}" if loc else ""
            raise RuntimeError(f"Graph is finalized and cannot be modified: tried to add op "
                               f"'{op.name}' ({op.type}){where}. Ops created inside the training "
                               "loop make the graph grow with every step: build every op once, "
                               "before the loop, and reuse it.")
        if op.name in self._ops_by_name:
            raise ValueError(f"Duplicate node name in graph: '{op.name}'")
        self._ops.append(op)
        self._ops_by_name[op.name] = op
        self._version += 1

    def _next_id(self):
        return len(self._ops)

    def unique_name(self, name, mark_as_used=True):
        """Appends _1, _2, ... to `name` (scoped) until unused, as TF does."""
        if self._name_stack:
            name = self._name_stack + "/" + name
        key = name.lower()
        count = self._names_in_use.get(key, 0)
        if mark_as_used:
            self._names_in_use[key] = count + 1
        if count > 0:
            base = key
            while key in self._names_in_use:
                key = f"{base}_{count}"
                count += 1
            name = f"{name}_{count - 1}"
            if mark_as_used:
                self._names_in_use[key] = 1
        return name

    def get_name_scope(self):
        return self._name_stack

    @contextlib.contextmanager
    def name_scope(self, name):
        """Opens a scope; 'a/' re-enters an existing scope, None or '' returns to the top."""
        old = self._name_stack
        if name:
            rule = _VALID_SCOPE_NAME if old else VALID_OP_NAME
            if not rule.match(name):
                raise ValueError(f"'{name}' is not a valid scope name")
        if not name:
            new = ""
        elif name.endswith("/"):
            new = name[:-1]
        else:
            new = self.unique_name(name)
        self._name_stack = new
        try:
            yield new + "/" if new else ""
        finally:
            self._name_stack = old

    def get_operations(self):
        return list(self._ops)

    def get_operation_by_name(self, name):
        if not isinstance(name, str):
            raise TypeError(f"Operation names are strings (or similar), not {type(name).__name__}.")
        return self.as_graph_element(name, allow_tensor=False, allow_operation=True)

    def get_tensor_by_name(self, name):
        if not isinstance(name, str):
            raise TypeError(f"Tensor names are strings (or similar), not {type(name).__name__}.")
        return self.as_graph_element(name, allow_tensor=True, allow_operation=False)

    def as_graph_element(self, obj, allow_tensor=True, allow_operation=True):
        """Resolves a Tensor, Operation, variable-like object or name to this graph's element."""
        if hasattr(obj, "_as_graph_element") and not isinstance(obj, (Tensor, str)):
            obj = obj._as_graph_element()
        if isinstance(obj, str):
            return self._element_by_name(obj, allow_tensor, allow_operation)
        if isinstance(obj, Tensor) and allow_tensor:
            if obj.graph is not self:
                raise ValueError(f"Tensor {obj} is not an element of this graph.")
            return obj
        if hasattr(obj, "outputs") and hasattr(obj, "opdef") and allow_operation:
            if obj.graph is not self:
                raise ValueError(f"Operation {obj} is not an element of this graph.")
            return obj
        kinds = " or ".join(k for k, ok in (("Tensor", allow_tensor),
                                            ("Operation", allow_operation)) if ok)
        raise TypeError(f"Can not convert a {type(obj).__name__} into a {kinds}.")

    def _element_by_name(self, name, allow_tensor, allow_operation):
        if ":" in name:
            if not allow_tensor:
                raise ValueError(f"Name '{name}' appears to refer to a Tensor, not an Operation.")
            op_name, _, index = name.rpartition(":")
            op = self._ops_by_name.get(op_name)
            if op is None:
                raise KeyError(f"The name '{name}' refers to a Tensor which does not exist. "
                               f"The operation, '{op_name}', does not exist in the graph.")
            try:
                return op.outputs[int(index)]
            except (ValueError, IndexError):
                raise KeyError(f"The name '{name}' refers to a Tensor which does not exist. The "
                               f"operation, '{op_name}', exists but only has "
                               f"{len(op.outputs)} outputs.") from None
        if not allow_operation:
            raise ValueError(f"The name '{name}' looks like an (invalid) Operation name, not a "
                             f"Tensor. Tensor names must be of the form \"<op_name>:<index>\".")
        op = self._ops_by_name.get(name)
        if op is None:
            raise KeyError(f"The name '{name}' refers to an Operation not in the graph.")
        return op

    # --- collections ---
    def add_to_collection(self, name, value):
        self._collections.setdefault(name, []).append(value)

    def add_to_collections(self, names, value):
        names = (names,) if isinstance(names, str) else set(names)
        for name in names:
            self.add_to_collection(name, value)

    def get_collection_ref(self, name):
        return self._collections.setdefault(name, [])

    def get_collection(self, name, scope=None):
        items = self._collections.get(name, [])
        if scope is None:
            return list(items)
        pattern = re.compile(scope)
        return [v for v in items if hasattr(v, "name") and pattern.match(v.name)]

    def get_all_collection_keys(self):
        return [k for k, v in self._collections.items() if v]

    def clear_collection(self, name):
        self._collections.pop(name, None)

    @property
    def collections(self):
        return list(self._collections)

    # --- control dependencies, devices ---
    @contextlib.contextmanager
    def control_dependencies(self, control_inputs):
        """Ops created inside run after `control_inputs`; None clears the outer ones."""
        old = self._control_stack
        if control_inputs is None:
            self._control_stack = []
        else:
            ops = []
            for c in control_inputs:
                element = self.as_graph_element(c)
                ops.append(element.op if isinstance(element, Tensor) else element)
            self._control_stack = old + [op for op in ops if op not in old]
        try:
            yield
        finally:
            self._control_stack = old

    @contextlib.contextmanager
    def device(self, device_name):
        self._device_stack.append(device_name or "")
        try:
            yield
        finally:
            self._device_stack.pop()

    @contextlib.contextmanager
    def colocate_with(self, op, ignore_existing=False):
        yield

    @contextlib.contextmanager
    def gradient_override_map(self, op_type_map):
        """Ops created inside use the gradient registered under the mapped type."""
        old = dict(self._gradient_override_map)
        self._gradient_override_map.update(op_type_map)
        try:
            yield
        finally:
            self._gradient_override_map = old

    # --- lifecycle ---
    def finalize(self):
        self._finalized = True

    @property
    def finalized(self):
        return self._finalized

    @property
    def version(self):
        return self._version

    def as_graph_def(self, from_version=None, add_shapes=False):
        """This graph as a TensorFlow GraphDef protobuf message (TF1 `Graph.as_graph_def`):
        only the ops added since `version` was `from_version` if given, each node with an
        `_output_shapes` attr if `add_shapes`.

        Differs from TF: needs the protobuf package (`pip install 'graphgrad[interop]'`;
        ImportError without it); ops graphgrad writes as small TF subgraphs add helper nodes
        named under the op's name; a graph holding a py_func raises ValueError.
        """
        from ..interop import load_protos
        load_protos()
        from ..interop.graphdef_export import graph_to_graph_def
        graph_def = graph_to_graph_def(self)
        ops = {op.name: op for op in self._ops}
        if from_version:
            old = {op.name for op in self._ops[:from_version]}
            by_name = {n.name: n for n in graph_def.node}
            keep, stack = set(), [name for name in by_name if name not in old]
            while stack:  # the new ops and the helper nodes (not ops) written for them
                name = stack.pop()
                if name not in keep:
                    keep.add(name)
                    inputs = (i.lstrip("^").partition(":")[0] for i in by_name[name].input)
                    stack.extend(i for i in inputs if i not in ops and i in by_name)
            nodes = [n for n in graph_def.node if n.name in keep]
            del graph_def.node[:]
            graph_def.node.extend(nodes)
        if add_shapes:
            for node in graph_def.node:
                if node.name in ops:
                    _add_output_shapes(node, ops[node.name].outputs)
        return graph_def

    def as_default(self):
        return _default_graph_context(self)

    def __repr__(self):
        return f"<graphgrad.Graph with {len(self._ops)} ops>"


class _DefaultGraphStack(threading.local):
    def __init__(self):
        self.stack = []
        self.global_default = None


_state = _DefaultGraphStack()


def pop_innermost(stack, item):
    """Removes the innermost entry of `item`: a graph may be made default at several depths."""
    for i in range(len(stack) - 1, -1, -1):
        if stack[i] is item:
            del stack[i]
            return


def _add_output_shapes(node, outputs):
    """TF's `_output_shapes` attr: one TensorShapeProto per output."""
    shapes = node.attr["_output_shapes"].list
    shapes.SetInParent()
    for t in outputs:
        proto = shapes.shape.add()
        if t.shape.ndims is None:
            proto.unknown_rank = True
        else:
            for d in t.shape.as_list():
                proto.dim.add(size=-1 if d is None else d)


@contextlib.contextmanager
def _default_graph_context(graph):
    _state.stack.append(graph)
    try:
        yield graph
    finally:
        pop_innermost(_state.stack, graph)


def get_default_graph():
    if _state.stack:
        return _state.stack[-1]
    if _state.global_default is None:
        _state.global_default = Graph()
    return _state.global_default


def reset_default_graph():
    """Replaces the global default graph; an error inside a `with g.as_default()` block."""
    if _state.stack:
        raise AssertionError("Do not use tf.reset_default_graph() to clear nested graphs. If you "
                             "need a cleared graph, exit the nesting and create a new graph.")
    _state.global_default = Graph()
