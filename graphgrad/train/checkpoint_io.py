"""Checkpoint files on disk: the tensor file format, atomic writes, and the `checkpoint` state file.

Tensor file `<prefix>.tensors`: magic b"GGCKPT01", uint64 LE header length, a JSON header
(name, dtype, shape, offset, nbytes, sha256 per tensor), the raw little-endian arrays (64-byte
aligned), then a footer: sha256 of everything before it and b"GGCKEND1". Reading never unpickles:
arrays come from np.frombuffer with a dtype from a fixed allow-list.
"""
import hashlib
import json
import os
import re
import struct
import tempfile

import numpy as np

from .. import errors

MAGIC = b"GGCKPT01"
END = b"GGCKEND1"
SUFFIX = ".tensors"
_ALIGN = 64
_DTYPES = ("float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "uint16",
           "uint32", "uint64", "bool", "complex64", "complex128")

# Readers of other formats (TF's V2 bundle, issue #8) register here: (exists(prefix), open(prefix)).
READERS = []


def atomic_write(path, data):
    """Writes `data` to `path` so that a crash at any moment leaves either the old file or the new
    one: a temporary file in the same folder, flushed and fsynced, renamed, then the folder fsynced.
    """
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=os.path.basename(path) + ".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def write_file(path, data, what):
    """atomic_write, an OSError raised as TF's error class naming the file and `what`."""
    try:
        atomic_write(path, data)
    except OSError as e:
        raise os_error(e, path, what) from None


def os_error(e, path, what):
    """An OSError as TF's error class, naming the file."""
    import errno
    cls = {errno.EACCES: errors.PermissionDeniedError, errno.EPERM: errors.PermissionDeniedError,
           errno.ENOENT: errors.NotFoundError, errno.ENOTDIR: errors.FailedPreconditionError,
           errno.ENOSPC: errors.ResourceExhaustedError}.get(e.errno, errors.UnknownError)
    return cls(None, None, f"Failed to {what} '{path}': {e.strerror or e}")


def encode_tensors(named_arrays):
    """The bytes of a tensor file holding `named_arrays` (name -> ndarray), in sorted name order."""
    entries, chunks, offset = [], [], 0
    for name in sorted(named_arrays):
        arr = np.asarray(named_arrays[name])
        if arr.dtype.name not in _DTYPES:
            raise TypeError(f"Cannot save '{name}' of dtype {arr.dtype}: not a tensor dtype.")
        raw = np.ascontiguousarray(arr, dtype=arr.dtype.newbyteorder("<")).tobytes()
        pad = (-offset) % _ALIGN
        chunks.append(b"\0" * pad + raw)
        offset += pad
        entries.append({"name": name, "dtype": arr.dtype.name, "shape": list(arr.shape),
                        "offset": offset, "nbytes": len(raw),
                        "sha256": hashlib.sha256(raw).hexdigest()})
        offset += len(raw)
    header = json.dumps({"version": 1, "tensors": entries}, sort_keys=True).encode()
    body = MAGIC + struct.pack("<Q", len(header)) + header + b"".join(chunks)
    return body + hashlib.sha256(body).digest() + END


class TensorFileReader:
    """The tensors of one checkpoint file, checked against their checksums on open."""

    def __init__(self, path):
        self.path = path
        try:
            with open(path, "rb") as f:
                blob = f.read()
        except OSError as e:
            raise os_error(e, path, "read checkpoint") from None
        body = self._check_footer(blob)
        (size,) = struct.unpack("<Q", body[8:16])
        try:
            header = json.loads(body[16:16 + size].decode())
            self._entries = {e["name"]: e for e in header["tensors"]}
        except (ValueError, KeyError, TypeError):
            raise self._loss("its header is not valid") from None
        self._data = memoryview(body)[16 + size:]

    def _loss(self, why):
        return errors.DataLossError(
            None, None, f"Checkpoint file '{self.path}' is corrupted or truncated: {why}. "
            "Restore an earlier checkpoint (see the 'checkpoint' state file).")

    def _check_footer(self, blob):
        if len(blob) < 16 + 40 or blob[:8] != MAGIC:
            raise self._loss("it does not start with a graphgrad checkpoint header")
        if blob[-8:] != END:
            raise self._loss("it does not end with the checkpoint footer (truncated?)")
        body = blob[:-40]
        if hashlib.sha256(body).digest() != blob[-40:-8]:
            raise self._loss("its sha256 checksum does not match")
        return body

    def names(self):
        """{name: (dtype name, shape tuple)} of every tensor in the file."""
        return {n: (e["dtype"], tuple(e["shape"])) for n, e in self._entries.items()}

    def read(self, name):
        e = self._entries[name]
        if e["dtype"] not in _DTYPES:
            raise self._loss(f"tensor '{name}' has unknown dtype {e['dtype']!r}")
        raw = self._data[e["offset"]:e["offset"] + e["nbytes"]]
        if len(raw) != e["nbytes"] or hashlib.sha256(raw).hexdigest() != e["sha256"]:
            raise self._loss(f"tensor '{name}' fails its sha256 checksum")
        dtype = np.dtype(e["dtype"]).newbyteorder("<")
        try:
            arr = np.frombuffer(raw, dtype=dtype).reshape(e["shape"])
        except ValueError:
            raise self._loss(f"tensor '{name}' has {e['nbytes']} bytes for shape "
                             f"{e['shape']}") from None
        return arr.astype(dtype.newbyteorder("="), copy=True)


