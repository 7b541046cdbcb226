"""2-D convolutions: conv2d, its two backprop ops (the gradients, also conv2d_transpose),
depthwise and separable convolution. Pooling is in pool_ops.py, LRN and batch norm in
norm_ops.py."""
from ..graph import dtypes
from ..graph.constant import convert_to_tensor, partial_shape_value
from ..graph.default import name_scope
from ..graph.registry import register_op
from ..graph.shapes import TensorShape
from ..kernels import conv as kernels
from .shape_ops import shape, static_ints

_PADDINGS = ("SAME", "VALID")


# --- attrs and shapes shared with pool_ops ----------------------------------------------------
def data_format_of(data_format):
    data_format = data_format or "NHWC"
    if data_format not in ("NHWC", "NCHW"):
        raise ValueError(f"data_format must be 'NHWC' or 'NCHW', got {data_format!r}.")
    return data_format


def padding_of(padding):
    padding = padding.decode() if isinstance(padding, bytes) else padding
    if not isinstance(padding, str) or padding.upper() not in _PADDINGS:
        raise ValueError(f"padding must be 'SAME' or 'VALID', got {padding!r}.")
    return padding.upper()


def four(values, what, data_format, spatial_default=None):
    """`values` as TF's 4-element list: a 4-list as is; an int or a 2-list fills the spatial
    dims, with 1 for batch and channels."""
    if values is None:
        values = spatial_default
    values = static_ints(values, what)
    if len(values) == 1:
        values = values * 2
    if len(values) == 2:
        values = [1, *values, 1] if data_format == "NHWC" else [1, 1, *values]
    if len(values) != 4:
        raise ValueError(f"{what} must have 1, 2 or 4 elements, got {values}.")
    if min(values) < 1:
        raise ValueError(f"{what} must be positive, got {values}.")
    channel = 3 if data_format == "NHWC" else 1
    if values[0] != 1 or values[channel] != 1:
        raise ValueError(f"Current implementation does not yet support {what} in the batch and "
                         f"depth dimensions, got {values}.")
    return values


def spatial(dims, data_format):
    """(batch, height, width, channels) of a 4-D dims tuple in `data_format`."""
    if data_format == "NCHW":
        return dims[0], dims[2], dims[3], dims[1]
    return tuple(dims)


def layout(n, h, w, c, data_format):
    return TensorShape([n, c, h, w] if data_format == "NCHW" else [n, h, w, c])


def out_size(size, k, stride, dilation, padding):
    if size is None or k is None:
        return None
    return kernels.conv_output_size(size, k, stride, dilation, padding)[0]


def _spatial_out(x_shape, kh, kw, strides, dilations, padding, data_format):
    n, h, w, _ = spatial(x_shape.with_rank(4).as_tuple(), data_format)
    s = spatial(strides, data_format)
    d = spatial(dilations, data_format)
    return n, out_size(h, kh, s[1], d[1], padding), out_size(w, kw, s[2], d[2], padding)


def _check_equal(a, b):
    if a is not None and b is not None and a != b:
        raise ValueError(f"Dimensions must be equal, but are {a} and {b}")


def kernel_attrs(op):
    return {k: v for k, v in op.attrs.items() if not k.startswith("_")}


def _linear_family_grads(family):
    """The gradients of a convolution and its backprop pair: each of the three is linear in both
    arguments, so each one's gradient is the other two. `family()` gives the three OpDefs
    (forward, backprop_input, backprop_filter), registered after these functions are made."""
    def forward_grad(op, grad):
        _, backprop_input, backprop_filter = family()
        x, f = op.inputs
        attrs = kernel_attrs(op)
        return [backprop_input(shape(x), f, grad, **attrs),
                backprop_filter(x, shape(f), grad, **attrs)]

    def input_grad(op, grad):
        forward, _, backprop_filter = family()
        _, f, g = op.inputs
        attrs = kernel_attrs(op)
        return [None, backprop_filter(grad, shape(f), g, **attrs), forward(grad, f, **attrs)]

    def filter_grad(op, grad):
        forward, backprop_input, _ = family()
        x, _, g = op.inputs
        attrs = kernel_attrs(op)
        return [backprop_input(shape(x), grad, g, **attrs), None, forward(x, grad, **attrs)]
    return forward_grad, input_grad, filter_grad


# --- conv2d and its backprop pair --------------------------------------------------------------
def _conv2d_shape(x, f, strides, padding, data_format, dilations, use_cudnn_on_gpu=True):
    kh, kw, cin, cout = f.shape.with_rank(4).as_tuple()
    _check_equal(spatial(x.shape.with_rank(4).as_tuple(), data_format)[3], cin)
    n, oh, ow = _spatial_out(x.shape, kh, kw, strides, dilations, padding, data_format)
    return layout(n, oh, ow, cout, data_format)


_conv2d_grad, _backprop_input_grad, _backprop_filter_grad = _linear_family_grads(
    lambda: (CONV2D, CONV2D_BACKPROP_INPUT, CONV2D_BACKPROP_FILTER))


