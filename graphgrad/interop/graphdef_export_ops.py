"""Which TensorFlow op (type, attrs, constant inputs) each graphgrad op is written as, for
graphdef_export.py: the reverse of graphdef_ops.py's mapping plus the ops TF spells the same, and
the graphgrad ops that are small subgraphs of TF ops (SumToShape, ReducedShape, ...).
"""
import numpy as np

from .graphdef_ops import _PLAIN, _REDUCTIONS, _RENAMED

_TO_TF = {gg: tf for tf, gg in _PLAIN.items() if tf != "AddV2"}
_TO_TF.update({gg: tf for tf, (gg, _) in _RENAMED.items()})
# graphgrad ops written as the TF op of the same type: the attrs TF's op takes besides T.
_RANDOM = ("seed", "seed2", "dtype")
_CONV = ("strides", "padding", "data_format", "dilations", "use_cudnn_on_gpu")
_POOL = ("ksize", "strides", "padding", "data_format")
_SAME = {
    "Assign": ("validate_shape", "use_locking"), "AssignAdd": ("use_locking",),
    "AssignSub": ("use_locking",), "ApplyGradientDescent": ("use_locking",),
    "ApplyMomentum": ("use_locking", "use_nesterov"), "ApplyAdam": ("use_locking", "use_nesterov"),
    "ApplyAdagrad": ("use_locking",), "ApplyRMSProp": ("use_locking",),
    "ApplyCenteredRMSProp": ("use_locking",), "ApplyAdadelta": ("use_locking",),
    "Size": ("out_type",), "Rank": (), "BroadcastTo": (), "ReluGrad": (), "Relu6Grad": (),
    "TanhGrad": (), "SigmoidGrad": (), "SoftmaxCrossEntropyWithLogits": (),
    "TruncatedNormal": _RANDOM, "RandomStandardNormal": _RANDOM, "RandomUniform": _RANDOM,
    "Conv2DBackpropInput": _CONV, "Conv2DBackpropFilter": _CONV, "MaxPoolGrad": _POOL,
    "AvgPoolGrad": _POOL, "BiasAddGrad": ("data_format",), "MaxPoolGradGrad": _POOL,
    "DepthwiseConv2dNative": _CONV[:4], "LRN": ("depth_radius", "bias", "alpha", "beta"),
    "LeakyReluGrad": ("alpha",), "CheckNumerics": ("message",),
    "Cumsum": ("exclusive", "reverse"), "Cumprod": ("exclusive", "reverse"),
    "Pad": (), "PadV2": (), "MirrorPad": ("mode",), "LinSpace": (), "OneHot": ("axis",),
    "ScatterNd": (), "TopKV2": ("sorted",), "ReverseSequence": ("seq_dim", "batch_dim"),
    "Unpack": ("num", "axis"), "GatherNd": (), "SplitV": ("num_split",),
    "StridedSliceGrad": ("begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask",
                         "shrink_axis_mask"),
    "MirrorPadGrad": ("mode",), "DepthwiseConv2dNativeBackpropInput": _CONV[:4],
    "DepthwiseConv2dNativeBackpropFilter": _CONV[:4], "Slice": (), "Split": ("num_split",),
    "FusedBatchNorm": ("epsilon", "data_format", "is_training"),
    "ResizeArea": ("align_corners",), "Print": ("message", "first_n", "summarize"),
}
_SAME.update({name: ("align_corners", "half_pixel_centers") for name in (
    "ResizeBilinear", "ResizeNearestNeighbor", "ResizeBicubic", "ResizeBilinearGrad",
    "ResizeNearestNeighborGrad", "ResizeBicubicGrad")})
_SAME.update({name: () for name in (
    "Atan", "Cos", "Sin", "Tan", "Erf", "Erfc", "Expm1", "Log1p", "Round", "IsFinite", "IsInf",
    "IsNan", "TruncateDiv", "TruncateMod", "EluGrad", "SeluGrad")})
