"""tf.layers Conv2D, Conv2DTranspose, MaxPooling2D, AveragePooling2D (classes and TF1's
functional forms) on top of tf.nn's conv2d, conv2d_transpose, max_pool and avg_pool."""
from ..graph.constant import convert_to_tensor
from ..graph.shapes import TensorShape
from ..ops import init_ops
from ..ops.array_ops import stack
from ..ops.nn_ops import bias_add
from ..ops.shape_ops import shape
from .base import Layer


def normalize_tuple(value, n, name):
    if isinstance(value, int):
        return (value,) * n
    try:
        value = tuple(int(v) for v in value)
    except (TypeError, ValueError):
        value = None
    if value is None or len(value) != n:
        raise ValueError(f"The `{name}` argument must be a tuple of {n} integers. "
                         f"Received: {value}")
    return value


def normalize_padding(padding):
    padding = padding.lower()
    if padding not in ("valid", "same"):
        raise ValueError('The `padding` argument must be one of "valid", "same" (or "causal", '
                         f'only for `Conv1D). Received: {padding}')
    return padding


def _nn_format(data_format):
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError("The `data_format` argument must be one of \"channels_first\", "
                         f"\"channels_last\". Received: {data_format}")
    return "NHWC" if data_format == "channels_last" else "NCHW"