def _own_exists(prefix):
    return os.path.isfile(prefix + SUFFIX)


READERS.append((_own_exists, lambda prefix: TensorFileReader(prefix + SUFFIX)))

def _bundle_exists(prefix):
    return os.path.isfile(prefix + ".index")


def _open_bundle(prefix):
    # TensorFlow's V2 bundles (`.index` + `.data-*`), read with NumPy alone (issue #8); loaded
    # on use to keep `import graphgrad` cheap.
    from ..interop.tf_checkpoint import TFCheckpointReader
    return TFCheckpointReader(prefix)


READERS.append((_bundle_exists, _open_bundle))


def checkpoint_exists(prefix):
    """True if some reader recognizes a checkpoint at `prefix`."""
    return any(exists(prefix) for exists, _ in READERS)


def open_checkpoint(prefix):
    """A reader (`names()`, `read(name)`, `path`) for the checkpoint at `prefix`."""
    for exists, opener in READERS:
        if exists(prefix):
            return opener(prefix)
    raise errors.NotFoundError(
        None, None, f"Unsuccessful TensorSliceReader constructor: Failed to find any matching "
        f"files for {prefix} (looked for {prefix + SUFFIX}).")


def checkpoint_files(prefix):
    """The files a checkpoint at `prefix` consists of (for deleting old checkpoints)."""
    return [p for p in (prefix + SUFFIX, prefix + ".meta", prefix + ".index",
                        prefix + ".data-00000-of-00001") if os.path.exists(p)]


# --- the `checkpoint` state file, in TF's CheckpointState text format ---
class CheckpointState:
    """TF's CheckpointState: the latest checkpoint and the ones still kept, oldest first."""

    def __init__(self, model_checkpoint_path="", all_model_checkpoint_paths=(),
                 all_model_checkpoint_timestamps=(), last_preserved_timestamp=0.0):
        self.model_checkpoint_path = model_checkpoint_path
        self.all_model_checkpoint_paths = list(all_model_checkpoint_paths)
        self.all_model_checkpoint_timestamps = list(all_model_checkpoint_timestamps)
        self.last_preserved_timestamp = last_preserved_timestamp

    def __repr__(self):
        return f"CheckpointState({self.model_checkpoint_path!r}, {self.all_model_checkpoint_paths})"


def _quote(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def format_state(state):
    lines = [f"model_checkpoint_path: {_quote(state.model_checkpoint_path)}"]
    lines += [f"all_model_checkpoint_paths: {_quote(p)}" for p in state.all_model_checkpoint_paths]
    lines += [f"all_model_checkpoint_timestamps: {t!r}"
              for t in state.all_model_checkpoint_timestamps]
    if state.last_preserved_timestamp:
        lines.append(f"last_preserved_timestamp: {state.last_preserved_timestamp!r}")
    return "\n".join(lines) + "\n"


_FIELD = re.compile(r'\s*(\w+)\s*:\s*(?:"((?:[^"\\]|\\.)*)"|([-+0-9.eE]+|inf|nan))\s*')
_UNESCAPE = re.compile(r"\\(.)")


def parse_state(text):
    """A CheckpointState from its text; ValueError if the text is not one."""
    state = CheckpointState()
    pos = 0
    while pos < len(text):
        m = _FIELD.match(text, pos)
        if m is None or m.end() == pos:
            if text[pos:].strip():
                raise ValueError(f"cannot parse {text[pos:pos + 40]!r}")
            break
        pos = m.end()
        key, string, number = m.groups()
        value = _UNESCAPE.sub(lambda c: "\n" if c.group(1) == "n" else c.group(1), string) \
            if string is not None else float(number)
        if key == "model_checkpoint_path":
            state.model_checkpoint_path = value
        elif key == "all_model_checkpoint_paths":
            state.all_model_checkpoint_paths.append(value)
        elif key == "all_model_checkpoint_timestamps":
            state.all_model_checkpoint_timestamps.append(value)
        elif key == "last_preserved_timestamp":
            state.last_preserved_timestamp = value
    return state
