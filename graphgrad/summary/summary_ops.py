"""tf.summary ops: each run produces a serialized `Summary` protobuf (a tf.string scalar).

The protobuf classes come from tensorboardX (the optional extra `graphgrad[tensorboard]`),
imported only when a summary op is built or run, so `import graphgrad` stays light.
"""
import struct
import zlib

import numpy as np

from .. import errors
from ..graph import dtypes
from ..graph.constant import convert_to_tensor
from ..graph.default import name_scope
from ..graph.graph import GraphKeys, get_default_graph
from ..graph.registry import register_op
from ..graph.shapes import TensorShape


def protos():
    """tensorboardX's protobuf modules; ImportError with the fix when it is not installed."""
    try:
        from tensorboardX.proto import summary_pb2, tensor_pb2, tensor_shape_pb2
    except ImportError:
        raise ImportError("tf.summary needs tensorboardX: pip install 'graphgrad[tensorboard]' "
                          "(or pip install tensorboardX).") from None
    return summary_pb2, tensor_pb2, tensor_shape_pb2


def _as_bytes(serialized):
    return serialized if isinstance(serialized, bytes) else bytes(np.asarray(serialized)[()])


def _summary_op(op_type, kernel):
    return register_op(op_type, shape=lambda *inputs, **_: TensorShape([]), kernel=kernel,
                       dtype=dtypes.string, same_dtype=False, differentiable=False,
                       bind=lambda op, state: {"where": op})


# --- kernels: arrays in, serialized Summary bytes out ---
def _scalar_kernel(xp, value, tag, where):
    if np.ndim(value) != 0:
        raise errors.InvalidArgumentError(
            None, where, f"tags and values not the same shape: [] != {list(np.shape(value))} "
                         f"(tag '{tag}') in op {errors.describe_op(where)}")
    summary_pb2 = protos()[0]
    return summary_pb2.Summary(value=[summary_pb2.Summary.Value(
        tag=tag, simple_value=float(value))]).SerializeToString()


def _default_bucket_limits():
    """TF's histogram buckets: +-1e-12 growing by 10% up to 1e20, then the double max."""
    positive = [1e-12]
    while positive[-1] < 1e20:
        positive.append(positive[-1] * 1.1)
    return [-v for v in reversed(positive)] + [0.0] + positive + [np.finfo(np.float64).max]


_LIMITS = None


def _histogram_kernel(xp, values, tag, where):
    global _LIMITS
    summary_pb2 = protos()[0]
    v = np.asarray(values, dtype=np.float64).reshape(-1)
    if not np.all(np.isfinite(v)):
        raise errors.InvalidArgumentError(
            None, where, f"Nan in summary histogram for: {tag}\n  in op "
                         f"{errors.describe_op(where)}")
    if _LIMITS is None:
        _LIMITS = np.array(_default_bucket_limits())
    counts = np.bincount(np.searchsorted(_LIMITS, v, side="right"), minlength=len(_LIMITS))
    counts = counts[:len(_LIMITS)]
    # Like TF, only the span of non-empty buckets is written.
    nonzero = np.nonzero(counts)[0]
    lo, hi = (nonzero[0], nonzero[-1] + 1) if nonzero.size else (0, 0)
    histo = summary_pb2.HistogramProto(
        min=float(v.min()) if v.size else 0.0, max=float(v.max()) if v.size else 0.0,
        num=float(v.size), sum=float(v.sum()), sum_squares=float(np.dot(v, v)),
        bucket_limit=_LIMITS[lo:hi].tolist(), bucket=counts[lo:hi].astype(float).tolist())
    return summary_pb2.Summary(value=[summary_pb2.Summary.Value(
        tag=tag, histo=histo)]).SerializeToString()


def encode_png(image):
    """PNG bytes of a uint8 [height, width, channels] array (1, 3 or 4 channels)."""
    h, w, c = image.shape
    color = {1: 0, 3: 2, 4: 6}[c]
    raw = b"".join(b"\x00" + image[y].tobytes() for y in range(h))

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", w, h, 8, color, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))


def _to_uint8(batch):
    """TF's rule: floats all >= 0 are scaled so the largest is 255; with negatives, scaled so
    0.0 lands at 127; uint8 passes through."""
    if batch.dtype == np.uint8:
        return batch
    b = batch.astype(np.float64)
    if b.size and b.min() >= 0:
        scale = 255.0 / b.max() if b.max() > 0 else 0.0
        return np.clip(np.round(b * scale), 0, 255).astype(np.uint8)
    peak = np.abs(b).max() if b.size else 0.0
    scale = 127.0 / peak if peak > 0 else 0.0
    return np.clip(np.round(b * scale + 127), 0, 255).astype(np.uint8)


def _image_kernel(xp, tensor, tag, max_images, where):
    summary_pb2 = protos()[0]
    batch = _to_uint8(np.asarray(tensor))
    values = []
    for i in range(min(max_images, batch.shape[0])):
        h, w, c = batch[i].shape
        image = summary_pb2.Summary.Image(height=h, width=w, colorspace=c,
                                          encoded_image_string=encode_png(batch[i]))
        name = f"{tag}/image" if max_images == 1 else f"{tag}/image/{i}"
        values.append(summary_pb2.Summary.Value(tag=name, image=image))
    return summary_pb2.Summary(value=values).SerializeToString()


