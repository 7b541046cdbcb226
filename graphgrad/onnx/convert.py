"""The mapping of graphgrad op types onto ONNX nodes (opset 13 and later), one converter per op
type `(ctx, op)`; export.py walks the graph. TF's NHWC convolutions and pools are transposed to
ONNX's NCHW and back around the ONNX node.
"""
import numpy as np

# graphgrad op type -> ONNX op type, for ops whose inputs and outputs map one to one.
_ELEMENTWISE = {
    "Add": "Add", "AddV2": "Add", "Sub": "Sub", "Mul": "Mul", "RealDiv": "Div", "Div": "Div",
    "Maximum": "Max", "Minimum": "Min", "Pow": "Pow", "Neg": "Neg", "Exp": "Exp", "Log": "Log",
    "Sqrt": "Sqrt", "Abs": "Abs", "Floor": "Floor", "Ceil": "Ceil", "Reciprocal": "Reciprocal",
    "Relu": "Relu", "Sigmoid": "Sigmoid", "Tanh": "Tanh", "Softplus": "Softplus", "Elu": "Elu",
    "Sign": "Sign", "Equal": "Equal", "Greater": "Greater", "Less": "Less",
    "GreaterEqual": "GreaterOrEqual", "LessEqual": "LessOrEqual", "LogicalAnd": "And",
    "LogicalOr": "Or", "LogicalNot": "Not", "Erf": "Erf", "Sin": "Sin", "Cos": "Cos",
}
_REDUCTIONS = {"Sum": "ReduceSum", "Mean": "ReduceMean", "Max": "ReduceMax",
               "Min": "ReduceMin", "Prod": "ReduceProd"}
_NHWC_TO_NCHW = [0, 3, 1, 2]
_NCHW_TO_NHWC = [0, 2, 3, 1]


def onnx_dtype(onnx, dtype):
    return onnx.helper.np_dtype_to_tensor_dtype(np.dtype(dtype.as_numpy_dtype))


def _names(tensors):
    return [t.name for t in tensors]


def _out(op):
    return [op.outputs[0].name]


def _elementwise(ctx, op):
    ctx.node(_ELEMENTWISE[op.type], _names(op.inputs), _out(op), name=op.name)


def _bias_add(ctx, op):
    if op.attrs.get("data_format", "NHWC") not in ("NHWC", "N...C", None):
        raise ValueError(f"export: BiasAdd '{op.name}' with data_format "
                         f"{op.attrs['data_format']} has no ONNX mapping (only NHWC).")
    ctx.node("Add", _names(op.inputs), _out(op), name=op.name)


def _square(ctx, op):
    x = op.inputs[0].name
    ctx.node("Mul", [x, x], _out(op), name=op.name)


def _rsqrt(ctx, op):
    (root,) = ctx.node("Sqrt", [op.inputs[0].name])
    ctx.node("Reciprocal", [root], _out(op), name=op.name)


def _relu6(ctx, op):
    dtype = op.outputs[0].dtype.as_numpy_dtype
    lo, hi = ctx.const(np.array(0, dtype)), ctx.const(np.array(6, dtype))
    ctx.node("Clip", [op.inputs[0].name, lo, hi], _out(op), name=op.name)


def _leaky_relu(ctx, op):
    ctx.node("LeakyRelu", [op.inputs[0].name], _out(op), name=op.name,
             alpha=float(op.attrs.get("alpha", 0.2)))


def _softmax(ctx, op):
    # Opset 13 softmaxes along one axis, as TF does (older opsets flatten to 2-D first).
    kind = "Softmax" if op.type == "Softmax" else "LogSoftmax"
    ctx.node(kind, [op.inputs[0].name], _out(op), name=op.name, axis=-1)


def _matmul(ctx, op):
    a, b = _names(op.inputs)
    if op.attrs.get("transpose_a") or op.attrs.get("adj_x"):
        (a,) = ctx.node("Transpose", [a], perm=_swap_last(op.inputs[0]))
    if op.attrs.get("transpose_b") or op.attrs.get("adj_y"):
        (b,) = ctx.node("Transpose", [b], perm=_swap_last(op.inputs[1]))
    ctx.node("MatMul", [a, b], _out(op), name=op.name)