def _sizes_shape(index):
    return lambda *inputs, **attrs: partial_shape_value(inputs[index]).with_rank(4)


CONV2D = register_op("Conv2D", shape=_conv2d_shape, kernel=kernels.conv2d, grad=_conv2d_grad)
CONV2D_BACKPROP_INPUT = register_op(
    "Conv2DBackpropInput", shape=_sizes_shape(0), kernel=kernels.conv2d_backprop_input,
    grad=_backprop_input_grad, same_dtype=(1, 2), dtype=lambda inputs, attrs: inputs[1].dtype)
CONV2D_BACKPROP_FILTER = register_op(
    "Conv2DBackpropFilter", shape=_sizes_shape(1), kernel=kernels.conv2d_backprop_filter,
    grad=_backprop_filter_grad, same_dtype=(0, 2))


def _conv_attrs(strides, padding, data_format, dilations):
    data_format = data_format_of(data_format)
    return dict(strides=four(strides, "strides", data_format),
                padding=padding_of(padding), data_format=data_format,
                dilations=four(dilations, "dilations", data_format, [1, 1]))


def conv2d(input, filter=None, strides=None, padding=None, use_cudnn_on_gpu=True,  # noqa: A002
           data_format="NHWC", dilations=[1, 1, 1, 1], name=None, filters=None):  # noqa: B006
    """2-D cross-correlation of a 4-D `input` [batch, height, width, in_channels] ('NHWC') with
    `filter` [height, width, in_channels, out_channels]; padding 'SAME' (ceil(size / stride)
    outputs, the odd padding cell at the end) or 'VALID' (TF1 `tf.nn.conv2d`)."""
    filter = filters if filter is None else filter  # noqa: A001
    return CONV2D(input, filter, use_cudnn_on_gpu=bool(use_cudnn_on_gpu), name=name,
                  **_conv_attrs(strides, padding, data_format, dilations))


def _sizes(value, name):
    return convert_to_tensor(value, dtype=dtypes.int32, name=name)


def conv2d_backprop_input(input_sizes, filter, out_backprop, strides, padding,  # noqa: A002
                          use_cudnn_on_gpu=True, data_format="NHWC", dilations=[1, 1, 1, 1],  # noqa: B006
                          name=None):
    """The gradient of conv2d with respect to its input, of shape `input_sizes`
    (TF1 `tf.nn.conv2d_backprop_input`)."""
    return CONV2D_BACKPROP_INPUT(_sizes(input_sizes, "input_sizes"), filter, out_backprop,
                                 use_cudnn_on_gpu=bool(use_cudnn_on_gpu), name=name,
                                 **_conv_attrs(strides, padding, data_format, dilations))


def conv2d_backprop_filter(input, filter_sizes, out_backprop, strides, padding,  # noqa: A002
                           use_cudnn_on_gpu=True, data_format="NHWC", dilations=[1, 1, 1, 1],  # noqa: B006
                           name=None):
    """The gradient of conv2d with respect to its filter, of shape `filter_sizes`
    (TF1 `tf.nn.conv2d_backprop_filter`)."""
    return CONV2D_BACKPROP_FILTER(input, _sizes(filter_sizes, "filter_sizes"), out_backprop,
                                  use_cudnn_on_gpu=bool(use_cudnn_on_gpu), name=name,
                                  **_conv_attrs(strides, padding, data_format, dilations))


def conv2d_transpose(value=None, filter=None, output_shape=None, strides=None,  # noqa: A002
                     padding="SAME", data_format="NHWC", name=None, input=None,  # noqa: A002
                     filters=None, dilations=None):
    """The transpose (gradient) of conv2d: maps `value` [batch, h, w, out_channels of filter]
    to `output_shape`, with `filter` [height, width, output_channels, in_channels]
    (TF1 `tf.nn.conv2d_transpose`)."""
    value = input if value is None else value
    filter = filters if filter is None else filter  # noqa: A001
    with name_scope(name, "conv2d_transpose", [value, filter, output_shape]) as name:
        value, filter = convert_to_tensor(value), convert_to_tensor(filter)  # noqa: A001
        attrs = _conv_attrs(strides, padding, data_format, dilations)
        channels = spatial(value.shape.with_rank(4).as_tuple(), attrs["data_format"])[3]
        fdims = filter.shape.with_rank(4).as_tuple()
        if None not in (channels, fdims[3]) and channels != fdims[3]:
            raise ValueError(f"input channels does not match filter's input channels, "
                             f"{channels} != {fdims[3]}")
        sizes = _sizes(output_shape, "output_shape")
        out = spatial(partial_shape_value(sizes).with_rank(4).as_tuple(), attrs["data_format"])
        if None not in (out[3], fdims[2]) and out[3] != fdims[2]:
            raise ValueError(f"output_shape does not match filter's output channels, "
                             f"{out[3]} != {fdims[2]}")
        return CONV2D_BACKPROP_INPUT(sizes, filter, value, use_cudnn_on_gpu=True, name=name,
                                     **attrs)