def _text_kernel(xp, tensor, tag, where):
    summary_pb2, tensor_pb2, shape_pb2 = protos()
    arr = np.asarray(tensor, dtype=object)
    proto = tensor_pb2.TensorProto(
        dtype=7, string_val=[_as_bytes(s) if not isinstance(s, str) else s.encode()
                             for s in arr.reshape(-1)],
        tensor_shape=shape_pb2.TensorShapeProto(
            dim=[shape_pb2.TensorShapeProto.Dim(size=d) for d in arr.shape]))
    metadata = summary_pb2.SummaryMetadata(
        plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name="text"))
    return summary_pb2.Summary(value=[summary_pb2.Summary.Value(
        tag=tag, metadata=metadata, tensor=proto)]).SerializeToString()


def _merge_kernel(xp, *serialized, where):
    summary_pb2 = protos()[0]
    merged = summary_pb2.Summary()
    seen = set()
    for s in serialized:
        part = summary_pb2.Summary.FromString(_as_bytes(s))
        for value in part.value:
            if value.tag in seen:
                raise errors.InvalidArgumentError(
                    None, where, f"Duplicate tag {value.tag} found in summary inputs\n  in op "
                                 f"{errors.describe_op(where)}")
            seen.add(value.tag)
        merged.MergeFrom(part)
    return merged.SerializeToString()


SCALAR_SUMMARY = _summary_op("ScalarSummary", _scalar_kernel)
HISTOGRAM_SUMMARY = _summary_op("HistogramSummary", _histogram_kernel)
IMAGE_SUMMARY = _summary_op("ImageSummary", _image_kernel)
TEXT_SUMMARY = _summary_op("TensorSummaryV2", _text_kernel)
MERGE_SUMMARY = _summary_op("MergeSummary", _merge_kernel)


# --- the public functions ---
def _collect(op_output, collections):
    graph = op_output.graph
    for key in (collections if collections is not None else [GraphKeys.SUMMARIES]):
        graph.add_to_collection(key, op_output)
    return op_output


def _build(opdef, name, tensor, collections, family, check=None, **attrs):
    protos()
    # TF1's summary_scope: the scope is 'family/name'; the tag prefixes the family once more.
    base = name if family is None else f"{family}/{name}"
    with name_scope(base, values=[tensor]) as scope:
        tensor = convert_to_tensor(tensor)
        if check is not None:
            check(tensor)
        tag = scope.rstrip("/") if family is None else f"{family}/{scope.rstrip('/')}"
        out = opdef(tensor, tag=tag, name=scope.rstrip("/") + "/", **attrs)
    return _collect(out, collections)


def _check_scalar(t):
    if t.shape.ndims not in (None, 0):
        raise ValueError(f"tags and values not the same shape: [] != {t.shape.short()} "
                         f"(summary value '{t.name}' must be a scalar)")


def _check_image(t):
    if t.shape.ndims not in (None, 4) or (t.shape.ndims == 4 and t.shape[3].value not in
                                          (None, 1, 3, 4)):
        raise ValueError(f"Tensor must be 4-D with last dim 1, 3, or 4, not {t.shape.short()} "
                         f"('{t.name}')")


def scalar(name, tensor, collections=None, family=None):
    """A summary of one number; its tag is the scoped `name` (TF1 `tf.summary.scalar`)."""
    return _build(SCALAR_SUMMARY, name, tensor, collections, family, check=_check_scalar)


def histogram(name, values, collections=None, family=None):
    """A histogram of all entries of `values`, in TF's default buckets (TF1
    `tf.summary.histogram`)."""
    return _build(HISTOGRAM_SUMMARY, name, values, collections, family)


def image(name, tensor, max_outputs=3, collections=None, family=None):
    """Up to `max_outputs` PNG images from a [batch, height, width, 1|3|4] tensor, tagged
    'name/image/i' (TF1 `tf.summary.image`)."""
    return _build(IMAGE_SUMMARY, name, tensor, collections, family, check=_check_image,
                  max_images=int(max_outputs))


def text(name, tensor, collections=None):
    """A string tensor shown in TensorBoard's Text tab (TF1 `tf.summary.text`)."""
    from ..ops.logging_ops import as_tensor_or_string
    protos()
    with name_scope(name) as scope:
        tensor = as_tensor_or_string(tensor)
        if tensor.dtype != dtypes.string:
            raise ValueError(f"Expected tensor {tensor.name} to have dtype string, got "
                             f"{tensor.dtype.name}")
        out = TEXT_SUMMARY(tensor, tag=scope.rstrip("/"), name=scope.rstrip("/") + "/")
    return _collect(out, collections)


def merge(inputs, collections=None, name=None):
    """One summary holding the values of all `inputs` (TF1 `tf.summary.merge`)."""
    inputs = [convert_to_tensor(t) for t in inputs]
    protos()
    with name_scope(name, "Merge", inputs) as scope:
        out = MERGE_SUMMARY(*inputs, name=scope)
    return _collect(out, collections) if collections else out


def merge_all(key=GraphKeys.SUMMARIES, scope=None, name=None):
    """Merges every summary in collection `key` of the default graph; None when there are none
    (TF1 `tf.summary.merge_all`)."""
    summaries = get_default_graph().get_collection(key, scope=scope)
    if not summaries:
        return None
    return merge(summaries, name=name)
