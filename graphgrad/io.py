"""The `tf.io` namespace (TF 1.13+): re-exports only (loaded on first use)."""
# ruff: noqa: F401
from .ops.image_impl_ops import convert_image_dtype
from .ops.image_ops import (
    decode_bmp,
    decode_gif,
    decode_image,
    decode_jpeg,
    decode_png,
    encode_jpeg,
    encode_png,
)
from .ops.string_ops import decode_raw, read_file, write_file
