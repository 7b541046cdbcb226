"""ONNX export of graphgrad inference graphs (`graphgrad.onnx.export`); needs the optional `onnx`
package (`pip install graphgrad[onnx]`), imported only when exporting.
"""
from .convert import supported_op_types
from .export import export

__all__ = ["export", "supported_op_types"]