def _swap_last(tensor):
    rank = tensor.shape.ndims
    if rank is None:
        raise ValueError(f"export: transposed matmul input {tensor.name} needs a known rank.")
    return list(range(rank - 2)) + [rank - 1, rank - 2]


def _cast(ctx, op):
    ctx.node("Cast", [op.inputs[0].name], _out(op), name=op.name,
             to=onnx_dtype(ctx.onnx, op.outputs[0].dtype))


def _int64_input(ctx, tensor):
    """`tensor` (a shape or axes vector) as an int64 ONNX input: a constant when it is one."""
    value = ctx.value(tensor)
    if value is not None:
        return ctx.const(np.asarray(value, np.int64), "shape")
    (cast,) = ctx.node("Cast", [tensor.name], to=ctx.onnx.TensorProto.INT64)
    return cast


def _reshape(ctx, op):
    ctx.node("Reshape", [op.inputs[0].name, _int64_input(ctx, op.inputs[1])], _out(op),
             name=op.name)


def _axes_list(axis):
    if axis is None:
        return None
    return [int(a) for a in np.atleast_1d(np.asarray(axis))]


def _reduction(ctx, op):
    axes = _axes_list(op.attrs.get("axis"))
    keepdims = int(bool(op.attrs.get("keepdims", False)))
    kind = _REDUCTIONS[op.type]
    inputs = [op.inputs[0].name]
    attrs = {"keepdims": keepdims}
    axes_as_input = ctx.opset >= 18 or (kind == "ReduceSum" and ctx.opset >= 13)
    if axes is not None and axes_as_input:
        inputs.append(ctx.const(np.asarray(axes, np.int64), "axes"))
    elif axes is not None:
        attrs["axes"] = axes
    if axes == []:
        ctx.node("Identity", inputs[:1], _out(op), name=op.name)
        return
    ctx.node(kind, inputs, _out(op), name=op.name, **attrs)


def _arg_max(ctx, op):
    kind = "ArgMin" if op.type == "ArgMin" or op.attrs.get("which") == "min" else "ArgMax"
    axis = op.attrs.get("axis", 0)
    if axis is None:
        axis = 0
    if op.outputs[0].dtype.name == "int64":
        ctx.node(kind, [op.inputs[0].name], _out(op), name=op.name, axis=int(axis), keepdims=0)
        return
    (index,) = ctx.node(kind, [op.inputs[0].name], axis=int(axis), keepdims=0)
    ctx.node("Cast", [index], _out(op), name=op.name, to=onnx_dtype(ctx.onnx, op.outputs[0].dtype))


def _nhwc(ctx, op, onnx_type, inputs_nchw, **attrs):
    """Runs an NCHW ONNX node on NHWC tensors: transposes in, runs, transposes the result back."""
    if op.attrs.get("data_format", "NHWC") == "NCHW":
        ctx.node(onnx_type, inputs_nchw, _out(op), name=op.name, **attrs)
        return
    (x,) = ctx.node("Transpose", [inputs_nchw[0]], perm=_NHWC_TO_NCHW)
    (y,) = ctx.node(onnx_type, [x] + inputs_nchw[1:], name=op.name, **attrs)
    ctx.node("Transpose", [y], _out(op), perm=_NCHW_TO_NHWC)


def _spatial(op, key):
    values = list(op.attrs[key])
    return values[2:4] if op.attrs.get("data_format", "NHWC") == "NCHW" else values[1:3]


def _auto_pad(op):
    padding = op.attrs["padding"]
    padding = padding.decode() if isinstance(padding, bytes) else padding
    if padding not in ("SAME", "VALID"):
        raise ValueError(f"export: {op.type} '{op.name}' with padding {padding!r} has no ONNX "
                         "mapping (only SAME and VALID).")
    # TF puts the odd padding element at the end, as ONNX's SAME_UPPER does.
    return "SAME_UPPER" if padding == "SAME" else "VALID"


