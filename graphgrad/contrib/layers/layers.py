"""`tf.contrib.layers` layer functions: fully_connected, conv2d, batch_norm, flatten, dropout,
max_pool2d, avg_pool2d. Their variables are 'weights' / 'biases' (model variables) in a
variable scope named 'fully_connected', 'Conv', 'BatchNorm', ... as TF1 names them."""
import functools

from ...graph.constant import convert_to_tensor
from ...graph.default import add_to_collections, name_scope
from ...graph.graph import GraphKeys, get_default_graph
from ...layers import convolutional as conv_layers
from ...layers import core as core_layers
from ...layers.normalization import normalize
from ...ops import init_ops
from ...ops import variable_scope as vs
from ...ops.array_ops import identity
from ...ops.matmul_ops import matmul, tensordot
from ...ops.nn_ops import bias_add, relu
from .initializers import xavier_initializer


def _collections(variables_collections, name):
    if isinstance(variables_collections, dict):
        extra = variables_collections.get(name)
    else:
        extra = variables_collections
    if isinstance(extra, str):
        extra = [extra]
    return [GraphKeys.GLOBAL_VARIABLES, GraphKeys.MODEL_VARIABLES] + list(extra or [])


def _model_variable(name, shape, dtype, initializer, regularizer, trainable, collections):
    """A get_variable in GLOBAL_VARIABLES and MODEL_VARIABLES (TF1 `model_variable`)."""
    return vs.get_variable(name, shape=shape, dtype=dtype, initializer=initializer,
                           regularizer=regularizer, trainable=trainable,
                           collections=collections)


def _finish(outputs, normalizer_fn, normalizer_params, activation_fn, outputs_collections):
    if normalizer_fn is not None:
        outputs = normalizer_fn(outputs, **(normalizer_params or {}))
    if activation_fn is not None:
        outputs = activation_fn(outputs)
    if outputs_collections:
        add_to_collections(outputs_collections, outputs)
    return outputs


def fully_connected(inputs, num_outputs, activation_fn=relu, normalizer_fn=None,
                    normalizer_params=None, weights_initializer=xavier_initializer(),
                    weights_regularizer=None, biases_initializer=init_ops.zeros_initializer(),
                    biases_regularizer=None, reuse=None, variables_collections=None,
                    outputs_collections=None, trainable=True, scope=None):
    """activation_fn(inputs @ weights + biases) with variables 'fully_connected/weights' and
    'fully_connected/biases' (no biases with a normalizer_fn); ReLU by default (TF1
    `tf.contrib.layers.fully_connected`)."""
    if not isinstance(num_outputs, int) or isinstance(num_outputs, bool):
        raise ValueError(f"num_outputs type should be one of [<class 'int'>], got "
                         f"{type(num_outputs)}.")
    with vs.variable_scope(scope, "fully_connected", [inputs], reuse=reuse):
        inputs = convert_to_tensor(inputs)
        dims = inputs.shape.as_list() if inputs.shape.ndims is not None else None
        if not dims or dims[-1] is None:
            raise ValueError("The last dimension of the inputs to `Dense` should be defined. "
                             "Found `None`.")
        dtype = inputs.dtype.base_dtype
        weights = _model_variable("weights", [dims[-1], num_outputs], dtype, weights_initializer,
                                  weights_regularizer, trainable,
                                  _collections(variables_collections, "weights"))
        if len(dims) > 2:
            outputs = tensordot(inputs, weights, [[len(dims) - 1], [0]])
            outputs.set_shape(dims[:-1] + [num_outputs])
        else:
            outputs = matmul(inputs, weights)
        if normalizer_fn is None and biases_initializer is not None:
            biases = _model_variable("biases", [num_outputs], dtype, biases_initializer,
                                     biases_regularizer, trainable,
                                     _collections(variables_collections, "biases"))
            outputs = bias_add(outputs, biases)
        return _finish(outputs, normalizer_fn, normalizer_params, activation_fn,
                       outputs_collections)


