"""The protobuf wire format and CRC-32C, just enough to read TF's tensor bundles with NumPy alone
(checkpoint restore needs no extra package). GraphDef import uses the `protobuf` package instead.
"""
import struct

import numpy as np


def read_varint(buf, pos):
    """(value, next position) of the base-128 varint at `buf[pos]`; ValueError if cut short."""
    result, shift = 0, 0
    while True:
        if pos >= len(buf) or shift > 63:
            raise ValueError("truncated or overlong varint")
        byte = buf[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def as_int64(value):
    """A varint read as a signed int64 (negative values travel as 10-byte two's complement)."""
    return value - (1 << 64) if value >= 1 << 63 else value


def parse_message(buf):
    """{field number: [values]} of a serialized message: ints for varint and fixed fields,
    bytes for length-delimited ones (nested messages are parsed by the caller)."""
    fields, pos = {}, 0
    buf = bytes(buf)
    while pos < len(buf):
        tag, pos = read_varint(buf, pos)
        number, wire_type = tag >> 3, tag & 7
        if wire_type == 0:
            value, pos = read_varint(buf, pos)
        elif wire_type == 1:
            (value,) = struct.unpack_from("<Q", buf, pos)
            pos += 8
        elif wire_type == 2:
            size, pos = read_varint(buf, pos)
            if pos + size > len(buf):
                raise ValueError("truncated length-delimited field")
            value = buf[pos:pos + size]
            pos += size
        elif wire_type == 5:
            (value,) = struct.unpack_from("<I", buf, pos)
            pos += 4
        else:
            raise ValueError(f"unsupported wire type {wire_type}")
        fields.setdefault(number, []).append(value)
    return fields


def _make_table():
    table = []
    for n in range(256):
        crc = n
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
        table.append(crc)
    return table


_TABLE = _make_table()


def _crc32c_python(data, crc=0):
    crc ^= 0xFFFFFFFF
    table = _TABLE
    for byte in bytes(data):
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


_TABLE_NP = None


def _shift_tables(length):
    """Four byte tables applying `length` zero bytes to a raw CRC register (a GF(2)-linear map,
    so it is known from its action on the 32 basis registers)."""
    table = _TABLE_NP
    basis = np.uint32(1) << np.arange(32, dtype=np.uint32)
    for _ in range(length):
        basis = table[basis & 0xFF] ^ (basis >> np.uint32(8))
    out = np.zeros((4, 256), np.uint32)
    values = np.arange(256)
    for byte in range(4):
        for bit in range(8):
            out[byte][(values >> bit) & 1 == 1] ^= basis[8 * byte + bit]
    return out


def _crc32c_numpy(data):
    """CRC-32C of big buffers: the bytes split into K equal chunks whose raw CRCs NumPy computes
    side by side, combined by shifting each over the chunks after it. Pure-Python speed per byte
    would make restoring a 100 MB checkpoint take minutes."""
    global _TABLE_NP
    if _TABLE_NP is None:
        _TABLE_NP = np.array(_TABLE, np.uint32)
    buf = np.frombuffer(bytes(data), np.uint8)
    n = len(buf)
    width = max(1, int(np.sqrt(n)))
    length = -(-n // width)
    # The init register 0xFFFFFFFF acts as XOR-ing the first 4 bytes with 0xFF; leading zero
    # bytes leave a zero register unchanged, so padding at the front changes nothing.
    padded = np.zeros(width * length, np.uint8)
    padded[width * length - n:] = buf
    padded[width * length - n:width * length - n + 4] ^= 0xFF
    columns = np.ascontiguousarray(padded.reshape(width, length).T)
    regs = np.zeros(width, np.uint32)
    table = _TABLE_NP
    for column in columns:
        regs = table[(regs ^ column) & 0xFF] ^ (regs >> np.uint32(8))
    shift = _shift_tables(length)
    acc = 0
    for reg in regs.tolist():
        acc = int(shift[0][acc & 0xFF] ^ shift[1][(acc >> 8) & 0xFF] ^ shift[2][(acc >> 16) & 0xFF]
                  ^ shift[3][acc >> 24]) ^ reg
    return acc ^ 0xFFFFFFFF


def _fast_crc32c():
    """The `crc32c` package's C implementation when installed (much faster on big checkpoints)."""
    try:
        import crc32c
    except ImportError:
        return None
    return lambda data: crc32c.crc32c(bytes(data))


_FAST = _fast_crc32c()


def crc32c(data):
    """CRC-32C (Castagnoli) of `data`, as TF and LevelDB compute it."""
    if _FAST is not None:
        return _FAST(data)
    return _crc32c_python(data) if len(data) < 4096 else _crc32c_numpy(data)


def mask_crc(crc):
    """LevelDB's masking of stored CRCs (so a CRC of data holding CRCs stays well-behaved)."""
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF
