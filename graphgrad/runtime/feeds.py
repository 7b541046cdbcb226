"""Turns feed_dict keys into graph tensors and fed values into arrays of the tensors' dtypes."""
import numpy as np

from .. import errors
from ..graph.constant import string_array
from ..graph.tensor import Tensor


def fast_converter(tensor):
    """A feed check that costs one type, dtype and shape comparison once a value of that
    shape has passed the full check (`convert_feed`)."""
    target = tensor.dtype.np
    ok_shape = [None]

    def convert(value):
        if type(value) is np.ndarray and value.dtype == target and value.shape == ok_shape[0]:
            return value
        arr = convert_feed(tensor, value)
        ok_shape[0] = arr.shape
        return arr
    return convert


def feed_key(graph, key):
    """The graph tensor a feed_dict key (a Tensor, variable-like object or name) stands for."""
    if hasattr(key, "_as_graph_element") and not isinstance(key, Tensor):
        key = key._as_graph_element()
    try:
        element = graph.as_graph_element(key, allow_tensor=True, allow_operation=False)
    except (KeyError, ValueError) as e:
        raise TypeError(f"Cannot interpret feed_dict key as Tensor: {e}") from None
    except TypeError:
        raise TypeError(f"Cannot interpret feed_dict key as Tensor: {key!r} is a "
                        f"{type(key).__name__}, not a Tensor or tensor name.") from None
    return element


def convert_feed(tensor, value):
    """The fed value as an array of the tensor's dtype; ValueError on a shape or dtype mismatch."""
    if isinstance(value, Tensor) or hasattr(value, "_as_tensor"):
        raise TypeError(
            "The value of a feed cannot be a tf.Tensor object. Acceptable feed values include "
            "Python scalars, strings, lists, numpy ndarrays. For reference, the tensor object "
            f"was {value!r} which was passed to the feed with key {tensor!r}. Run it first "
            "(sess.run) and feed the resulting array, or connect the tensors in the graph.")
    target = tensor.dtype.np
    if target.kind == "O":
        arr = _string_feed(tensor, value)
    elif type(value) is np.ndarray and value.dtype == target:
        arr = value
    else:
        arr = np.asarray(value)
        if arr.dtype != target:
            if arr.dtype.kind in "OUSVc" or (arr.dtype.kind == "f" and target.kind in "iub"
                                             and not np.array_equal(arr, np.trunc(arr))):
                raise ValueError(
                    f"Cannot feed value of dtype {arr.dtype} for Tensor '{tensor.name}', which "
                    f"has dtype {tensor.dtype.name} ({errors.describe_tensor(tensor)}).")
            if arr.dtype.kind in "iu" and target.kind in "iu" and arr.size and (
                    arr.min() < np.iinfo(target).min or arr.max() > np.iinfo(target).max):
                raise TypeError(
                    f"Type of feed value {value!r} is not compatible with Tensor type "
                    f"{tensor.dtype.name} ('{tensor.name}'). Try explicitly setting the type of "
                    "the feed tensor to a larger type (e.g. int64).")
            arr = arr.astype(target)
    if not tensor.shape.is_compatible_with(arr.shape):
        raise ValueError(
            f"Cannot feed value of shape {arr.shape} for Tensor '{tensor.name}', which has "
            f"shape '{tensor.shape}' ({errors.describe_tensor(tensor)}).")
    return arr


def _string_feed(tensor, value):
    """A tf.string feed as an object array of bytes (str elements encoded as UTF-8)."""
    arr = string_array(value)
    if arr is None:
        raise TypeError(f"Type of feed value {value!r} is not compatible with Tensor type "
                        f"string ('{tensor.name}'): feed bytes or str values.")
    return arr