linear = functools.partial(fully_connected, activation_fn=None)


def convolution2d(inputs, num_outputs, kernel_size, stride=1, padding="SAME", data_format=None,
                  rate=1, activation_fn=relu, normalizer_fn=None, normalizer_params=None,
                  weights_initializer=xavier_initializer(), weights_regularizer=None,
                  biases_initializer=init_ops.zeros_initializer(), biases_regularizer=None,
                  reuse=None, variables_collections=None, outputs_collections=None,
                  trainable=True, scope=None):
    """2-D convolution with variables 'Conv/weights' [kh, kw, in, num_outputs] and
    'Conv/biases'; SAME padding and ReLU by default (TF1 `tf.contrib.layers.conv2d`)."""
    from ...ops import conv_ops
    data_format = data_format or "NHWC"
    if data_format not in ("NHWC", "NCHW"):
        raise ValueError("data_format has to be either NCHW or NHWC.")
    kh, kw = conv_layers.normalize_tuple(kernel_size, 2, "kernel_size")
    strides = conv_layers.normalize_tuple(stride, 2, "strides")
    dilations = conv_layers.normalize_tuple(rate, 2, "dilation_rate")
    with vs.variable_scope(scope, "Conv", [inputs], reuse=reuse):
        inputs = convert_to_tensor(inputs)
        dims = inputs.shape.with_rank(4).as_list()
        channels = dims[1] if data_format == "NCHW" else dims[3]
        if channels is None:
            raise ValueError("The channel dimension of the inputs should be defined. Found "
                             "`None`.")
        dtype = inputs.dtype.base_dtype
        weights = _model_variable("weights", [kh, kw, channels, num_outputs], dtype,
                                  weights_initializer, weights_regularizer, trainable,
                                  _collections(variables_collections, "weights"))
        outputs = conv_ops.conv2d(inputs, weights, strides=list(strides),
                                  padding=padding.upper(), data_format=data_format,
                                  dilations=list(dilations))
        if normalizer_fn is None and biases_initializer is not None:
            biases = _model_variable("biases", [num_outputs], dtype, biases_initializer,
                                     biases_regularizer, trainable,
                                     _collections(variables_collections, "biases"))
            outputs = bias_add(outputs, biases, data_format=data_format)
        return _finish(outputs, normalizer_fn, normalizer_params, activation_fn,
                       outputs_collections)


conv2d = convolution2d


def flatten(inputs, outputs_collections=None, scope=None):
    """[batch, ...] -> [batch, k] (TF1 `tf.contrib.layers.flatten`)."""
    with name_scope(scope, "Flatten", [inputs]):
        outputs = core_layers.flatten(inputs)
        if outputs_collections:
            add_to_collections(outputs_collections, outputs)
        return outputs


def dropout(inputs, keep_prob=0.5, noise_shape=None, is_training=True, outputs_collections=None,
            scope=None, seed=None):
    """Dropout with the KEEP probability `keep_prob`, active while `is_training` (default True)
    (TF1 `tf.contrib.layers.dropout`)."""
    with vs.variable_scope(scope, "Dropout", [inputs]) as sc:
        layer = core_layers.Dropout(rate=1 - keep_prob, noise_shape=noise_shape, seed=seed,
                                    name=sc.name, _scope=sc)
        outputs = layer.apply(inputs, training=is_training)
        if outputs_collections:
            add_to_collections(outputs_collections, outputs)
        return outputs


def _pool(layer_cls, default_name, inputs, kernel_size, stride, padding, data_format,
          outputs_collections, scope):
    if data_format not in ("NHWC", "NCHW"):
        raise ValueError("data_format has to be either NCHW or NHWC.")
    df = "channels_first" if data_format == "NCHW" else "channels_last"
    with name_scope(scope, default_name, [inputs]) as sc:
        layer = layer_cls(kernel_size, stride, padding, df, _scope=sc)
        outputs = layer.apply(inputs)
        if outputs_collections:
            add_to_collections(outputs_collections, outputs)
        return outputs


