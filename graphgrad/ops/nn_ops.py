"""Neural-net ops: activations with their fused gradients, softmax, bias_add (the `tf.nn` core).

Losses live in nn_loss_ops.py; moments, dropout, top_k and friends in nn_impl_ops.py.
"""
from ..graph.constant import convert_to_tensor
from ..graph.default import name_scope
from ..graph.registry import register_op
from ..graph.shapes import TensorShape
from ..kernels import nn_activations as act
from ..kernels import nn_bias
from ..kernels import softmax as softmax_kernels
from .array_ops import zeros_like
from .math_ops import abs as abs_
from .math_ops import exp, matmul, reduce_sum, sigmoid, square, where


def _same_shape(x, *_, **__):
    return x.shape


def _activation(op_type, kernel, grad):
    return register_op(op_type, shape=_same_shape, kernel=kernel, grad=grad)


# --- piecewise-linear activations: fused gradients, zero second derivative in the features ----
RELU_GRAD = _activation("ReluGrad", act.relu_grad,
                        lambda op, grad: [RELU_GRAD(grad, op.inputs[1]), None])
RELU = _activation("Relu", act.relu, lambda op, grad: [RELU_GRAD(grad, op.outputs[0])])


def relu(features, name=None):
    """max(features, 0) elementwise (TF1 `tf.nn.relu`); the gradient at 0 is 0."""
    return RELU(features, name=name)


RELU6_GRAD = _activation("Relu6Grad", act.relu6_grad,
                         lambda op, grad: [RELU6_GRAD(grad, op.inputs[1]), None])
RELU6 = _activation("Relu6", act.relu6, lambda op, grad: [RELU6_GRAD(grad, op.inputs[0])])


def relu6(features, name=None):
    """min(max(features, 0), 6) elementwise (TF1 `tf.nn.relu6`)."""
    return RELU6(features, name=name)


def _leaky_relu_grad_grad(op, grad):
    return [LEAKY_RELU_GRAD(grad, op.inputs[1], alpha=op.attrs["alpha"]), None]


LEAKY_RELU_GRAD = _activation("LeakyReluGrad", act.leaky_relu_grad, _leaky_relu_grad_grad)
LEAKY_RELU = _activation(
    "LeakyRelu", act.leaky_relu,
    lambda op, grad: [LEAKY_RELU_GRAD(grad, op.inputs[0], alpha=op.attrs["alpha"])])


def leaky_relu(features, alpha=0.2, name=None):
    """features where positive, else alpha * features (TF1 `tf.nn.leaky_relu`)."""
    return LEAKY_RELU(features, alpha=float(alpha), name=name)


# --- exponential activations: the fused gradient reads the output; the grad-grad is graph code -
def _exp_family_grad_grad(fused):
    def grad_grad(op, grad):
        upstream, y = op.inputs
        # d/dy of fused(g, y) is g where y < 0 (the exponential branch) and 0 elsewhere.
        return [fused(grad, y), where(y < 0, grad * upstream, 0.0)]
    return grad_grad


ELU_GRAD = _activation("EluGrad", act.elu_grad, _exp_family_grad_grad(lambda g, y: ELU_GRAD(g, y)))
ELU = _activation("Elu", act.elu, lambda op, grad: [ELU_GRAD(grad, op.outputs[0])])


def elu(features, name=None):
    """features where positive, else exp(features) - 1 (TF1 `tf.nn.elu`)."""
    return ELU(features, name=name)


SELU_GRAD = _activation("SeluGrad", act.selu_grad,
                        _exp_family_grad_grad(lambda g, y: SELU_GRAD(g, y)))
SELU = _activation("Selu", act.selu, lambda op, grad: [SELU_GRAD(grad, op.outputs[0])])


def selu(features, name=None):
    """scale * elu-like(features) with alpha 1.6733, scale 1.0507 (TF1 `tf.nn.selu`)."""
    return SELU(features, name=name)


# --- smooth activations: gradients as graph code ----------------------------------------------
SOFTPLUS = _activation("Softplus", act.softplus,
                       lambda op, grad: [grad * sigmoid(op.inputs[0])])


def softplus(features, name=None):
    """log(exp(features) + 1), without overflow (TF1 `tf.nn.softplus`)."""
    return SOFTPLUS(features, name=name)


SOFTSIGN = _activation("Softsign", act.softsign,
                       lambda op, grad: [grad / square(1.0 + abs_(op.inputs[0]))])


def softsign(features, name=None):
    """features / (abs(features) + 1) (TF1 `tf.nn.softsign`)."""
    return SOFTSIGN(features, name=name)


def crelu(features, name=None, axis=-1):
    """concat([relu(features), relu(-features)], axis) (TF1 `tf.nn.crelu`)."""
    from .array_ops import concat
    with name_scope(name, "CRelu", [features]) as name:
        features = convert_to_tensor(features)
        return relu(concat([features, -features], axis), name=name)