# TF's type attrs besides T that each op requires, from the graphgrad tensor holding that dtype
# (T itself where it is not the first input's; None: the op has no T).
_TYPE_ATTRS = {"Reshape": {"Tshape": 1}, "StridedSlice": {"Index": 1}, "Tile": {"Tmultiples": 1},
               "BroadcastTo": {"Tidx": 1},
               "Conv2DBackpropInput": {"T": 1}, "AvgPoolGrad": {"T": 1},
               "Cumsum": {"Tidx": 1}, "Cumprod": {"Tidx": 1}, "Pad": {"Tpaddings": 1},
               "PadV2": {"Tpaddings": 1}, "MirrorPad": {"Tpaddings": 1}, "LinSpace": {"Tidx": 2},
               "OneHot": {"T": 2, "TI": 0}, "ScatterNd": {"T": 1, "Tindices": 0},
               "ReverseSequence": {"Tlen": 1}, "GatherNd": {"T": None, "Tparams": 0,
                                                            "Tindices": 1},
               "SplitV": {"Tlen": 1}, "StridedSliceGrad": {"T": 4, "Index": 0},
               "MirrorPadGrad": {"Tpaddings": 1}, "Slice": {"Index": 1},
               "DepthwiseConv2dNativeBackpropInput": {"T": 1}, "ResizeBilinearGrad": {"T": 1},
               "ResizeBicubicGrad": {"T": 1}, "Select": {"T": 1}, "SelectV2": {"T": 1},
               "Fill": {"index_type": 0, "T": 1}, "Range": {"Tidx": 0, "T": None},
               "SparseSoftmaxCrossEntropyWithLogits": {"Tlabels": 1}}


def _int32():
    from ..graph.dtypes import int32
    return int32


