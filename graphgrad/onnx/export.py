"""`graphgrad.onnx.export`: the inference subgraph of some output tensors as an ONNX model, with
variables frozen to initializers holding the session's values. The op mapping lives in
onnx/convert.py; this file walks the graph and assembles the model. Needs the `onnx` package.
"""
import numpy as np

from ..graph.tensor import Tensor
from . import convert

_PASS_THROUGH = ("Identity", "StopGradient", "Snapshot", "PlaceholderWithDefault")


class ExportContext:
    """Collects the nodes and initializers of one export; converters call `node` and `const`."""

    def __init__(self, onnx, opset, values):
        self.onnx = onnx
        self.opset = opset
        self.nodes = []
        self.initializers = {}
        self._values = values
        self._count = 0

    def fresh(self, hint):
        self._count += 1
        return f"{hint}__{self._count}"

    def node(self, op_type, inputs, outputs=None, name=None, **attrs):
        """Adds an ONNX node; returns its output names (fresh names when `outputs` is None)."""
        if outputs is None:
            outputs = [self.fresh(op_type)]
        self.nodes.append(self.onnx.helper.make_node(
            op_type, list(inputs), list(outputs), name=name or self.fresh(op_type), **attrs))
        return outputs

    def const(self, value, hint="const"):
        """The name of a new initializer holding `value`."""
        name = self.fresh(hint)
        self.initializers[name] = np.asarray(value)
        return name

    def value(self, tensor):
        """The constant value of `tensor` (a Const or a frozen variable), or None."""
        if tensor.name in self._values:
            return self._values[tensor.name]
        from ..graph.constant import constant_value
        return constant_value(tensor)


def _as_tensor_list(tensors, what):
    if isinstance(tensors, Tensor):
        return [tensors]
    tensors = list(tensors)
    for t in tensors:
        if not isinstance(t, Tensor):
            raise TypeError(f"export: {what} must be Tensors, got {t!r}.")
    return tensors


def _required_ops(inputs, outputs):
    """The ops between `inputs` and `outputs`, in the graph's (topological) creation order."""
    stop = {t.name for t in inputs}
    seen, stack = set(), [t for t in outputs if t.name not in stop]
    while stack:
        op = stack.pop().op
        if op.name in seen:
            continue
        seen.add(op.name)
        stack.extend(t for t in op.inputs if t.name not in stop)
    return [op for op in outputs[0].graph.get_operations() if op.name in seen]


def _frozen_values(sess, ops):
    """Tensor name -> value for every Const and variable (its value in `sess`) the export needs."""
    from .. import errors
    store = sess._state.host_variables
    values = {}
    for op in ops:
        if op.type in ("VariableV2", "Variable"):
            if op.name not in store:
                raise errors.FailedPreconditionError(
                    None, op, f"export: variable {errors.describe_op(op)} is not initialized in "
                    "this session: run the initializer or restore a checkpoint first.")
            values[op.outputs[0].name] = np.asarray(store[op.name])
        elif op.type == "Const":
            values[op.outputs[0].name] = np.asarray(op.attrs["value"])
    return values


def _value_info(onnx, tensor, name):
    dims = tensor.shape.as_list() if tensor.shape.ndims is not None else None
    return onnx.helper.make_tensor_value_info(name, convert.onnx_dtype(onnx, tensor.dtype), dims)


def export(sess, inputs, outputs, path=None, opset=13, model_name="graphgrad"):
    """Writes the subgraph computing `outputs` from `inputs` as an ONNX model to `path` (when
    given) and returns the `onnx.ModelProto`.

    Graph inputs and outputs keep their tensor names ("x:0", "Softmax:0"). Variables become
    initializers with their current values in `sess`. Ops without an ONNX mapping raise
    ValueError naming the op; a placeholder the outputs need but `inputs` does not list raises
    ValueError too. Needs the `onnx` package (`pip install graphgrad[onnx]`).
    """
    try:
        import onnx
    except ImportError:
        raise ImportError("graphgrad.onnx.export needs the onnx package: "
                          "pip install onnx (or graphgrad[onnx]).") from None
    inputs = _as_tensor_list(inputs, "inputs")
    outputs = _as_tensor_list(outputs, "outputs")
    if not outputs:
        raise ValueError("export: no outputs given.")
    ops = _required_ops(inputs, outputs)
    values = _frozen_values(sess, ops)
    ctx = ExportContext(onnx, opset, values)
    for op in ops:
        if op.outputs and op.outputs[0].name in values:
            ctx.initializers[op.outputs[0].name] = values[op.outputs[0].name]
        elif op.type == "Placeholder":
            raise ValueError(f"export: placeholder '{op.name}' is needed by the outputs but is "
                             "not in `inputs`; list it as an input (or feed a constant).")
        elif op.type in _PASS_THROUGH:
            ctx.node("Identity", [op.inputs[0].name], [op.outputs[0].name], name=op.name)
        else:
            convert.convert_op(ctx, op)
    graph_outputs = [_value_info(onnx, t, t.name) for t in outputs]
    graph = onnx.helper.make_graph(
        ctx.nodes, model_name, [_value_info(onnx, t, t.name) for t in inputs], graph_outputs,
        initializer=[onnx.numpy_helper.from_array(v, name) for name, v in
                     ctx.initializers.items()])
    model = onnx.helper.make_model(
        graph, producer_name="graphgrad", opset_imports=[onnx.helper.make_opsetid("", opset)])
    # The oldest IR version that carries `opset`: runtimes of that time reject newer ones.
    model.ir_version = onnx.helper.find_min_ir_version_for(list(model.opset_import))
    onnx.checker.check_model(model)
    if path is not None:
        onnx.save(model, path)
    return model

