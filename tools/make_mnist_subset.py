"""Writes graphgrad/data/mnist/: the first N training and test examples of MNIST, as IDX .gz files.

Run from the repository root: `python tools/make_mnist_subset.py [SOURCE_DIR]` (default
../shared/data/mnist). The output is byte-for-byte deterministic (gzip mtime 0, no file name).
"""
import gzip
import os
import struct
import sys

# 10000 training images leave 5000 after read_data_sets' default validation_size=5000, so the
# tutorial's code runs unchanged on the subset; together the four files stay near 2 MB.
COUNTS = {"train": 10000, "t10k": 2000}
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(REPO, "graphgrad", "data", "mnist")


def _subset(f, count):
    """The IDX header of file object `f` with its count replaced, then its first `count` records."""
    magic, total = struct.unpack(">II", f.read(8))
    ndim = magic & 0xFF
    dims_bytes = f.read(4 * (ndim - 1))
    record = 1
    for dim in struct.unpack(">" + "I" * (ndim - 1), dims_bytes):
        record *= dim
    if count > total:
        raise ValueError(f"asked for {count} records but {f.name} holds {total}")
    return struct.pack(">II", magic, count) + dims_bytes + f.read(count * record)


def _write_gz(path, payload):
    with open(path + ".tmp", "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=6, mtime=0) as gz:
            gz.write(payload)
    os.replace(path + ".tmp", path)


def main(source_dir=None):
    source_dir = source_dir or os.path.join(REPO, "..", "shared", "data", "mnist")
    os.makedirs(OUT_DIR, exist_ok=True)
    for prefix, count in COUNTS.items():
        for kind in ("images-idx3", "labels-idx1"):
            name = f"{prefix}-{kind}-ubyte.gz"
            with gzip.open(os.path.join(source_dir, name), "rb") as f:
                payload = _subset(f, count)
            _write_gz(os.path.join(OUT_DIR, name), payload)
            print(f"{name}: {count} records, {os.path.getsize(os.path.join(OUT_DIR, name))} bytes")


if __name__ == "__main__":
    main(*sys.argv[1:2])