def tf_form(op):
    """(TF op type, extra constant inputs {suffix: value}, attrs) of a graphgrad op, or None
    where TF has no op for it."""
    t = {"T": op.inputs[0].dtype} if op.inputs else {}
    if op.type in _REDUCTIONS:
        axis = op.attrs["axis"]
        if axis is None:
            if op.inputs[0].shape.ndims is None:
                return None
            axis = list(range(op.inputs[0].shape.ndims))
        return op.type, {"reduction_indices": np.asarray(axis, np.int32)}, dict(
            t, Tidx=_int32(), keep_dims=bool(op.attrs["keepdims"]))
    if op.type in ("ArgMax", "ArgMin"):
        kind = "ArgMin" if op.attrs.get("which") == "min" else "ArgMax"
        return kind, {"dimension": np.asarray(op.attrs["axis"], np.int32)}, dict(
            t, Tidx=_int32(), output_type=op.attrs["output_type"])
    if op.type == "ExpandDims":
        return op.type, {"dim": np.asarray(op.attrs["axis"], np.int32)}, dict(t, Tdim=_int32())
    if op.type == "Transpose":
        perm = op.attrs["perm"]
        if perm is None:  # reverses the dims
            if op.inputs[0].shape.ndims is None:
                return None
            perm = list(range(op.inputs[0].shape.ndims))[::-1]
        return op.type, {"perm": np.asarray(perm, np.int32)}, dict(t, Tperm=_int32())
    if op.type == "ConcatV2":
        return op.type, {"axis": np.asarray(op.attrs["axis"], np.int32)}, dict(
            t, N=len(op.inputs), Tidx=_int32())
    if op.type.startswith("Dynamic") and op.type[7:] in _REDUCTIONS:  # axis as an input
        return op.type[7:], {}, dict(t, Tidx=op.inputs[1].dtype, keep_dims=op.attrs["keepdims"])
    if op.type == "MatMul" and any(x.shape.ndims != 2 for x in op.inputs):
        return "BatchMatMulV2", {}, dict(t, adj_x=op.attrs["transpose_a"],
                                         adj_y=op.attrs["transpose_b"])
    if op.type in ("OnesLike", "ZerosLike") and op.attrs.get("dtype") not in (
            None, op.inputs[0].dtype):
        return None  # written through _lower_like
    if op.type == "PlaceholderWithDefault":
        return op.type, {}, {"dtype": op.inputs[0].dtype, "shape": op.outputs[0].shape}
    extra = {}
    if op.type in ("GatherV2", "ReverseV2", "SplitV", "Split"):  # the axis is an input in TF
        extra = {"axis": np.asarray(op.attrs["axis"], np.int32)}
        t = dict(t, Tparams=t["T"], Tindices=op.inputs[1].dtype, Taxis=_int32(),
                 batch_dims=0) if op.type == "GatherV2" else dict(t, Tidx=_int32())
        if op.type == "GatherV2":
            del t["T"]
        elif op.type in ("SplitV", "Split"):
            del t["Tidx"]
            extra["split_dim"] = extra.pop("axis")
    if op.type in _TO_TF:
        tf_type = _TO_TF[op.type]
        attrs = {} if op.type == "NoOp" else dict(t)
        if tf_type in _RENAMED:
            attrs.update({tf_name: op.attrs[gg_name] for gg_name, tf_name
                          in _RENAMED[tf_type][1].items() if gg_name in op.attrs})
    elif op.type in _SAME or op.type in ("GatherV2", "ReverseV2"):
        tf_type = op.type
        attrs = dict(t, **{k: op.attrs[k] for k in _SAME.get(op.type, ()) if k in op.attrs})
    else:
        return None
    if op.type == "Cast":
        attrs = {"SrcT": op.inputs[0].dtype, "DstT": op.attrs["DstT"]}
    if op.type in ("Pack", "AddN"):
        attrs["N"] = len(op.inputs)
    if op.type == "DynamicStitch":  # indices first, then the data
        attrs["T"] = op.inputs[len(op.inputs) // 2].dtype
    if op.type == "Print":
        attrs["U"] = [x.dtype for x in op.inputs[1:]]
    for name, index in _TYPE_ATTRS.get(op.type, {}).items():
        if index is None:
            attrs.pop(name, None)
        else:
            attrs[name] = op.inputs[index].dtype
    return tf_type, extra, attrs


def node_attrs(op):
    """tf_form(op), or ValueError naming the op when TF has no op for it."""
    form = tf_form(op)
    if form is None:
        from .. import errors
        raise ValueError(f"Cannot write op {errors.describe_op(op)} to a TensorFlow GraphDef: "
                         f"op type '{op.type}' has no TensorFlow mapping here.")
    return form


# --- graphgrad ops that are small subgraphs in TF: (op, inputs, add) -> (type, inputs, attrs),
# where add(suffix, type, inputs, attrs) writes a helper node and returns its name.
def _lower_sum_to_shape(op, inputs, add):
    grad, shape = inputs
    index = op.inputs[1].dtype
    t = {"T": op.inputs[0].dtype}
    grad_shape = add("Shape", "Shape", [grad], dict(t, out_type=index))
    axes = add("BroadcastGradientArgs", "BroadcastGradientArgs", [shape, grad_shape],
               {"T": index})
    total = add("Sum", "Sum", [grad, axes], dict(t, Tidx=index, keep_dims=False))
    return "Reshape", [total, shape], dict(t, Tshape=index)


def _lower_reduced_shape(op, inputs, add):
    (shape,) = inputs
    index = op.inputs[0].dtype
    if op.attrs["axis"] is None:
        return "OnesLike", [shape], {"T": index}
    values = np.atleast_1d(np.asarray(op.attrs["axis"], index.as_numpy_dtype))
    rank = add("Size", "Size", [shape], {"T": index, "out_type": index})
    axes = add("mod", "FloorMod", [add("axes", "Const", [], {"value": values}), rank],
               {"T": index})
    start = add("range/start", "Const", [], {"value": np.asarray(0, values.dtype)})
    delta = add("range/delta", "Const", [], {"value": np.asarray(1, values.dtype)})
    dims = add("range", "Range", [start, rank, delta], {"Tidx": index})
    ones = add("ones", "Const", [], {"value": np.ones(values.size, values.dtype)})
    return "DynamicStitch", [dims, axes, shape, ones], {"N": 2, "T": index}


def _lower_sigmoid_xent(op, inputs, add):
    """TF builds it from smaller ops: max(x, 0) - x * z + log1p(exp(-|x|))."""
    logits, labels = inputs
    t = {"T": op.inputs[0].dtype}
    relu = add("Relu", "Relu", [logits], t)
    product = add("mul", "Mul", [logits, labels], t)
    softplus = add("Log1p", "Log1p", [add("Exp", "Exp", [add("Neg", "Neg", [
        add("Abs", "Abs", [logits], t)], t)], t)], t)
    return "AddV2", [add("sub", "Sub", [relu, product], t), softplus], t


def _lower_like(op, inputs, add):
    """OnesLike/ZerosLike with another dtype than their input's (TF's keep it): then a Cast."""
    source, target = op.inputs[0].dtype, op.attrs.get("dtype") or op.inputs[0].dtype
    if target == source:
        return op.type, inputs, {"T": source}
    like = add(op.type, op.type, inputs, {"T": source})
    return "Cast", [like], {"SrcT": source, "DstT": target}


LOWERINGS = {"SumToShape": _lower_sum_to_shape, "ReducedShape": _lower_reduced_shape,
             "OnesLike": _lower_like, "ZerosLike": _lower_like,
             "SigmoidCrossEntropyWithLogits": _lower_sigmoid_xent}
