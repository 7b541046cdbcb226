"""tf.layers BatchNormalization (class and functional form) and the moving-statistics update
shared with contrib.layers.batch_norm."""
from ..graph import dtypes
from ..graph.constant import convert_to_tensor
from ..graph.default import name_scope
from ..graph.shapes import TensorShape
from ..ops import init_ops, state_ops
from ..ops.logic_ops import cast, where
from ..ops.math_ops import maximum
from ..ops.nn_impl_ops import batch_normalization as nn_batch_normalization
from ..ops.nn_impl_ops import moments
from ..ops.shape_ops import reshape, size
from .base import Layer, static_bool


def assign_moving_average(variable, value, momentum, training_gate=None):
    """variable -= (variable - value) * (1 - momentum) [* cast(training)], named
    'AssignMovingAvg' as TF1's batch norm names it."""
    with name_scope(None, "AssignMovingAvg") as scope:
        decay = convert_to_tensor(1.0 - momentum, name="decay")
        if decay.dtype != variable.dtype.base_dtype:
            decay = cast(decay, variable.dtype.base_dtype)
        if training_gate is not None:
            decay = decay * cast(training_gate, decay.dtype)
        delta = (variable - cast(value, variable.dtype.base_dtype)) * decay
        return state_ops.assign_sub(variable, delta, name=scope)


def batch_statistics(inputs, reduction_axes, param_dtype, bessel):
    """(mean, variance for normalizing, variance for the moving average): with `bessel` (TF's
    fused kernel) the moving average gets the unbiased n / (n - 1) variance."""
    mean, variance = moments(cast(inputs, param_dtype), reduction_axes)
    moving_value = variance
    if bessel:
        n = cast(size(inputs), param_dtype) / cast(size(mean), param_dtype)
        moving_value = variance * (n / maximum(n - 1.0, 1.0))
    return mean, variance, moving_value


def normalize(inputs, training, momentum, moving_mean, moving_variance, gamma, beta,
              axes, epsilon, bessel, add_update):
    """Batch statistics (and `add_update`d moving-average updates) while training, moving
    statistics otherwise; `training` may be a bool tensor (then both, selected with where)."""
    ndims = inputs.shape.ndims
    reduction_axes = [i for i in range(ndims) if i not in axes]
    param_dtype = moving_mean.dtype.base_dtype
    broadcast = None
    if axes != [ndims - 1]:
        broadcast = [1] * ndims
        for a in axes:
            broadcast[a] = inputs.shape.as_list()[a]

    def _b(v):
        return v if v is None or broadcast is None else reshape(v, broadcast)

    known = static_bool(training)
    if known is False:
        mean, variance = moving_mean.value(), moving_variance.value()
    else:
        mean, variance, moving_value = batch_statistics(inputs, reduction_axes, param_dtype,
                                                        bessel)
        gate = None if known else training
        add_update(assign_moving_average(moving_mean, mean, momentum, gate))
        add_update(assign_moving_average(moving_variance, moving_value, momentum, gate))
        if gate is not None:
            mean = where(gate, mean, moving_mean.value())
            variance = where(gate, variance, moving_variance.value())

    def cast_in(v):
        return v if v is None else cast(v, inputs.dtype)

    return nn_batch_normalization(inputs, _b(cast_in(mean)), _b(cast_in(variance)),
                                  _b(cast_in(beta)), _b(cast_in(gamma)), epsilon)