# --- depthwise convolution -------------------------------------------------------------------
def _depthwise_shape(x, f, strides, padding, data_format, dilations):
    kh, kw, cin, mult = f.shape.with_rank(4).as_tuple()
    _check_equal(spatial(x.shape.with_rank(4).as_tuple(), data_format)[3], cin)
    n, oh, ow = _spatial_out(x.shape, kh, kw, strides, dilations, padding, data_format)
    return layout(n, oh, ow, None if None in (cin, mult) else cin * mult, data_format)


_depthwise_grad, _depthwise_input_grad, _depthwise_filter_grad = _linear_family_grads(
    lambda: (DEPTHWISE, DEPTHWISE_BACKPROP_INPUT, DEPTHWISE_BACKPROP_FILTER))


DEPTHWISE = register_op("DepthwiseConv2dNative", shape=_depthwise_shape,
                        kernel=kernels.depthwise_conv2d, grad=_depthwise_grad)
DEPTHWISE_BACKPROP_INPUT = register_op(
    "DepthwiseConv2dNativeBackpropInput", shape=_sizes_shape(0),
    kernel=kernels.depthwise_conv2d_backprop_input, grad=_depthwise_input_grad,
    same_dtype=(1, 2), dtype=lambda inputs, attrs: inputs[1].dtype)
DEPTHWISE_BACKPROP_FILTER = register_op(
    "DepthwiseConv2dNativeBackpropFilter", shape=_sizes_shape(1),
    kernel=kernels.depthwise_conv2d_backprop_filter, grad=_depthwise_filter_grad,
    same_dtype=(0, 2))


def depthwise_conv2d_native(input, filter, strides, padding, data_format="NHWC",  # noqa: A002
                            dilations=[1, 1, 1, 1], name=None):  # noqa: B006
    """Per-channel 2-D convolution: `filter` [height, width, in_channels, multiplier] gives
    in_channels * multiplier outputs, channel c feeding outputs c*multiplier ... (TF1
    `tf.nn.depthwise_conv2d_native`)."""
    return DEPTHWISE(input, filter, name=name,
                     **_conv_attrs(strides, padding, data_format, dilations))


def depthwise_conv2d(input, filter, strides, padding, rate=None, name=None,  # noqa: A002
                     data_format=None, dilations=None):
    """depthwise_conv2d_native with an optional atrous `rate` [rate_h, rate_w]
    (TF1 `tf.nn.depthwise_conv2d`).
    Differs from TF: rate > 1 is computed as a dilated convolution directly (same values) and
    may be combined with strides > 1."""
    rate = dilations if rate is None else rate
    with name_scope(name, "depthwise", [input, filter]) as name:
        return DEPTHWISE(input, filter, name=name,
                         **_conv_attrs(strides, padding, data_format, rate))


def depthwise_conv2d_native_backprop_input(input_sizes, filter, out_backprop, strides,  # noqa: A002
                                           padding, data_format="NHWC",
                                           dilations=[1, 1, 1, 1], name=None):  # noqa: B006
    """The gradient of depthwise_conv2d_native with respect to its input."""
    return DEPTHWISE_BACKPROP_INPUT(_sizes(input_sizes, "input_sizes"), filter, out_backprop,
                                    name=name,
                                    **_conv_attrs(strides, padding, data_format, dilations))


def depthwise_conv2d_native_backprop_filter(input, filter_sizes, out_backprop, strides,  # noqa: A002
                                            padding, data_format="NHWC",
                                            dilations=[1, 1, 1, 1], name=None):  # noqa: B006
    """The gradient of depthwise_conv2d_native with respect to its filter."""
    return DEPTHWISE_BACKPROP_FILTER(input, _sizes(filter_sizes, "filter_sizes"), out_backprop,
                                     name=name,
                                     **_conv_attrs(strides, padding, data_format, dilations))


def separable_conv2d(input, depthwise_filter, pointwise_filter, strides, padding,  # noqa: A002
                     rate=None, name=None, data_format=None, dilations=None):
    """depthwise_conv2d followed by a 1x1 conv2d with `pointwise_filter`
    [1, 1, in_channels * multiplier, out_channels] (TF1 `tf.nn.separable_conv2d`)."""
    with name_scope(name, "separable_conv2d", [input, depthwise_filter, pointwise_filter]) \
            as name:
        depthwise = depthwise_conv2d(input, depthwise_filter, strides, padding, rate=rate,
                                     name="depthwise", data_format=data_format,
                                     dilations=dilations)
        return conv2d(depthwise, pointwise_filter, [1, 1, 1, 1], "VALID",
                      data_format=data_format or "NHWC", name=name)


__all__ = ["conv2d", "conv2d_backprop_input", "conv2d_backprop_filter", "conv2d_transpose",
           "depthwise_conv2d", "depthwise_conv2d_native",
           "depthwise_conv2d_native_backprop_input", "depthwise_conv2d_native_backprop_filter",
           "separable_conv2d"]
