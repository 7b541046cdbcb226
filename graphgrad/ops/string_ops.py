"""String-tensor ops: whole files (tf.read_file, tf.write_file), the queue readers
tf.WholeFileReader and tf.FixedLengthRecordReader, tf.decode_raw and tf.string_join; tf.string
values are NumPy object arrays of bytes."""
import os
import threading
import weakref

import numpy as np

from ..graph import dtypes
from ..graph.constant import convert_to_tensor
from ..graph.default import name_scope
from ..graph.registry import register_op
from ..graph.shapes import TensorShape
from ..kernels import strings as string_kernels

__all__ = ["FixedLengthRecordReader", "WholeFileReader", "decode_raw", "read_file",
           "string_join", "write_file"]


def _scalar_filename(filename, **_):
    filename.shape.with_rank(0)
    return TensorShape([])


def _bind_op(op, state):
    # The kernel names the op in NotFoundError and friends, as TF's kernels do.
    return {"op": op}


# Stateful: a file may change between runs, so neither folded nor merged.
READ_FILE = register_op("ReadFile", shape=_scalar_filename, kernel=string_kernels.read_file,
                        dtype=dtypes.string, stateful=True, bind=_bind_op, differentiable=False)


def _write_shape(filename, contents, **_):
    filename.shape.with_rank(0)
    contents.shape.with_rank(0)
    return []


WRITE_FILE = register_op("WriteFile", shape=_write_shape, kernel=string_kernels.write_file,
                         num_outputs=0, stateful=True, bind=_bind_op, differentiable=False)


def _filename(filename):
    if isinstance(filename, os.PathLike):
        filename = os.fspath(filename)
    return convert_to_tensor(filename, dtype=dtypes.string, name="filename")


def read_file(filename, name=None):
    """The whole contents of the file `filename` (a scalar tf.string) as a scalar tf.string;
    NotFoundError when it does not exist (TF1 `tf.read_file`, `tf.io.read_file`).

    Differs from TF: local paths only (no gs:// or hdfs://), as graphgrad's tf.gfile."""
    return READ_FILE(_filename(filename), name=name)


def write_file(filename, contents, name=None):
    """An op writing the scalar tf.string `contents` to `filename`, creating missing folders
    (TF1 `tf.write_file`, `tf.io.write_file`)."""
    contents = convert_to_tensor(contents, dtype=dtypes.string, name="contents")
    return WRITE_FILE(_filename(filename), contents, name=name)


class WholeFileReader:
    """Reads whole files named by a queue of filenames: `read(queue)` gives (key, value), the
    filename and its contents (TF1 `tf.WholeFileReader`).

    Differs from TF: a dequeue followed by a ReadFile op (no ReaderReadV2 op or reader state:
    num_records_produced, reset and the serialize methods are not provided)."""

    def __init__(self, name=None):
        self._name = name or "WholeFileReader"

    def read(self, queue, name=None):
        with name_scope(name, f"{self._name}_read") as scope:
            key = queue.dequeue()
            return key, READ_FILE(key, name=scope)


class _RecordState:
    """One session's position in a FixedLengthRecordReader: the open file and next offset."""

    def __init__(self):
        self.lock = threading.Lock()
        self.name = self.data = None
        self.offset = self.end = self.index = 0


_READERS = weakref.WeakKeyDictionary()  # session state -> {reader: _RecordState}


def _record_bind(op, state):
    from . import queue_ops  # loaded with the queues, on first use
    per_session = _READERS.setdefault(state, {})
    reader = per_session.setdefault(op.attrs["_reader"], _RecordState())
    return {"qs": queue_ops._queue_state(state, op.attrs["_queue"]), "op": op, "reader": reader}


