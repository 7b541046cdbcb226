"""Reader of TensorFlow's V2 checkpoints (tensor bundles): `<prefix>.index`, an SSTable mapping
tensor names to BundleEntryProtos, and `<prefix>.data-SSSSS-of-NNNNN` shards holding the raw
bytes. Every block and tensor is checked against its masked CRC-32C; damage is a DataLossError.
Registered in train/checkpoint_io.READERS, so Saver.restore and the inspection functions read it.
"""
import struct

import numpy as np

from .. import errors
from .graphdef import _NUMPY as _DTYPES
from .wire import as_int64, crc32c, mask_crc, parse_message, read_varint

INDEX_SUFFIX = ".index"
_TABLE_MAGIC = 0xDB4775248B80FB57
_FOOTER_SIZE = 48
# _DTYPES (TF's DataType enum -> NumPy names) are read; these are only named in messages.
_DTYPE_NAMES = {7: "string", 14: "bfloat16", 20: "resource", 21: "variant"}


class TFCheckpointReader:
    """The tensors of one TF V2 checkpoint: `names()` and `read(name)`, as checkpoint_io's
    readers. The index is read and checked on open; tensor bytes when read."""

    def __init__(self, prefix):
        self.prefix = prefix
        self.path = prefix + INDEX_SUFFIX
        try:
            with open(self.path, "rb") as f:
                self._index = f.read()
        except OSError as e:
            from ..train.checkpoint_io import os_error
            raise os_error(e, self.path, "read checkpoint index") from None
        self._entries = {}
        self._num_shards = 1
        self._big_endian = False
        try:
            self._load_index()
        except (ValueError, struct.error) as e:
            raise self._loss(f"its index cannot be parsed ({e})") from None

    def _loss(self, why, path=None):
        return errors.DataLossError(
            None, None, f"TensorFlow checkpoint file '{path or self.path}' is corrupted or "
            f"truncated: {why}. Restore an earlier checkpoint (see the 'checkpoint' state file).")

    # --- the SSTable ---
    def _load_index(self):
        data = self._index
        if len(data) < _FOOTER_SIZE:
            raise self._loss("it is shorter than an SSTable footer")
        footer = data[-_FOOTER_SIZE:]
        if struct.unpack("<Q", footer[40:])[0] != _TABLE_MAGIC:
            raise self._loss("it does not end with the SSTable magic number")
        pos = 0
        for _ in range(2):  # the metaindex handle, unused: bundles keep no filters
            _, pos = read_varint(footer, pos)
        index_offset, pos = read_varint(footer, pos)
        index_size, pos = read_varint(footer, pos)
        for _, handle in self._block_entries(index_offset, index_size):
            offset, at = read_varint(handle, 0)
            size, _ = read_varint(handle, at)
            for key, value in self._block_entries(offset, size):
                self._add_entry(key, value)

    def _block_entries(self, offset, size):
        """(key, value) of each entry of the block at `offset`, checked against its trailer."""
        data = self._index
        if offset + size + 5 > len(data) - _FOOTER_SIZE:
            raise self._loss(f"a block at {offset} runs past the end of the file")
        block = data[offset:offset + size]
        kind = data[offset + size]
        (stored,) = struct.unpack_from("<I", data, offset + size + 1)
        if mask_crc(crc32c(data[offset:offset + size + 1])) != stored:
            raise self._loss(f"the block at offset {offset} fails its crc32c checksum")
        if kind != 0:
            raise ValueError(f"block compression type {kind} is not supported (only none)")
        (num_restarts,) = struct.unpack_from("<I", block, size - 4)
        limit = size - 4 - 4 * num_restarts
        pos, key = 0, b""
        while pos < limit:
            shared, pos = read_varint(block, pos)
            unshared, pos = read_varint(block, pos)
            value_size, pos = read_varint(block, pos)
            key = key[:shared] + block[pos:pos + unshared]
            pos += unshared
            yield key, block[pos:pos + value_size]
            pos += value_size

    def _add_entry(self, key, value):
        fields = parse_message(value)
        if key == b"":  # the BundleHeaderProto
            self._num_shards = fields.get(1, [1])[-1]
            self._big_endian = fields.get(2, [0])[-1] == 1
            return
        name = key.decode("utf-8")
        if 7 in fields:
            raise ValueError(f"tensor '{name}' is saved in slices (a partitioned variable); "
                             "sliced tensors are not supported")
        dims = []
        for shape in fields.get(2, []):
            for dim in parse_message(shape).get(2, []):
                dims.append(as_int64(parse_message(dim).get(1, [0])[-1]))
        self._entries[name] = {
            "dtype": fields.get(1, [0])[-1], "shape": tuple(dims),
            "shard": fields.get(3, [0])[-1], "offset": as_int64(fields.get(4, [0])[-1]),
            "size": as_int64(fields.get(5, [0])[-1]), "crc": fields.get(6, [None])[-1]}

    # --- the reader interface ---
    def names(self):
        """{name: (dtype name, shape tuple)} of every tensor in the checkpoint."""
        return {n: (_DTYPES.get(e["dtype"]) or _DTYPE_NAMES.get(e["dtype"], f"dtype{e['dtype']}"),
                    e["shape"]) for n, e in self._entries.items()}

    def _shard_path(self, shard):
        return f"{self.prefix}.data-{shard:05d}-of-{self._num_shards:05d}"

    def read(self, name):
        e = self._entries[name]
        if e["dtype"] not in _DTYPES:
            dtype = _DTYPE_NAMES.get(e["dtype"], f"enum {e['dtype']}")
            raise errors.UnimplementedError(
                None, None, f"Tensor '{name}' in checkpoint '{self.prefix}' has dtype {dtype}, "
                "which graphgrad cannot read from TensorFlow checkpoints.")
        path = self._shard_path(e["shard"])
        try:
            with open(path, "rb") as f:
                f.seek(e["offset"])
                raw = f.read(e["size"])
        except OSError as err:
            from ..train.checkpoint_io import os_error
            raise os_error(err, path, "read checkpoint data") from None
        if len(raw) != e["size"]:
            raise self._loss(f"tensor '{name}' needs {e['size']} bytes at offset {e['offset']}, "
                             f"the file holds {len(raw)}", path)
        if e["crc"] is not None and mask_crc(crc32c(raw)) != e["crc"]:
            raise self._loss(f"tensor '{name}' fails its crc32c checksum", path)
        dtype = np.dtype(_DTYPES[e["dtype"]]).newbyteorder(">" if self._big_endian else "<")
        try:
            arr = np.frombuffer(raw, dtype=dtype).reshape(e["shape"])
        except ValueError:
            raise self._loss(f"tensor '{name}' has {len(raw)} bytes for shape "
                             f"{list(e['shape'])}", path) from None
        return arr.astype(dtype.newbyteorder("="), copy=True)