class _Conv2DBase(Layer):
    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid",
                 data_format="channels_last", dilation_rate=(1, 1), activation=None,
                 use_bias=True, kernel_initializer=None,
                 bias_initializer=init_ops.zeros_initializer(), kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, trainable=True, name=None, **kwargs):
        super().__init__(trainable=trainable, name=name,
                         activity_regularizer=activity_regularizer, **kwargs)
        self.filters = int(filters)
        self.kernel_size = normalize_tuple(kernel_size, 2, "kernel_size")
        self.strides = normalize_tuple(strides, 2, "strides")
        self.padding = normalize_padding(padding)
        self.data_format = data_format
        self._format = _nn_format(data_format)
        self.dilation_rate = normalize_tuple(dilation_rate, 2, "dilation_rate")
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError("strides > 1 not supported in conjunction with dilation_rate > 1")
        self.activation, self.use_bias = activation, use_bias
        self.kernel_initializer, self.bias_initializer = kernel_initializer, bias_initializer
        self.kernel_regularizer, self.bias_regularizer = kernel_regularizer, bias_regularizer
        self.kernel_constraint, self.bias_constraint = kernel_constraint, bias_constraint

    def _channel_axis(self):
        return 1 if self._format == "NCHW" else -1

    def _build_weights(self, input_shape, kernel_shape_of):
        dims = TensorShape(input_shape).with_rank(4).as_list()
        channels = dims[self._channel_axis()]
        if channels is None:
            raise ValueError("The channel dimension of the inputs should be defined. Found "
                             "`None`.")
        self.kernel = self.add_weight("kernel", list(self.kernel_size) + kernel_shape_of(channels),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight("bias", [self.filters], initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        self.built = True

    def _finish(self, outputs):
        if self.use_bias:
            outputs = bias_add(outputs, self.bias, data_format=self._format)
        if self.activation is not None:
            return self.activation(outputs)
        return outputs


class Conv2D(_Conv2DBase):
    """2-D convolution layer, kernel [kh, kw, in_channels, filters] (TF1 `tf.layers.Conv2D`)."""

    def build(self, input_shape):
        self._build_weights(input_shape, lambda channels: [channels, self.filters])

    def call(self, inputs):
        from ..ops import conv_ops
        outputs = conv_ops.conv2d(inputs, self.kernel, strides=list(self.strides),
                                  padding=self.padding.upper(), data_format=self._format,
                                  dilations=list(self.dilation_rate))
        return self._finish(outputs)


def deconv_output_length(input_length, filter_size, padding, stride):
    """The output size of a transposed convolution along one axis (an int or a tensor)."""
    if input_length is None:
        return None
    input_length = input_length * stride
    if padding == "valid":
        input_length = input_length + max(filter_size - stride, 0)
    return input_length


class Conv2DTranspose(_Conv2DBase):
    """Transposed 2-D convolution, kernel [kh, kw, filters, in_channels]; output size
    in * stride ('same') or in * stride + max(k - stride, 0) ('valid') (TF1
    `tf.layers.Conv2DTranspose`)."""

    def build(self, input_shape):
        self._build_weights(input_shape, lambda channels: [self.filters, channels])

    def call(self, inputs):
        from ..ops import conv_ops
        inputs = convert_to_tensor(inputs)
        dynamic = shape(inputs)
        static = inputs.shape.as_list()
        h_axis, w_axis = (2, 3) if self._format == "NCHW" else (1, 2)
        sizes = []
        for axis, k, s in ((h_axis, self.kernel_size[0], self.strides[0]),
                           (w_axis, self.kernel_size[1], self.strides[1])):
            size = static[axis] if static[axis] is not None else dynamic[axis]
            sizes.append(deconv_output_length(size, k, self.padding, s))
        batch = dynamic[0]
        if self._format == "NCHW":
            out = [batch, self.filters] + sizes
        else:
            out = [batch] + sizes + [self.filters]
        outputs = conv_ops.conv2d_transpose(inputs, self.kernel, stack(out),
                                            strides=list(self.strides),
                                            padding=self.padding.upper(),
                                            data_format=self._format)
        static_out = [static[0]] + [s if isinstance(s, int) else None for s in sizes]
        if self._format == "NCHW":
            static_out.insert(1, self.filters)
        else:
            static_out.append(self.filters)
        outputs.set_shape(static_out)
        return self._finish(outputs)


class _Pooling2D(Layer):
    _fn = None

    def __init__(self, pool_size, strides, padding="valid", data_format="channels_last",
                 name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.pool_size = normalize_tuple(pool_size, 2, "pool_size")
        self.strides = normalize_tuple(strides, 2, "strides")
        self.padding = normalize_padding(padding)
        self.data_format = data_format
        self._format = _nn_format(data_format)

    def call(self, inputs):
        from ..ops import pool_ops
        fn = getattr(pool_ops, self._fn)
        return fn(inputs, ksize=list(self.pool_size), strides=list(self.strides),
                  padding=self.padding.upper(), data_format=self._format)


class MaxPooling2D(_Pooling2D):
    """2-D max pooling (TF1 `tf.layers.MaxPooling2D`)."""

    _fn = "max_pool"


class AveragePooling2D(_Pooling2D):
    """2-D average pooling (TF1 `tf.layers.AveragePooling2D`)."""

    _fn = "avg_pool"


def conv2d(inputs, filters, kernel_size, strides=(1, 1), padding="valid",
           data_format="channels_last", dilation_rate=(1, 1), activation=None, use_bias=True,
           kernel_initializer=None, bias_initializer=init_ops.zeros_initializer(),
           kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
           kernel_constraint=None, bias_constraint=None, trainable=True, name=None, reuse=None):
    """Functional `Conv2D` (TF1 `tf.layers.conv2d`): variables 'conv2d/kernel', 'conv2d/bias';
    padding defaults to 'valid'."""
    layer = Conv2D(filters, kernel_size, strides, padding, data_format, dilation_rate,
                   activation, use_bias, kernel_initializer, bias_initializer,
                   kernel_regularizer, bias_regularizer, activity_regularizer, kernel_constraint,
                   bias_constraint, trainable, name=name, _reuse=reuse, _scope=name)
    return layer.apply(inputs)


def conv2d_transpose(inputs, filters, kernel_size, strides=(1, 1), padding="valid",
                     data_format="channels_last", activation=None, use_bias=True,
                     kernel_initializer=None, bias_initializer=init_ops.zeros_initializer(),
                     kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                     kernel_constraint=None, bias_constraint=None, trainable=True, name=None,
                     reuse=None):
    """Functional `Conv2DTranspose` (TF1 `tf.layers.conv2d_transpose`)."""
    layer = Conv2DTranspose(filters, kernel_size, strides, padding, data_format, (1, 1),
                            activation, use_bias, kernel_initializer, bias_initializer,
                            kernel_regularizer, bias_regularizer, activity_regularizer,
                            kernel_constraint, bias_constraint, trainable, name=name,
                            _reuse=reuse, _scope=name)
    return layer.apply(inputs)


def max_pooling2d(inputs, pool_size, strides, padding="valid", data_format="channels_last",
                  name=None):
    """Functional `MaxPooling2D` (TF1 `tf.layers.max_pooling2d`)."""
    return MaxPooling2D(pool_size, strides, padding, data_format, name=name).apply(inputs)


def average_pooling2d(inputs, pool_size, strides, padding="valid", data_format="channels_last",
                      name=None):
    """Functional `AveragePooling2D` (TF1 `tf.layers.average_pooling2d`)."""
    return AveragePooling2D(pool_size, strides, padding, data_format, name=name).apply(inputs)