def max_pool2d(inputs, kernel_size, stride=2, padding="VALID", data_format="NHWC",
               outputs_collections=None, scope=None):
    """2-D max pooling, stride 2 and VALID by default (TF1 `tf.contrib.layers.max_pool2d`)."""
    return _pool(conv_layers.MaxPooling2D, "MaxPool2D", inputs, kernel_size, stride, padding,
                 data_format, outputs_collections, scope)


def avg_pool2d(inputs, kernel_size, stride=2, padding="VALID", data_format="NHWC",
               outputs_collections=None, scope=None):
    """2-D average pooling (TF1 `tf.contrib.layers.avg_pool2d`)."""
    return _pool(conv_layers.AveragePooling2D, "AvgPool2D", inputs, kernel_size, stride,
                 padding, data_format, outputs_collections, scope)


def batch_norm(inputs, decay=0.999, center=True, scale=False, epsilon=0.001, activation_fn=None,
               param_initializers=None, param_regularizers=None,
               updates_collections=GraphKeys.UPDATE_OPS, is_training=True, reuse=None,
               variables_collections=None, outputs_collections=None, trainable=True,
               batch_weights=None, fused=None, data_format="NHWC", zero_debias_moving_mean=False,
               scope=None, renorm=False, renorm_clipping=None, renorm_decay=0.99,
               adjustment=None):
    """Batch normalization over all axes but the channels (TF1
    `tf.contrib.layers.batch_norm`): variables 'BatchNorm/beta' (center), 'BatchNorm/gamma'
    (scale, off by default), 'BatchNorm/moving_mean', 'BatchNorm/moving_variance'. The moving
    averages update in `updates_collections` (UPDATE_OPS), or in place when it is None.

    Differs from TF: batch_weights, renorm, adjustment and zero_debias_moving_mean raise
    NotImplementedError. As TF's fused kernel (rank 2 or 4) the moving variance gets the
    unbiased batch variance.
    """
    if batch_weights is not None or renorm or adjustment is not None or zero_debias_moving_mean:
        raise NotImplementedError("batch_norm: batch_weights, renorm, adjustment and "
                                  "zero_debias_moving_mean are not supported by graphgrad.")
    if data_format not in ("NHWC", "NCHW"):
        raise ValueError("data_format has to be either NCHW or NHWC.")
    initializers = dict(param_initializers or {})
    regularizers = dict(param_regularizers or {})
    with vs.variable_scope(scope, "BatchNorm", [inputs], reuse=reuse):
        inputs = convert_to_tensor(inputs)
        ndims = inputs.shape.ndims
        if ndims is None:
            raise ValueError(f"Inputs {inputs.name} has undefined rank.")
        axis = 1 if data_format == "NCHW" and ndims > 2 else ndims - 1
        channels = inputs.shape.as_list()[axis]
        if channels is None:
            raise ValueError(f"Inputs {inputs.name} has undefined channels dimension "
                             f"{inputs.shape}.")
        dtype = inputs.dtype.base_dtype

        def param(name, init, trainable_param):
            return _model_variable(name, [channels], dtype, initializers.get(name, init),
                                   regularizers.get(name), trainable_param,
                                   _collections(variables_collections, name))

        beta = param("beta", init_ops.zeros_initializer(), trainable) if center else None
        gamma = param("gamma", init_ops.ones_initializer(), trainable) if scale else None
        moving_mean = param("moving_mean", init_ops.zeros_initializer(), False)
        moving_variance = param("moving_variance", init_ops.ones_initializer(), False)
        updates = []
        outputs = normalize(inputs, is_training, decay, moving_mean, moving_variance, gamma,
                            beta, [axis], epsilon, fused is not False and ndims in (2, 4),
                            updates.append)
        if updates and updates_collections is None:
            graph = get_default_graph()
            with graph.control_dependencies(updates):
                outputs = identity(outputs)
        else:
            for u in updates:
                add_to_collections(updates_collections, u)
        return _finish(outputs, None, None, activation_fn, outputs_collections)

