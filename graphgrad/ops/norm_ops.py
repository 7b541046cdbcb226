"""Local response normalization and fused batch normalization: fast fused forward kernels,
gradients as graph code (so second derivatives work). The unfused batch_normalization and
moments are in nn_impl_ops.py."""
from ..graph import dtypes
from ..graph.constant import constant, convert_to_tensor
from ..graph.default import name_scope
from ..graph.registry import register_op
from ..graph.shapes import TensorShape
from ..kernels import norm as kernels
from .array_ops import zeros_like
from .conv_ops import data_format_of
from .logic_ops import cast, less_equal
from .math_ops import abs as abs_
from .math_ops import matmul, maximum, reduce_mean, reduce_sum, rsqrt, square
from .math_ops import pow as pow_
from .sequence_ops import range as range_
from .shape_ops import expand_dims, reshape, shape, size


# --- local response normalization ---------------------------------------------------------------
def _window_sum(v, depth_radius):
    """sum of v[..., d - r : d + r + 1] as graph code: a matmul with a 0/1 band matrix (which is
    symmetric, so this is also its own adjoint)."""
    idx = range_(shape(v)[-1])
    dist = abs_(expand_dims(idx, 1) - expand_dims(idx, 0))
    band = cast(less_equal(dist, depth_radius), v.dtype)
    return reshape(matmul(reshape(v, [-1, shape(v)[-1]]), band), shape(v))


def _lrn_grad(op, grad):
    x = op.inputs[0]
    r, bias, alpha, beta = (op.attrs[k] for k in ("depth_radius", "bias", "alpha", "beta"))
    norm = bias + alpha * _window_sum(square(x), r)
    cross = _window_sum(grad * x * pow_(norm, -beta - 1.0), r)
    return [grad * pow_(norm, -beta) - (2.0 * alpha * beta) * x * cross]


LRN = register_op("LRN", shape=lambda x, **attrs: x.shape.with_rank(4), kernel=kernels.lrn,
                  grad=_lrn_grad)


def lrn(input, depth_radius=5, bias=1, alpha=1, beta=0.5, name=None):  # noqa: A002
    """input / (bias + alpha * sqr_sum) ** beta, where sqr_sum sums the squares of the
    2 * depth_radius + 1 channels around each one (TF1 `tf.nn.lrn`), on a 4-D NHWC input."""
    return LRN(input, depth_radius=int(depth_radius), bias=float(bias), alpha=float(alpha),
               beta=float(beta), name=name)


local_response_normalization = lrn


# --- fused batch normalization ------------------------------------------------------------------
def _fused_bn_shape(x, scale, offset, mean, variance, epsilon, data_format, is_training):
    dims = x.shape.with_rank(4).as_tuple()
    channels = TensorShape([dims[1] if data_format == "NCHW" else dims[3]])
    for t in (scale, offset) + (() if is_training else (mean, variance)):
        channels = channels.merge_with(t.shape.with_rank(1))
    return [x.shape, channels, channels]


def _is_zero(grad):
    return grad is None or grad.op.type == "ZerosLike"


def _bn_grad_training(op, gy, gm, gv, axes, bc):
    x, scale = op.inputs[:2]
    eps = op.attrs["epsilon"]
    centered = x - reduce_mean(x, axes, keepdims=True)
    inv = rsqrt(reduce_mean(square(centered), axes, keepdims=True) + eps)
    x_hat = centered * inv
    dx = bc(scale) * inv * (gy - reduce_mean(gy, axes, keepdims=True)
                            - x_hat * reduce_mean(gy * x_hat, axes, keepdims=True))
    n = cast(size(x), x.dtype) / cast(size(scale), x.dtype)
    if not _is_zero(gm):
        dx = dx + bc(gm) / n
    if not _is_zero(gv):
        # The reported variance is the unbiased one: sum(centered ** 2) / (n - 1).
        dx = dx + bc(gv) * 2.0 * centered / maximum(n - 1.0, 1.0)
    return [dx, reduce_sum(gy * x_hat, axes), reduce_sum(gy, axes), None, None]


def _bn_grad_inference(op, gy, gm, gv, axes, bc):
    x, scale, _, mean, variance = op.inputs
    inv = rsqrt(variance + op.attrs["epsilon"])
    centered = x - bc(mean)
    d_offset = reduce_sum(gy, axes)
    d_mean = -d_offset * scale * inv + gm
    d_var = reduce_sum(gy * centered, axes) * scale * -0.5 * inv * inv * inv + gv
    return [gy * bc(scale * inv), reduce_sum(gy * centered, axes) * inv, d_offset, d_mean, d_var]


def _fused_bn_grad(op, gy, gm, gv):
    nchw = op.attrs["data_format"] == "NCHW"
    axes = [0, 2, 3] if nchw else [0, 1, 2]

    def bc(v):
        return reshape(v, [1, -1, 1, 1]) if nchw else v
    gm = zeros_like(op.outputs[1]) if gm is None else gm
    gv = zeros_like(op.outputs[2]) if gv is None else gv
    training = op.attrs["is_training"]
    return (_bn_grad_training if training else _bn_grad_inference)(op, gy, gm, gv, axes, bc)


FUSED_BATCH_NORM = register_op("FusedBatchNorm", shape=_fused_bn_shape,
                               kernel=kernels.fused_batch_norm, grad=_fused_bn_grad,
                               num_outputs=3)


def fused_batch_norm(x, scale, offset, mean=None, variance=None, epsilon=0.001,
                     data_format="NHWC", is_training=True, name=None):
    """Batch normalization of a 4-D `x` over all but the channel dim; returns (y, batch_mean,
    batch_variance). Training normalizes with the batch statistics and returns the unbiased
    batch variance (for moving averages); inference uses `mean` and `variance`
    (TF1 `tf.nn.fused_batch_norm`). epsilon is raised to at least 1.001e-5, as in TF.
    Differs from TF: gradients flowing into batch_mean and batch_variance reach x (TF drops
    them), and x must have the dtype of scale and offset."""
    data_format = data_format_of(data_format)
    with name_scope(name, "FusedBatchNorm", [x, scale, offset]) as scope:
        x = convert_to_tensor(x, name="input")
        if is_training:
            if mean is not None or variance is not None:
                raise ValueError("Both 'mean' and 'variance' must be None if is_training is "
                                 "True.")
            mean = variance = constant([], dtype=dtypes.float32 if x.dtype == dtypes.float16
                                       else x.dtype)
        elif mean is None or variance is None:
            raise ValueError("Both 'mean' and 'variance' must be a 1D tensor if is_training "
                             "is False.")
        y, batch_mean, batch_var = FUSED_BATCH_NORM(
            x, scale, offset, mean, variance, epsilon=max(float(epsilon), 1.001e-5),
            data_format=data_format, is_training=bool(is_training), name=scope)
        return y, batch_mean, batch_var


__all__ = ["lrn", "local_response_normalization", "fused_batch_norm"]