def _conv2d(ctx, op):
    (w,) = ctx.node("Transpose", [op.inputs[1].name], perm=[3, 2, 0, 1])  # HWIO -> OIHW
    kernel = op.inputs[1].shape.as_list()[:2] if op.inputs[1].shape.is_fully_defined() else None
    attrs = {"strides": _spatial(op, "strides"), "auto_pad": _auto_pad(op),
             "dilations": _spatial(op, "dilations") if "dilations" in op.attrs else [1, 1]}
    if kernel is not None:
        attrs["kernel_shape"] = kernel
    _nhwc(ctx, op, "Conv", [op.inputs[0].name, w], **attrs)


def _pool(ctx, op):
    kind = "MaxPool" if op.type == "MaxPool" else "AveragePool"
    attrs = {"kernel_shape": _spatial(op, "ksize"), "strides": _spatial(op, "strides"),
             "auto_pad": _auto_pad(op)}
    _nhwc(ctx, op, kind, [op.inputs[0].name], **attrs)


def _transpose(ctx, op):
    perm = op.attrs.get("perm")
    if perm is None and len(op.inputs) > 1:
        perm = ctx.value(op.inputs[1])
    attrs = {} if perm is None else {"perm": [int(p) for p in perm]}
    ctx.node("Transpose", [op.inputs[0].name], _out(op), name=op.name, **attrs)


def _concat(ctx, op):
    ctx.node("Concat", _names(op.inputs), _out(op), name=op.name, axis=int(op.attrs["axis"]))


def _squeeze(ctx, op):
    dims = op.attrs.get("squeeze_dims", op.attrs.get("axis"))
    inputs = [op.inputs[0].name]
    if dims:
        inputs.append(ctx.const(np.asarray(list(dims), np.int64), "axes"))
    ctx.node("Squeeze", inputs, _out(op), name=op.name)


def _expand_dims(ctx, op):
    axis = op.attrs.get("axis")
    if axis is None:
        axis = ctx.value(op.inputs[1])
    axes = ctx.const(np.asarray(_axes_list(axis), np.int64), "axes")
    ctx.node("Unsqueeze", [op.inputs[0].name, axes], _out(op), name=op.name)


def _shape(ctx, op):
    if op.outputs[0].dtype.name == "int64":
        ctx.node("Shape", [op.inputs[0].name], _out(op), name=op.name)
        return
    (shape,) = ctx.node("Shape", [op.inputs[0].name])
    ctx.node("Cast", [shape], _out(op), name=op.name, to=onnx_dtype(ctx.onnx, op.outputs[0].dtype))


def _pack(ctx, op):
    axis = int(op.attrs.get("axis", 0))
    axes = ctx.const(np.asarray([axis], np.int64), "axes")
    parts = [ctx.node("Unsqueeze", [t.name, axes])[0] for t in op.inputs]
    ctx.node("Concat", parts, _out(op), name=op.name, axis=axis)


_INT64_MAX, _INT64_MIN = np.iinfo(np.int64).max, np.iinfo(np.int64).min


