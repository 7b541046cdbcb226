"""Neural-net ops: activations, softmax and the fused, stable losses (the `tf.nn` family)."""
from ..graph.constant import convert_to_tensor
from ..graph.registry import register_op
from ..kernels import softmax as softmax_kernels
from .math_ops import exp, reduce_sum


def _same_shape(x, **_):
    return x.shape


def _softmax_grad(op, grad):
    y = op.outputs[0]
    return [(grad - reduce_sum(grad * y, axis=-1, keepdims=True)) * y]


SOFTMAX = register_op("Softmax", shape=_same_shape, kernel=softmax_kernels.softmax,
                      grad=_softmax_grad)


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

__all__ = ["softmax", "log_softmax"]
