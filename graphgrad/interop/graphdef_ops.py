"""The mapping of TensorFlow NodeDefs onto graphgrad ops: per TF op type, the graphgrad op type
and its attrs, for frozen inference graphs and for the training graphs of MetaGraphDefs
(variables, initializers, TF's gradient ops, optimizer updates). TF passes axes and permutations
as constant inputs; graphgrad keeps them as attrs, so those inputs must be Const nodes (directly
or through Identity) and are folded here; a reduction whose axis is computed (TF's gradient
graphs sum over BroadcastGradientArgs) becomes the Dynamic* op that takes the axis as an input.
"""
import numpy as np

from ..graph.dtypes import int32

# TF op types whose graphgrad op has the same inputs and no attrs.
_PLAIN = {
    "Add": "Add", "AddV2": "Add", "Sub": "Sub", "Mul": "Mul", "RealDiv": "RealDiv",
    "Maximum": "Maximum", "Minimum": "Minimum", "Pow": "Pow", "Neg": "Neg", "Exp": "Exp",
    "Log": "Log", "Sqrt": "Sqrt", "Rsqrt": "Rsqrt", "Square": "Square", "Abs": "Abs",
    "Relu": "Relu", "Relu6": "Relu6", "Sigmoid": "Sigmoid", "Tanh": "Tanh", "Elu": "Elu",
    "Selu": "Selu", "Softplus": "Softplus", "Softsign": "Softsign", "Softmax": "Softmax",
    "LogSoftmax": "LogSoftmax", "Equal": "Equal", "NotEqual": "NotEqual", "Greater": "Greater",
    "GreaterEqual": "GreaterEqual", "Less": "Less", "LessEqual": "LessEqual",
    "LogicalAnd": "LogicalAnd", "LogicalOr": "LogicalOr", "LogicalNot": "LogicalNot",
    "Floor": "Floor", "Ceil": "Ceil", "Reciprocal": "Reciprocal", "Sign": "Sign",
    "SquaredDifference": "SquaredDifference", "FloorDiv": "FloorDiv", "FloorMod": "FloorMod",
    "Identity": "Identity", "StopGradient": "StopGradient", "Reshape": "Reshape",
    "NoOp": "NoOp", "ZerosLike": "ZerosLike", "OnesLike": "OnesLike", "Fill": "Fill",
    "Select": "Select", "Tile": "Tile", "BroadcastTo": "BroadcastTo", "Range": "Range",
    "ReluGrad": "ReluGrad", "BroadcastGradientArgs": "BroadcastGradientArgs",
    "Relu6Grad": "Relu6Grad", "AddN": "AddN", "L2Loss": "L2Loss", "Rank": "Rank",
    "Slice": "Slice", "SoftmaxCrossEntropyWithLogits": "SoftmaxCrossEntropyWithLogits",
    "SparseSoftmaxCrossEntropyWithLogits": "SparseSoftmaxCrossEntropyWithLogits",
}
_CONV = ("strides", "padding", "data_format", "dilations", "use_cudnn_on_gpu")
_POOL = ("ksize", "strides", "padding", "data_format")
# TF op type -> (graphgrad op type, {graphgrad attr: TF attr}).
_RENAMED = {
    "MatMul": ("MatMul", {"transpose_a": "transpose_a", "transpose_b": "transpose_b"}),
    "BiasAdd": ("BiasAdd", {"data_format": "data_format"}),
    "Cast": ("Cast", {"DstT": "DstT"}),
    "Shape": ("Shape", {"out_type": "out_type"}),
    "Pack": ("Pack", {"axis": "axis"}),
    "LeakyRelu": ("LeakyRelu", {"alpha": "alpha"}),
    "Squeeze": ("Squeeze", {"squeeze_dims": "squeeze_dims"}),
    "StridedSlice": ("StridedSlice", {k: k for k in (
        "begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask", "shrink_axis_mask")}),
    "Conv2D": ("Conv2D", {k: k for k in _CONV}),
    "Conv2DBackpropInput": ("Conv2DBackpropInput", {k: k for k in _CONV}),
    "Conv2DBackpropFilter": ("Conv2DBackpropFilter", {k: k for k in _CONV}),
    "MaxPool": ("MaxPool", {k: k for k in _POOL}),
    "MaxPoolGrad": ("MaxPoolGrad", {k: k for k in _POOL}),
    "AvgPool": ("AvgPool", {k: k for k in _POOL}),
    "ShapeN": ("ShapeN", {"N": "N", "out_type": "out_type"}),
    "Size": ("Size", {"out_type": "out_type"}),
    "BiasAddGrad": ("BiasAddGrad", {"data_format": "data_format"}),
    "DynamicStitch": ("DynamicStitch", {"N": "N"}),
    "PlaceholderWithDefault": ("PlaceholderWithDefault", {"shape": "shape"}),
    "TruncatedNormal": ("TruncatedNormal", {"dtype": "dtype", "seed": "seed", "seed2": "seed2"}),
    # Variables and their updates: the ref input is the VariableV2 node, as in graphgrad.
    "VariableV2": ("VariableV2", {"shape": "shape", "dtype": "dtype"}),
    "Assign": ("Assign", {"validate_shape": "validate_shape", "use_locking": "use_locking"}),
    "AssignAdd": ("AssignAdd", {"use_locking": "use_locking"}),
    "AssignSub": ("AssignSub", {"use_locking": "use_locking"}),
    "ApplyGradientDescent": ("ApplyGradientDescent", {"use_locking": "use_locking"}),
    # TF1's Adam keeps beta1_power and beta2_power as variables read here and updated by Mul +
    # Assign nodes of the graph; graphgrad's ApplyAdam takes the same ten inputs.
    "ApplyAdam": ("ApplyAdam", {"use_locking": "use_locking", "use_nesterov": "use_nesterov"}),
    "ApplyMomentum": ("ApplyMomentum", {"use_locking": "use_locking",
                                        "use_nesterov": "use_nesterov"}),
    "ApplyAdagrad": ("ApplyAdagrad", {"use_locking": "use_locking",
                                      "update_slots": "update_slots"}),
    "ApplyRMSProp": ("ApplyRMSProp", {"use_locking": "use_locking"}),
}
_PADDED = ("Conv2D", "Conv2DBackpropInput", "Conv2DBackpropFilter", "MaxPool", "MaxPoolGrad",
           "AvgPool")