def _strided_slice(ctx, op):
    begin, end, strides = (ctx.value(t) for t in op.inputs[1:4])
    if begin is None or end is None or strides is None or op.attrs["ellipsis_mask"] \
            or op.attrs["new_axis_mask"]:
        raise ValueError(f"export: StridedSlice '{op.name}' has no ONNX mapping unless its "
                         "begin, end and strides are constants and it uses no ellipsis or "
                         "new-axis masks.")
    starts, ends, steps, shrink = [], [], [], []
    for i, (b, e, s) in enumerate(zip(begin.tolist(), end.tolist(), strides.tolist())):
        if op.attrs["shrink_axis_mask"] >> i & 1:
            starts.append(b)
            ends.append(_INT64_MAX if b == -1 else b + 1)
            steps.append(1)
            shrink.append(i)
            continue
        starts.append((0 if s > 0 else _INT64_MAX) if op.attrs["begin_mask"] >> i & 1 else b)
        ends.append((_INT64_MAX if s > 0 else _INT64_MIN) if op.attrs["end_mask"] >> i & 1
                    else e)
        steps.append(s)
    vectors = [ctx.const(np.asarray(v, np.int64), "slice")
               for v in (starts, ends, list(range(len(starts))), steps)]
    if not shrink:
        ctx.node("Slice", [op.inputs[0].name] + vectors, _out(op), name=op.name)
        return
    (sliced,) = ctx.node("Slice", [op.inputs[0].name] + vectors)
    axes = ctx.const(np.asarray(shrink, np.int64), "axes")
    ctx.node("Squeeze", [sliced, axes], _out(op), name=op.name)


def _fused_batch_norm(ctx, op):
    if op.attrs.get("is_training", True):
        raise ValueError(f"export: FusedBatchNorm '{op.name}' maps to ONNX only in inference "
                         "mode (is_training=False).")
    _nhwc(ctx, op, "BatchNormalization", _names(op.inputs),
          epsilon=float(op.attrs.get("epsilon", 1e-3)))
    # In inference mode TF returns the given mean and variance as the batch statistics.
    for out, source in zip(op.outputs[1:3], op.inputs[3:5]):
        ctx.node("Identity", [source.name], [out.name])


def _depthwise_conv2d(ctx, op):
    shape = op.inputs[1].shape
    if not shape.is_fully_defined():
        raise ValueError(f"export: DepthwiseConv2dNative '{op.name}' needs a filter of known "
                         "shape.")
    height, width, channels, multiplier = shape.as_list()
    # TF's output channel c * multiplier + m is ONNX's group c, channel m.
    flat = ctx.const(np.asarray([height, width, 1, channels * multiplier], np.int64), "shape")
    (w,) = ctx.node("Reshape", [op.inputs[1].name, flat])
    (w,) = ctx.node("Transpose", [w], perm=[3, 2, 0, 1])
    _nhwc(ctx, op, "Conv", [op.inputs[0].name, w], group=channels,
          kernel_shape=[height, width], strides=_spatial(op, "strides"),
          dilations=_spatial(op, "dilations"), auto_pad=_auto_pad(op))


_CONVERTERS = {t: _elementwise for t in _ELEMENTWISE}
_CONVERTERS.update({t: _reduction for t in _REDUCTIONS})
_CONVERTERS.update({
    "BiasAdd": _bias_add, "Square": _square, "Rsqrt": _rsqrt, "Relu6": _relu6,
    "LeakyRelu": _leaky_relu, "Softmax": _softmax, "LogSoftmax": _softmax, "MatMul": _matmul,
    "BatchMatMul": _matmul, "Cast": _cast, "Reshape": _reshape, "ArgMax": _arg_max,
    "ArgMin": _arg_max, "Conv2D": _conv2d, "MaxPool": _pool, "AvgPool": _pool,
    "Transpose": _transpose, "ConcatV2": _concat, "Squeeze": _squeeze,
    "ExpandDims": _expand_dims, "Shape": _shape, "Pack": _pack,
    "StridedSlice": _strided_slice, "FusedBatchNorm": _fused_batch_norm,
    "DepthwiseConv2dNative": _depthwise_conv2d,
})


def supported_op_types():
    """The graphgrad op types `export` can map (besides Const, variables and Identity-likes)."""
    return sorted(_CONVERTERS)


def convert_op(ctx, op):
    converter = _CONVERTERS.get(op.type)
    if converter is None:
        from .. import errors
        raise ValueError(
            f"export: op {errors.describe_op(op)} of type '{op.type}' has no ONNX mapping. "
            f"Supported op types: {', '.join(supported_op_types())}. Cut the graph before it "
            "(list its output in `inputs`) or compute it outside the model.")
    converter(ctx, op)
