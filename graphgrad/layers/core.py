"""tf.layers Dense, Dropout and Flatten, as classes and TF1's functional forms."""
import numpy as np

from ..graph.constant import convert_to_tensor
from ..graph.shapes import TensorShape
from ..ops import init_ops
from ..ops.array_ops import identity, stack, transpose
from ..ops.logic_ops import cast
from ..ops.matmul_ops import matmul, tensordot
from ..ops.nn_impl_ops import dropout as nn_dropout
from ..ops.nn_ops import bias_add
from ..ops.shape_ops import reshape, shape
from .base import Layer, static_bool


class Dense(Layer):
    """outputs = activation(inputs @ kernel + bias), with variables 'kernel' [in, units] and
    'bias' [units]; inputs of rank > 2 are contracted on their last axis (TF1
    `tf.layers.Dense`)."""

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer=None,
                 bias_initializer=init_ops.zeros_initializer(), kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, trainable=True, name=None, **kwargs):
        super().__init__(trainable=trainable, name=name,
                         activity_regularizer=activity_regularizer, **kwargs)
        self.units = int(units)
        self.activation = activation
        self.use_bias = use_bias
        self.kernel_initializer, self.bias_initializer = kernel_initializer, bias_initializer
        self.kernel_regularizer, self.bias_regularizer = kernel_regularizer, bias_regularizer
        self.kernel_constraint, self.bias_constraint = kernel_constraint, bias_constraint

    def build(self, input_shape):
        input_shape = TensorShape(input_shape)
        if input_shape.ndims is None or input_shape.as_list()[-1] is None:
            raise ValueError("The last dimension of the inputs to `Dense` should be defined. "
                             "Found `None`.")
        self.kernel = self.add_weight("kernel", [input_shape.as_list()[-1], self.units],
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight("bias", [self.units], initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        self.built = True

    def call(self, inputs):
        inputs = convert_to_tensor(inputs, dtype=self.dtype)
        rank = inputs.shape.ndims
        if rank is not None and rank > 2:
            outputs = tensordot(inputs, self.kernel, [[rank - 1], [0]])
            outputs.set_shape(inputs.shape.as_list()[:-1] + [self.units])
        else:
            outputs = matmul(inputs, self.kernel)
        if self.use_bias:
            outputs = bias_add(outputs, self.bias)
        if self.activation is not None:
            return self.activation(outputs)
        return outputs


def dense(inputs, units, activation=None, use_bias=True, kernel_initializer=None,
          bias_initializer=init_ops.zeros_initializer(), kernel_regularizer=None,
          bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
          bias_constraint=None, trainable=True, name=None, reuse=None):
    """Functional `Dense` (TF1 `tf.layers.dense`): variables 'dense/kernel', 'dense/bias',
    then 'dense_1/...'; with `name` they are '<name>/kernel' and reuse may share them."""
    layer = Dense(units, activation=activation, use_bias=use_bias,
                  kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                  kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                  activity_regularizer=activity_regularizer,
                  kernel_constraint=kernel_constraint, bias_constraint=bias_constraint,
                  trainable=trainable, name=name, _scope=name, _reuse=reuse)
    return layer.apply(inputs)


class Dropout(Layer):
    """Zeroes each entry with probability `rate` and scales the rest by 1 / (1 - rate) while
    `training`; the identity otherwise (TF1 `tf.layers.Dropout`).

    Differs from TF: a `training` tensor (not a Python bool or a constant) does not build a
    tf.cond; the drop rate becomes rate * cast(training), which gives exactly the identity when
    training is false (random numbers are still drawn).
    """

    def __init__(self, rate=0.5, noise_shape=None, seed=None, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.rate, self.noise_shape, self.seed = rate, noise_shape, seed

    def call(self, inputs, training=False):
        inputs = convert_to_tensor(inputs)
        known = static_bool(training)
        if known is False:
            return identity(inputs)
        rate = self.rate
        if known is None:
            rate = rate * cast(training, inputs.dtype)
        return nn_dropout(inputs, noise_shape=self.noise_shape, seed=self.seed, rate=rate)


def dropout(inputs, rate=0.5, noise_shape=None, seed=None, training=False, name=None):
    """Functional `Dropout` (TF1 `tf.layers.dropout`): note `rate` is the fraction DROPPED and
    `training` defaults to False (no dropout)."""
    layer = Dropout(rate, noise_shape=noise_shape, seed=seed, name=name)
    return layer.apply(inputs, training=training)


class Flatten(Layer):
    """[batch, ...] -> [batch, prod(...)] (TF1 `tf.layers.Flatten`); channels_first inputs are
    made channels-last first, as TF does."""

    def __init__(self, data_format="channels_last", name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.data_format = data_format

    def call(self, inputs):
        inputs = convert_to_tensor(inputs)
        dims = inputs.shape.as_list() if inputs.shape.ndims is not None else None
        if self.data_format == "channels_first" and dims is not None and len(dims) > 2:
            inputs = transpose(inputs, [0] + list(range(2, len(dims))) + [1])
        batch = dims[0] if dims else None
        outputs = reshape(inputs, [batch, -1] if batch is not None else
                          stack([shape(inputs)[0], -1]))
        if dims is not None and len(dims) >= 1:
            rest = dims[1:]
            flat = int(np.prod(rest)) if all(d is not None for d in rest) else None
            outputs.set_shape([batch, flat])
        return outputs


def flatten(inputs, name=None, data_format="channels_last"):
    """Functional `Flatten` (TF1 `tf.layers.flatten`)."""
    return Flatten(data_format=data_format, name=name).apply(inputs)

