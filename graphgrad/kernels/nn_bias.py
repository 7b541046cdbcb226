"""bias_add and its gradient for both data formats (channels last, or channels at dim 1)."""


def _channel_axis(ndim, data_format):
    return 1 if data_format == "NCHW" else ndim - 1


def bias_add(xp, value, bias, data_format):
    axis = _channel_axis(value.ndim, data_format)
    return value + bias.reshape((-1,) + (1,) * (value.ndim - 1 - axis))


def bias_add_grad(xp, grad, data_format):
    axis = _channel_axis(grad.ndim, data_format)
    others = tuple(i for i in range(grad.ndim) if i != axis)
    return xp.sum(grad, axis=others).astype(grad.dtype, copy=False)
