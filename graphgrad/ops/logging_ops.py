"""Printing from inside a run: `tf.Print` (an identity that logs) and `tf.print` (an op).

Both write through Python's sys.stderr/sys.stdout at run time, so they show in notebooks.
The value formatting (TF's SummarizeValue, v1 and v2 styles) lives here for check_ops too.
"""
import sys
import weakref

import numpy as np

from ..graph import dtypes
from ..graph.constant import CONST, convert_to_tensor
from ..graph.registry import register_op
from ..graph.shapes import TensorShape
from ..graph.tensor import Tensor

# Per-session print counts (first_n): TF counts per kernel instance, and kernels are per session.
_COUNTS = weakref.WeakKeyDictionary()


def string_constant(text, name="Const"):
    """A scalar tf.string Const holding `text` (UTF-8 bytes), as `tf.constant(text)` makes, for
    the logging ops' messages and formats."""
    value = np.array(text.encode() if isinstance(text, str) else bytes(text), dtype=object)
    value.flags.writeable = False
    return CONST(value=value, dtype=dtypes.string, name=name)


def as_tensor_or_string(value):
    """Python strings become string Consts; everything else goes through convert_to_tensor."""
    if isinstance(value, (str, bytes)):
        return string_constant(value)
    return convert_to_tensor(value)


# --- formatting, as TF's Tensor::SummarizeValue ---
def format_element(v):
    """One element as TF's StrCat prints it: shortest %g that round-trips, bools as 1/0."""
    if isinstance(v, (bytes, np.bytes_)):
        return v.decode(errors="replace")
    if isinstance(v, str):
        return v
    if isinstance(v, (bool, np.bool_)):
        return "1" if v else "0"
    if isinstance(v, (np.floating, float)):
        if isinstance(v, np.float64) or type(v) is float:
            digits = (15, 17)
        else:
            digits = (6, 9)
        text = f"{float(v):.{digits[0]}g}"
        if np.array(float(text), dtype=np.asarray(v).dtype) != v and v == v:
            text = f"{float(v):.{digits[1]}g}"
        return {"nan": "nan", "inf": "inf", "-inf": "-inf"}.get(text, text)
    if isinstance(v, (np.complexfloating, complex)):
        return f"({format_element(v.real)},{format_element(v.imag)})"
    return str(v)


def summarize_v1(array, summarize=3):
    """TF1's SummarizeValue: the first `summarize` elements in row-major order, nested brackets
    for rank >= 2, '...' when truncated; summarize < 0 prints everything."""
    a = np.asarray(array)
    flat = a.reshape(-1)
    limit = flat.size if summarize is None or summarize < 0 else min(summarize, flat.size)
    if a.ndim <= 1:
        out = " ".join(format_element(x) for x in flat[:limit])
    else:
        parts = []
        _one_dim(a.shape, 0, flat, limit, [0], parts)
        out = "".join(parts)
    return out + ("..." if flat.size > limit else "")


def _one_dim(shape, dim, flat, limit, index, out):
    if index[0] >= limit:
        return
    if dim == len(shape) - 1:
        for i in range(shape[dim]):
            if index[0] >= limit:
                out.append("...")
                return
            if i > 0:
                out.append(" ")
            out.append(format_element(flat[index[0]]))
            index[0] += 1
        return
    for _ in range(shape[dim]):
        opened = index[0] < limit
        if opened:
            out.append("[")
        _one_dim(shape, dim + 1, flat, limit, index, out)
        if opened:
            out.append("]")


def summarize_v2(array, summarize=3, quote_strings=True):
    """tf.print's format: numpy-like nested brackets, the first and last `summarize` entries of
    each dimension around '...'; a scalar prints bare."""
    a = np.asarray(array)
    if a.ndim == 0:
        return _element_v2(a[()], False)
    return _block_v2(a, summarize, quote_strings, 1)


def _element_v2(v, quote):
    text = format_element(v)
    return f'"{text}"' if quote and isinstance(v, (bytes, str)) else text


