"""Max and average pooling with their gradient ops (each gradient op linear in the upstream
gradient, so second derivatives chain through MaxPoolGradGrad / AvgPool)."""
from ..graph import dtypes
from ..graph.constant import convert_to_tensor, partial_shape_value
from ..graph.registry import register_op
from ..kernels import pool as kernels
from .conv_ops import data_format_of, four, kernel_attrs, layout, out_size, padding_of, spatial
from .shape_ops import shape


def _pool_shape(x, ksize, strides, padding, data_format):
    n, h, w, c = spatial(x.shape.with_rank(4).as_tuple(), data_format)
    k, s = spatial(ksize, data_format), spatial(strides, data_format)
    return layout(n, out_size(h, k[1], s[1], 1, padding), out_size(w, k[2], s[2], 1, padding), c,
                  data_format)


def _pool_attrs(ksize, strides, padding, data_format):
    data_format = data_format_of(data_format)
    return dict(ksize=four(ksize, "ksize", data_format), strides=four(strides, "strides",
                                                                       data_format),
                padding=padding_of(padding), data_format=data_format)


# --- max pooling: the gradient goes to the first maximum of each window, as in TF1 ----------
def _max_pool_grad(op, grad):
    return [MAX_POOL_GRAD(op.inputs[0], op.outputs[0], grad, **kernel_attrs(op))]


MAX_POOL = register_op("MaxPool", shape=_pool_shape, kernel=kernels.max_pool,
                       grad=_max_pool_grad)
# Both are piecewise linear in the pooled input: their gradients w.r.t. it are zero.
MAX_POOL_GRAD = register_op(
    "MaxPoolGrad", shape=lambda x, y, g, **attrs: x.shape, kernel=kernels.max_pool_grad,
    grad=lambda op, grad: [None, None,
                           MAX_POOL_GRAD_GRAD(*op.inputs[:2], grad, **kernel_attrs(op))])
MAX_POOL_GRAD_GRAD = register_op(
    "MaxPoolGradGrad", shape=lambda x, y, g, **attrs: y.shape, kernel=kernels.max_pool_grad_grad,
    grad=lambda op, grad: [None, None, MAX_POOL_GRAD(*op.inputs[:2], grad, **kernel_attrs(op))])


def max_pool(value, ksize, strides, padding, data_format="NHWC", name=None,
             input=None):  # noqa: A002 - TF's argument name
    """The maximum of each `ksize` window of the 4-D `value`, moved by `strides`; SAME windows
    ignore the padding (TF1 `tf.nn.max_pool`). A gradient tied between equal maxima goes to
    the first in row-major window order, as on TF's CPU."""
    value = input if value is None else value
    return MAX_POOL(value, name=name, **_pool_attrs(ksize, strides, padding, data_format))


# --- average pooling: SAME windows average only the cells inside the input -------------------
AVG_POOL_GRAD = register_op(
    "AvgPoolGrad", shape=lambda s, g, **attrs: partial_shape_value(s).with_rank(4),
    kernel=kernels.avg_pool_grad, same_dtype=False, dtype=lambda inputs, attrs: inputs[1].dtype,
    grad=lambda op, grad: [None, AVG_POOL(grad, **kernel_attrs(op))])
AVG_POOL = register_op(
    "AvgPool", shape=_pool_shape, kernel=kernels.avg_pool,
    grad=lambda op, grad: [AVG_POOL_GRAD(shape(op.inputs[0]), grad, **kernel_attrs(op))])


def avg_pool(value, ksize, strides, padding, data_format="NHWC", name=None,
             input=None):  # noqa: A002 - TF's argument name
    """The mean of each `ksize` window of the 4-D `value`; a SAME window at the border averages
    only the cells inside the input (TF1 `tf.nn.avg_pool`)."""
    value = input if value is None else value
    return AVG_POOL(value, name=name, **_pool_attrs(ksize, strides, padding, data_format))


def max_pool_grad(orig_input, orig_output, grad, ksize, strides, padding, data_format="NHWC",
                  name=None):
    """The gradient of max_pool (TF1 `gen_nn_ops.max_pool_grad`)."""
    return MAX_POOL_GRAD(orig_input, orig_output, grad, name=name,
                         **_pool_attrs(ksize, strides, padding, data_format))


def avg_pool_grad(orig_input_shape, grad, ksize, strides, padding, data_format="NHWC",
                  name=None):
    """The gradient of avg_pool (TF1 `gen_nn_ops.avg_pool_grad`)."""
    sizes = convert_to_tensor(orig_input_shape, dtype=dtypes.int32)
    return AVG_POOL_GRAD(sizes, grad, name=name,
                         **_pool_attrs(ksize, strides, padding, data_format))


__all__ = ["max_pool", "avg_pool"]