# The saver's nodes: import_meta_graph restores through graphgrad's own Saver instead.
_SAVER = ("SaveV2", "RestoreV2", "SaveSlices", "RestoreSlice", "MergeV2Checkpoints",
          "ShardedFilename", "StringJoin")
_REDUCTIONS = ("Sum", "Mean", "Max", "Min", "Prod", "All", "Any")
_DEFAULTS = {"data_format": "NHWC", "use_cudnn_on_gpu": True, "dilations": [1, 1, 1, 1],
             "transpose_a": False, "transpose_b": False, "axis": 0, "alpha": 0.2,
             "squeeze_dims": [], "begin_mask": 0, "end_mask": 0, "ellipsis_mask": 0,
             "new_axis_mask": 0, "shrink_axis_mask": 0, "seed": 0, "seed2": 0,
             "validate_shape": True, "use_nesterov": False, "use_locking": False,
             "out_type": int32, "update_slots": True}
# TF's defaults where they differ by op (Assign locks by default, the updates do not).
_OP_DEFAULTS = {("Assign", "use_locking"): True}


def _error(node, why):
    return ValueError(f"Cannot import node '{node.name}' (TensorFlow op type '{node.op}'): {why}")


def _const_value(node, index, by_name):
    """The value of input `index` of `node` if it is a Const (possibly behind Identity), else
    None."""
    name = node.input[index].partition(":")[0]
    source = by_name.get(name)
    while source is not None and source.op == "Identity":
        source = by_name.get(source.input[0].partition(":")[0])
    if source is None or source.op != "Const":
        return None
    from .graphdef import tensor_to_array
    return tensor_to_array(source.attr["value"].tensor)