# --- softmax ----------------------------------------------------------------------------------
def softmax_backprop(y, grad):
    """The Jacobian of softmax (along the last axis) at output `y`, applied to `grad`."""
    return (grad - reduce_sum(grad * y, axis=-1, keepdims=True)) * y


SOFTMAX = register_op("Softmax", shape=_same_shape, kernel=softmax_kernels.softmax,
                      grad=lambda op, grad: [softmax_backprop(op.outputs[0], grad)])


def _rank_check(logits, fn):
    logits = convert_to_tensor(logits)
    if logits.shape.ndims == 0:
        raise ValueError(f"{fn} needs logits of rank >= 1, got a scalar {logits.name}.")
    return logits


def _on_axis(fn, logits, axis, name):
    """Applies a last-axis op along `axis` by moving that axis last and back."""
    from .array_ops import transpose
    rank = logits.shape.ndims
    if axis in (-1, None) or (rank is not None and axis % rank == rank - 1):
        return fn(logits, name=name)
    if rank is None:
        raise ValueError(f"softmax along axis {axis} needs the rank of {logits.name} known.")
    perm = list(range(rank))
    perm[axis], perm[-1] = perm[-1], perm[axis]
    return transpose(fn(transpose(logits, perm)), perm, name=name)


def softmax(logits, axis=None, name=None, dim=None):
    """exp(logits) / sum(exp(logits)) along `axis` (alias `dim`) (TF1 `tf.nn.softmax`)."""
    logits = _rank_check(logits, "softmax")
    return _on_axis(SOFTMAX, logits, dim if axis is None else axis, name)


def _log_softmax_grad(op, grad):
    y = op.outputs[0]
    return [grad - reduce_sum(grad, axis=-1, keepdims=True) * exp(y)]


LOG_SOFTMAX = register_op("LogSoftmax", shape=_same_shape, kernel=softmax_kernels.log_softmax,
                          grad=_log_softmax_grad)


def log_softmax(logits, axis=None, name=None, dim=None):
    """logits - log(sum(exp(logits))) along `axis`, stable (TF1 `tf.nn.log_softmax`)."""
    logits = _rank_check(logits, "log_softmax")
    return _on_axis(LOG_SOFTMAX, logits, dim if axis is None else axis, name)


# --- bias_add ---------------------------------------------------------------------------------
def _data_format(data_format):
    if data_format is None or data_format in ("NHWC", "NWC", "NDHWC", "N...C"):
        return "NHWC"
    if data_format in ("NCHW", "NCW", "NCDHW", "NC..."):
        return "NCHW"
    raise ValueError(f"Unknown data_format {data_format!r}: use 'NHWC' or 'NCHW'.")


def _channel_dim(value, data_format):
    dims = value.shape.with_rank_at_least(2).as_tuple()
    if dims is None:
        return None
    return dims[1] if data_format == "NCHW" else dims[-1]


def _bias_add_shape(value, bias, data_format):
    channels = _channel_dim(value, data_format)
    (size,) = bias.shape.with_rank(1).as_tuple()
    if channels is not None and size is not None and channels != size:
        raise ValueError(f"Dimensions must be equal, but are {size} and {channels}")
    return value.shape


def _bias_add_grad(op, grad):
    return [grad, BIAS_ADD_GRAD(grad, data_format=op.attrs["data_format"])]


BIAS_ADD = register_op("BiasAdd", shape=_bias_add_shape, kernel=nn_bias.bias_add,
                       grad=_bias_add_grad)
BIAS_ADD_GRAD = register_op(
    "BiasAddGrad", shape=lambda grad, data_format: TensorShape([_channel_dim(grad, data_format)]),
    kernel=nn_bias.bias_add_grad,
    # BiasAddGrad is linear: its gradient broadcasts the bias-shaped grad back.
    grad=lambda op, grad: [BIAS_ADD(zeros_like(op.inputs[0]), grad,
                                    data_format=op.attrs["data_format"])])


def bias_add(value, bias, data_format=None, name=None):
    """value + bias along the channel dim: the last ('NHWC', default) or dim 1 ('NCHW')
    (TF1 `tf.nn.bias_add`)."""
    return BIAS_ADD(value, bias, data_format=_data_format(data_format), name=name)


def xw_plus_b(x, weights, biases, name=None):
    """matmul(x, weights) + biases (TF1 `tf.nn.xw_plus_b`)."""
    with name_scope(name, "xw_plus_b", [x, weights, biases]) as name:
        return bias_add(matmul(x, weights), biases, name=name)


__all__ = ["relu", "relu6", "leaky_relu", "elu", "selu", "softplus", "softsign", "crelu",
           "softmax", "log_softmax", "bias_add", "xw_plus_b"]