def _record_kernel(xp, header_bytes, record_bytes, footer_bytes, hop_bytes, qs, op, reader):
    """The next record of the current file; the next filename comes off the queue once the
    file has no whole record left (OutOfRangeError when the queue is closed and empty)."""
    from . import queue_ops
    step = hop_bytes or record_bytes
    with reader.lock:
        while reader.data is None or reader.offset + record_bytes > reader.end:
            name = queue_ops._dequeue_kernel(xp, mode="one", qs=qs, op=op)
            reader.data = string_kernels.read_file(xp, name, op=op).item()
            reader.name = string_kernels.as_bytes(name)
            reader.offset, reader.index = header_bytes, 0
            reader.end = len(reader.data) - footer_bytes
        record = reader.data[reader.offset:reader.offset + record_bytes]
        key = b"%s:%d" % (reader.name, reader.index)
        reader.offset += step
        reader.index += 1
    return np.array(key, dtype=object), np.array(record, dtype=object)


FIXED_LENGTH_RECORD_READ = register_op(
    "FixedLengthRecordRead", shape=lambda **_: [TensorShape([]), TensorShape([])],
    kernel=_record_kernel, num_outputs=2, dtype=dtypes.string, same_dtype=False, stateful=True,
    bind=_record_bind, differentiable=False)


class FixedLengthRecordReader:
    """Reads records of `record_bytes` bytes from the files a queue names, skipping
    `header_bytes` and `footer_bytes` of each; `read(queue)` gives (key, value) with key
    "filename:index" (TF1 `tf.FixedLengthRecordReader`, as the CIFAR-10 tutorial reads).

    Differs from TF: one FixedLengthRecordRead op per read (TF's ReaderReadV2 on a reader
    resource); num_records_produced, reset and the serialize methods are not provided, and
    hop_bytes steps between records without TF's partial-record buffering."""

    def __init__(self, record_bytes, header_bytes=None, footer_bytes=None, hop_bytes=None,
                 name=None, encoding=None):
        if encoding:
            raise NotImplementedError("graphgrad reads uncompressed files only")
        self._attrs = dict(record_bytes=int(record_bytes), header_bytes=int(header_bytes or 0),
                           footer_bytes=int(footer_bytes or 0), hop_bytes=int(hop_bytes or 0))
        self._name = name or "FixedLengthRecordReader"

    def read(self, queue, name=None):
        with name_scope(name, f"{self._name}_read") as scope:
            key, value = FIXED_LENGTH_RECORD_READ(_queue=queue, _reader=self, name=scope,
                                                  **self._attrs)
            return key, value


def _decode_raw_shape(data, **_):
    return data.shape.concatenate([None])


DECODE_RAW = register_op("DecodeRaw", shape=_decode_raw_shape, kernel=string_kernels.decode_raw,
                         dtype=lambda inputs, attrs: attrs["out_type"], same_dtype=False,
                         differentiable=False)


def decode_raw(input_bytes=None, out_type=None, little_endian=True, name=None, bytes=None):  # noqa: A002
    """Each string of `input_bytes` reinterpreted as a vector of `out_type`; every string must
    have the same length (TF1 `tf.decode_raw`, `tf.io.decode_raw`; `bytes` is TF1's old name)."""
    data = input_bytes if input_bytes is not None else bytes
    if data is None or out_type is None:
        raise ValueError("decode_raw needs input_bytes (or bytes) and out_type")
    data = convert_to_tensor(data, dtype=dtypes.string, name="bytes")
    return DECODE_RAW(data, out_type=dtypes.as_dtype(out_type),
                      little_endian=bool(little_endian), name=name)


def _join_shape(*inputs, separator):
    shape = TensorShape([])
    for t in inputs:
        if t.shape.ndims != 0:
            shape = shape.merge_with(t.shape) if shape.ndims != 0 else t.shape
    return shape


STRING_JOIN = register_op("StringJoin", shape=_join_shape, kernel=string_kernels.string_join,
                          dtype=dtypes.string, differentiable=False)


def string_join(inputs, separator="", name=None):
    """Elementwise concatenation of string tensors of one shape (scalars broadcast), joined by
    `separator` (TF1 `tf.string_join`, `tf.strings.join`)."""
    inputs = [convert_to_tensor(x, dtype=dtypes.string) for x in inputs]
    return STRING_JOIN(*inputs, separator=separator, name=name)