def _block_v2(a, n, quote, depth):
    size = a.shape[0]
    if n is not None and n >= 0 and size > 2 * n:
        idx = list(range(n)) + [None] + list(range(size - n, size))
    else:
        idx = list(range(size))
    if a.ndim == 1:
        return "[" + " ".join("..." if i is None else _element_v2(a[i], quote) for i in idx) + "]"
    sep = "\n" * (a.ndim - 1) + " " * depth
    rows = ["..." if i is None else _block_v2(a[i], n, quote, depth + 1) for i in idx]
    return "[" + sep.join(rows) + "]"


def _stream_write(stream, text):
    """Writes to sys.stderr/stdout as they are now (notebooks and pytest swap them)."""
    if stream in ("stderr", "stdout"):
        target = getattr(sys, stream)
        target.write(text)
        target.flush()
    elif isinstance(stream, str) and stream.startswith("file://"):
        with open(stream[len("file://"):], "a") as f:
            f.write(text)
    elif callable(stream):  # a logging function such as logging.info
        stream(text[:-1] if text.endswith("\n") else text)
    else:
        stream.write(text)


def _count(op, state):
    counts = _COUNTS.setdefault(state, {})
    counts.setdefault(op.name, [0])
    return counts[op.name]


# --- tf.Print ---
def _print_kernel(xp, x, *data, message, first_n, summarize, counter):
    if first_n < 0 or counter[0] < first_n:
        counter[0] += 1
        text = message + "".join(f"[{summarize_v1(d, summarize)}]" for d in data)
        _stream_write("stderr", text + "\n")
    return x


PRINT = register_op(
    "Print", shape=lambda x, *data, **_: x.shape, kernel=_print_kernel, same_dtype=False,
    stateful=True, bind=lambda op, state: {"counter": _count(op, state)},
    grad=lambda op, grad: [grad] + [None] * (len(op.inputs) - 1))


def Print(input_, data, message=None, first_n=None, summarize=None, name=None):  # noqa: N802
    """Returns `input_` unchanged; when it runs, prints `message` and the first `summarize`
    (default 3) entries of each tensor in `data` to stderr, for the first `first_n` runs
    (TF1 `tf.Print`, deprecated there in favour of `tf.print`)."""
    tensors = [as_tensor_or_string(d) for d in (data or [])]
    return PRINT(input_, *tensors, message=message or "",
                 first_n=-1 if first_n is None else int(first_n),
                 summarize=3 if summarize is None else int(summarize), name=name)


# --- tf.print ---
def _print_v2_kernel(xp, *values, template, summarize, sep, end, stream):
    pieces = []
    arrays = iter(values)
    for literal in template:
        if literal is None:
            pieces.append(summarize_v2(next(arrays), summarize))
        else:
            pieces.append(literal)
    _stream_write(stream, sep.join(pieces) + end)
    return np.True_


# Differs from TF: one unused bool output (TF's PrintV2 has none); users get the Operation.
PRINT_V2 = register_op(
    "PrintV2", shape=lambda *values, **_: TensorShape([]), kernel=_print_v2_kernel,
    dtype=dtypes.bool, same_dtype=False, stateful=True, differentiable=False,
    bind=lambda op, state: {"stream": op.attrs["_stream"]})


def print(*inputs, **kwargs):  # noqa: A001 - TF's public name
    """An op that prints `inputs` (tensors with tf.print's summarizing, other values as str) to
    `output_stream`, default sys.stderr, when run (TF `tf.print`).

    output_stream: sys.stderr, sys.stdout, 'file://path', a logging function or a file object.
    """
    stream = kwargs.pop("output_stream", sys.stderr)
    summarize = kwargs.pop("summarize", 3)
    sep = kwargs.pop("sep", " ")
    end = kwargs.pop("end", "\n")
    name = kwargs.pop("name", None)
    if kwargs:
        raise ValueError(f"Unrecognized keyword arguments for tf.print: {sorted(kwargs)}")
    if stream is sys.stderr or stream is sys.__stderr__:
        stream = "stderr"
    elif stream is sys.stdout or stream is sys.__stdout__:
        stream = "stdout"
    template, tensors = [], []
    for x in inputs:
        if isinstance(x, Tensor) or hasattr(x, "_as_tensor"):
            template.append(None)
            tensors.append(convert_to_tensor(x))
        else:
            template.append(str(x))
    return PRINT_V2(*tensors, template=tuple(template), summarize=summarize, sep=sep, end=end,
                    _stream=stream, name=name).op


__all__ = ["Print", "print"]