def _const_input(node, index, by_name):
    """The value of input `index` of `node`, which must be a Const (possibly behind Identity)."""
    value = _const_value(node, index, by_name)
    if value is None:
        raise _error(node, f"graphgrad needs input {index} ('{node.input[index]}') to be a "
                     "constant, but it is computed in the graph.")
    return value


def _data_inputs(node, keep):
    """The first `keep` data inputs, then the control inputs."""
    data = [i for i in node.input if not i.startswith("^")]
    return data[:keep] + [i for i in node.input if i.startswith("^")]


def convert_node(node, attrs, by_name):
    """(graphgrad op type, inputs, graphgrad attrs) for a TF NodeDef with decoded `attrs`."""
    op = node.op
    if op == "Placeholder":
        from ..graph.shapes import TensorShape
        return "Placeholder", list(node.input), {
            "dtype": attrs["dtype"], "shape": attrs.get("shape") or TensorShape(None)}
    if op == "Const":
        value = attrs["value"]
        return "Const", list(node.input), {"value": value, "dtype": attrs["dtype"]}
    if op in _PLAIN:
        return _PLAIN[op], list(node.input), {}
    if op in _RENAMED:
        gg_type, names = _RENAMED[op]
        out = {}
        for gg_name, tf_name in names.items():
            default = _OP_DEFAULTS.get((op, tf_name), _DEFAULTS.get(tf_name))
            value = attrs.get(tf_name, default)
            out[gg_name] = tuple(value) if gg_name == "squeeze_dims" else value
        if op in _PADDED and out["padding"] not in ("SAME", "VALID"):
            raise _error(node, f"padding {out['padding']!r} is not supported (SAME or VALID)")
        return gg_type, list(node.input), out
    if op in _REDUCTIONS:
        return _reduction(node, attrs, by_name)
    if op == "GatherV2":
        if attrs.get("batch_dims", 0):
            raise _error(node, "graphgrad's gather supports batch_dims=0 only")
        return op, _data_inputs(node, 2), {"axis": int(_const_input(node, 2, by_name))}
    if op in ("ArgMax", "ArgMin"):
        from ..graph.dtypes import int64
        return op, _data_inputs(node, 1), {
            "axis": int(_const_input(node, 1, by_name)),
            "output_type": attrs.get("output_type", int64), "which": op[3:].lower()}
    if op == "ExpandDims":
        return op, _data_inputs(node, 1), {"axis": int(_const_input(node, 1, by_name))}
    if op == "Transpose":
        perm = tuple(int(p) for p in _const_input(node, 1, by_name))
        return op, _data_inputs(node, 1), {"perm": perm}
    if op == "ConcatV2":
        count = attrs["N"]
        return op, _data_inputs(node, count), {"axis": int(_const_input(node, count, by_name))}
    if op in _SAVER:
        raise _error(node, "the nodes of a tf.train.Saver (the 'save/' subgraph) are not "
                     "imported: import the graph without them and restore the checkpoint with "
                     "graphgrad's tf.train.Saver, which reads TensorFlow checkpoints.")
    raise _error(node, "this op type has no graphgrad mapping. Supported types: "
                 f"{', '.join(sorted(supported_tf_ops()))}.")


def _reduction(node, attrs, by_name):
    """A static-axis reduction when the axis input is a constant (the fast path), else the
    graphgrad op taking the axis as input 1."""
    keepdims = bool(attrs.get("keep_dims", False))
    axis = _const_value(node, 1, by_name)
    # A negative constant axis needs the input's rank, which the Dynamic op's shape rule reads.
    if axis is None or (np.asarray(axis) < 0).any():
        return "Dynamic" + node.op, list(node.input), {"keepdims": keepdims}
    return node.op, _data_inputs(node, 1), {
        "axis": tuple(int(a) for a in np.atleast_1d(axis)), "keepdims": keepdims}


def supported_tf_ops():
    """The TensorFlow op types a GraphDef may hold for import into graphgrad."""
    return {"Placeholder", "Const", "ArgMax", "ArgMin", "ExpandDims", "Transpose", "ConcatV2",
            "GatherV2"} | set(_PLAIN) | set(_RENAMED) | set(_REDUCTIONS)