class BatchNormalization(Layer):
    """Batch normalization over all axes but `axis` (TF1 `tf.layers.BatchNormalization`):
    variables gamma, beta (trainable), moving_mean, moving_variance (not trainable). While
    `training`, normalizes with the batch statistics and adds the moving-average updates to
    GraphKeys.UPDATE_OPS (run them, e.g. as control dependencies of the train op).

    Differs from TF: renorm, virtual_batch_size and adjustment are not supported. As TF's fused
    kernel (4-D inputs, channel axis 1 or 3) the moving variance gets the unbiased batch variance.
    """

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer=init_ops.zeros_initializer(),
                 gamma_initializer=init_ops.ones_initializer(),
                 moving_mean_initializer=init_ops.zeros_initializer(),
                 moving_variance_initializer=init_ops.ones_initializer(), beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None,
                 renorm=False, renorm_clipping=None, renorm_momentum=0.99, fused=None,
                 trainable=True, virtual_batch_size=None, adjustment=None, name=None, **kwargs):
        super().__init__(trainable=trainable, name=name, **kwargs)
        if renorm or virtual_batch_size is not None or adjustment is not None:
            raise NotImplementedError("renorm, virtual_batch_size and adjustment are not "
                                      "supported by graphgrad's BatchNormalization.")
        self.axis = axis
        self.momentum, self.epsilon, self.center, self.scale = momentum, epsilon, center, scale
        self.beta_initializer, self.gamma_initializer = beta_initializer, gamma_initializer
        self.moving_mean_initializer = moving_mean_initializer
        self.moving_variance_initializer = moving_variance_initializer
        self.beta_regularizer, self.gamma_regularizer = beta_regularizer, gamma_regularizer
        self.beta_constraint, self.gamma_constraint = beta_constraint, gamma_constraint
        self.fused = fused

    def build(self, input_shape):
        input_shape = TensorShape(input_shape)
        if input_shape.ndims is None:
            raise ValueError(f"Input has undefined rank: {input_shape}")
        ndims = input_shape.ndims
        axes = self.axis if isinstance(self.axis, (list, tuple)) else [self.axis]
        self._axes = sorted({a % ndims for a in axes})
        dims = input_shape.as_list()
        if any(dims[a] is None for a in self._axes):
            raise ValueError(f"Input has undefined `axis` dimension. Input shape: {input_shape}")
        param_shape = [dims[a] for a in self._axes]
        param_dtype = dtypes.float32 if self.dtype == dtypes.float16 else self.dtype
        self._bessel = self.fused is not False and ndims == 4 and self._axes in ([1], [3])
        self.gamma = self.add_weight("gamma", param_shape, param_dtype, self.gamma_initializer,
                                     self.gamma_regularizer, constraint=self.gamma_constraint) \
            if self.scale else None
        self.beta = self.add_weight("beta", param_shape, param_dtype, self.beta_initializer,
                                    self.beta_regularizer, constraint=self.beta_constraint) \
            if self.center else None
        self.moving_mean = self.add_weight("moving_mean", param_shape, param_dtype,
                                           self.moving_mean_initializer, trainable=False)
        self.moving_variance = self.add_weight("moving_variance", param_shape, param_dtype,
                                               self.moving_variance_initializer, trainable=False)
        self.built = True

    def call(self, inputs, training=False):
        inputs = convert_to_tensor(inputs)
        return normalize(inputs, training, self.momentum, self.moving_mean,
                         self.moving_variance, self.gamma, self.beta, self._axes, self.epsilon,
                         self._bessel, self.add_update)


def batch_normalization(inputs, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                        beta_initializer=init_ops.zeros_initializer(),
                        gamma_initializer=init_ops.ones_initializer(),
                        moving_mean_initializer=init_ops.zeros_initializer(),
                        moving_variance_initializer=init_ops.ones_initializer(),
                        beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                        gamma_constraint=None, training=False, trainable=True, name=None,
                        reuse=None, renorm=False, renorm_clipping=None, renorm_momentum=0.99,
                        fused=None, virtual_batch_size=None, adjustment=None):
    """Functional `BatchNormalization` (TF1 `tf.layers.batch_normalization`); `training`
    defaults to False (moving statistics)."""
    layer = BatchNormalization(
        axis=axis, momentum=momentum, epsilon=epsilon, center=center, scale=scale,
        beta_initializer=beta_initializer, gamma_initializer=gamma_initializer,
        moving_mean_initializer=moving_mean_initializer,
        moving_variance_initializer=moving_variance_initializer,
        beta_regularizer=beta_regularizer, gamma_regularizer=gamma_regularizer,
        beta_constraint=beta_constraint, gamma_constraint=gamma_constraint, renorm=renorm,
        renorm_clipping=renorm_clipping, renorm_momentum=renorm_momentum, fused=fused,
        trainable=trainable, virtual_batch_size=virtual_batch_size, adjustment=adjustment,
        name=name, _reuse=reuse, _scope=name)
    return layer.apply(inputs, training=training)
