"""Rows for ops/nn_ops.py, nn_loss_ops.py, nn_impl_ops.py and random_ops.py."""
import numpy as np

import graphgrad as tf
from graphgrad.kernels.nn_activations import SELU_ALPHA, SELU_SCALE
from graphgrad.ops import nn_impl_ops, nn_ops

from .harness import Case

UNARY_SHAPES = [((3, 5),), ((1,),), ((0, 3),), ((2, 1, 4),), ((),)]
LAST_AXIS_SHAPES = [((3, 5),), ((1, 1),), ((0, 4),), ((2, 3, 4),), ((5,),)]
PAIR_SHAPES = [((3, 5),) * 2, ((1, 1),) * 2, ((0, 4),) * 2, ((2, 3, 4),) * 2, ((4,),) * 2,
               ((3, 0),) * 2]
RANDOM = "tests/test_random.py"


def _away(kinks, lo=-2.0, hi=2.0, gap=0.1):
    """Uniform inputs in [lo, hi] kept at least `gap` from each kink (finite differences and
    the second-derivative probe must not cross one)."""
    def draw(rng, shape, dtype):
        x = rng.uniform(lo, hi, size=shape)
        for k in kinks:
            d = x - k
            x = np.where(np.abs(d) < gap, k + np.where(d < 0, -1, 1) * (gap + np.abs(d)), x)
        return x.astype(dtype)
    return draw


def _distribution(rng, shape, dtype):
    """Rows that sum to 1 along the last axis: valid labels for softmax cross-entropy."""
    z = rng.normal(size=shape)
    return _np_softmax(z).astype(dtype)


def _probabilities(rng, shape, dtype):
    return rng.uniform(0.05, 0.95, size=shape).astype(dtype)


def _class_ids(n):
    return lambda rng, shape, dtype: rng.integers(0, n, size=shape).astype(np.int32)


def _unique_ids(n):
    """Per-row distinct indices in [0, n) along the last axis (gather/scatter pairs)."""
    def draw(rng, shape, dtype):
        rows = int(np.prod(shape[:-1])) if shape else 1
        k = shape[-1] if shape else 0
        ids = [rng.permutation(n)[:k] for _ in range(rows)]
        return np.asarray(ids, dtype=np.int32).reshape(shape)
    return draw


# --- NumPy references -----------------------------------------------------------------------
def _np_softmax(x, axis=-1):
    if not x.size:
        return x.copy()
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _np_log_softmax(x, axis=-1):
    if not x.size:
        return x.copy()
    s = x - x.max(axis=axis, keepdims=True)
    return s - np.log(np.exp(s).sum(axis=axis, keepdims=True))


def _np_xent(logits, labels):
    return -(labels * _np_log_softmax(logits)).sum(-1)


def _np_sparse_xent(logits, labels):
    if not labels.size:
        return np.zeros(labels.shape, logits.dtype)
    log_p = _np_log_softmax(logits.astype(np.float64))
    return -np.take_along_axis(log_p, labels[..., None].astype(int), -1)[..., 0]


def _np_sigmoid_xent(x, z):
    return np.log1p(np.exp(-np.abs(x))) + np.maximum(x, 0) - x * z


def _np_elu(x):
    return np.where(x > 0, x, np.expm1(np.minimum(x, 0)))


def _np_bias_add(value, bias, nchw=False):
    if nchw:
        return value + bias.reshape((-1,) + (1,) * (value.ndim - 2))
    return value + bias


def _np_top_k_indices(x, k):
    return np.argsort(-x, axis=-1, kind="stable")[..., :k].astype(np.int32)


def _np_in_top_k(p, t, k):
    target = np.take_along_axis(p, t[:, None].astype(int), -1)
    return (p > target).sum(-1) < k


def _scatter(like, ids, upd):
    out = np.zeros(like.shape, upd.dtype)
    np.put_along_axis(out, ids.astype(int), upd, -1)
    return out


AWAY_FROM_0 = _away([0.0], -2.0, 2.0)

NN_CASES = [
    # --- activations and their fused gradients ---
    Case("Relu", tf.nn.relu, lambda x: np.maximum(x, 0), UNARY_SHAPES, domain=AWAY_FROM_0),
    Case("ReluGrad", lambda g, y: nn_ops.RELU_GRAD(g, y), lambda g, y: g * (y > 0),
         [((3, 5), (3, 5)), ((0, 2), (0, 2)), ((), ())], domain=[(-2, 2), AWAY_FROM_0], grad=(0,)),
    Case("Relu6", tf.nn.relu6, lambda x: np.clip(x, 0, 6), UNARY_SHAPES,
         domain=_away([0.0, 6.0], -2.0, 8.0)),
    Case("Relu6Grad", lambda g, x: nn_ops.RELU6_GRAD(g, x), lambda g, x: g * ((x > 0) & (x < 6)),
         [((3, 5), (3, 5)), ((1,), (1,))], domain=[(-2, 2), _away([0.0, 6.0], -2.0, 8.0)],
         grad=(0,)),
    Case("LeakyRelu", lambda x: tf.nn.leaky_relu(x), lambda x: np.where(x > 0, x, 0.2 * x),
         UNARY_SHAPES, domain=AWAY_FROM_0),
    Case("LeakyRelu", lambda x: tf.nn.leaky_relu(x, alpha=0.01),
         lambda x: np.where(x > 0, x, 0.01 * x), [((2, 3),)], domain=AWAY_FROM_0,
         name="LeakyRelu-alpha0.01"),
    Case("LeakyReluGrad", lambda g, x: nn_ops.LEAKY_RELU_GRAD(g, x, alpha=0.3),
         lambda g, x: np.where(x > 0, g, 0.3 * g), [((3, 5), (3, 5)), ((0,), (0,))],
         domain=[(-2, 2), AWAY_FROM_0], grad=(0,)),
    Case("Elu", tf.nn.elu, _np_elu, UNARY_SHAPES, domain=AWAY_FROM_0),
    Case("EluGrad", lambda g, y: nn_ops.ELU_GRAD(g, y),
         lambda g, y: np.where(y < 0, g * (y + 1), g), [((3, 5), (3, 5)), ((1, 1), (1, 1))],
         domain=[(-2, 2), _away([0.0], -0.95, 2.0)]),
    Case("Selu", tf.nn.selu, lambda x: SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * np.expm1(
        np.minimum(x, 0))), UNARY_SHAPES, domain=AWAY_FROM_0),
    Case("SeluGrad", lambda g, y: nn_ops.SELU_GRAD(g, y),
         lambda g, y: np.where(y < 0, g * (y + SELU_SCALE * SELU_ALPHA), g * SELU_SCALE),
         [((3, 5), (3, 5)), ((2,), (2,))], domain=[(-2, 2), _away([0.0], -1.7, 2.0)]),
    Case("Softplus", tf.nn.softplus, lambda x: np.logaddexp(x, 0), UNARY_SHAPES,
         domain=(-4.0, 4.0)),
    Case("Softplus", tf.nn.softplus, lambda x: np.logaddexp(x, 0), [((4, 3),)],
         domain=(-90.0, 90.0), order=1, name="Softplus-large"),
    Case("Softsign", tf.nn.softsign, lambda x: x / (1 + np.abs(x)), UNARY_SHAPES,
         domain=AWAY_FROM_0),
    # --- softmax ---
    Case("Softmax", tf.nn.softmax, _np_softmax, LAST_AXIS_SHAPES),
    Case("Softmax", lambda x: tf.nn.softmax(x, axis=0), lambda x: _np_softmax(x, 0),
         [((3, 5),), ((2, 3, 4),)], name="Softmax-axis0"),
    Case("LogSoftmax", tf.nn.log_softmax, _np_log_softmax, LAST_AXIS_SHAPES),
    Case("LogSoftmax", lambda x: tf.nn.log_softmax(x, dim=1), lambda x: _np_log_softmax(x, 1),
         [((2, 3, 4),)], name="LogSoftmax-dim1"),
    # --- bias_add ---
    Case("BiasAdd", tf.nn.bias_add, _np_bias_add,
         [((3, 5), (5,)), ((2, 3, 4), (4,)), ((0, 3), (3,)), ((1, 1), (1,)), ((2, 0), (0,))]),
    Case("BiasAdd", lambda v, b: tf.nn.bias_add(v, b, data_format="NCHW"),
         lambda v, b: _np_bias_add(v, b, nchw=True),
         [((2, 3, 4, 5), (3,)), ((2, 3), (3,)), ((1, 2, 1), (2,)), ((0, 3, 2), (3,))],
         name="BiasAdd-NCHW"),
    Case("BiasAddGrad", lambda g: nn_ops.BIAS_ADD_GRAD(g, data_format="NHWC"),
         lambda g: g.reshape(-1, g.shape[-1]).sum(0), [((3, 5),), ((2, 3, 4),), ((0, 2),)]),
    Case("BiasAddGrad", lambda g: nn_ops.BIAS_ADD_GRAD(g, data_format="NCHW"),
         lambda g: np.moveaxis(g, 1, -1).reshape(-1, g.shape[1]).sum(0),
         [((2, 3, 4, 5),), ((4, 3),), ((0, 2, 3),)], name="BiasAddGrad-NCHW"),
    # --- losses ---
    Case("SoftmaxCrossEntropyWithLogits",
         lambda x, z: tf.nn.softmax_cross_entropy_with_logits_v2(labels=z, logits=x), _np_xent,
         PAIR_SHAPES, domain=[(-3.0, 3.0), _distribution]),
    Case("SoftmaxCrossEntropyWithLogits",
         lambda x, z: tf.nn.softmax_cross_entropy_with_logits_v2(labels=z, logits=x, axis=0),
         lambda x, z: _np_xent(np.moveaxis(x, 0, -1), np.moveaxis(z, 0, -1)),
         [((4, 3, 2),) * 2], domain=[(-3.0, 3.0), lambda r, s, d: np.moveaxis(
             _distribution(r, s[1:] + s[:1], d), -1, 0)], name="SoftmaxXent-axis0"),
    Case("SoftmaxCrossEntropyWithLogits",
         lambda x, z: tf.nn.softmax_cross_entropy_with_logits(labels=z, logits=x), _np_xent,
         [((3, 5),) * 2], domain=[(-3.0, 3.0), _distribution], grad=(0,), name="SoftmaxXent-v1"),
    Case("SparseSoftmaxCrossEntropyWithLogits",
         lambda x, t: tf.nn.sparse_softmax_cross_entropy_with_logits(labels=t, logits=x),
         _np_sparse_xent, [((3, 5), (3,)), ((1, 5), (1,)), ((0, 5), (0,)), ((2, 3, 5), (2, 3)),
                           ((5,), ())], domain=[(-3.0, 3.0), _class_ids(5)]),
    Case("SigmoidCrossEntropyWithLogits",
         lambda x, z: tf.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=x),
         _np_sigmoid_xent, [((3, 5),) * 2, ((1,),) * 2, ((0, 2),) * 2, ((),) * 2],
         domain=[(-4.0, 4.0), _probabilities]),
    Case("L2Loss", tf.nn.l2_loss, lambda x: np.sum(x * x) / 2, UNARY_SHAPES),
    # --- top_k and its gradient pair ---
    Case("TopKV2", lambda x: tf.nn.top_k(x, 2).values,
         lambda x: np.take_along_axis(x, _np_top_k_indices(x, 2), -1),
         [((3, 5),), ((2,),), ((2, 3, 4),), ((0, 4),), ((1, 2),)]),
    Case("TopKV2", lambda x: tf.nn.top_k(x, k=3).indices, lambda x: _np_top_k_indices(x, 3),
         [((3, 5),), ((4, 2, 3),), ((0, 3),)], order=0, name="TopKV2-indices"),
    Case("TopKV2", lambda x: tf.nn.top_k(x, 0).values, lambda x: x[..., :0], [((3, 4),)],
         name="TopKV2-k0"),
    Case("GatherLastAxis", lambda x, i: nn_impl_ops.GATHER_LAST_AXIS(x, i),
         lambda x, i: np.take_along_axis(x, i.astype(int), -1),
         [((3, 5), (3, 2)), ((5,), (3,)), ((2, 3, 5), (2, 3, 5)), ((0, 5), (0, 2))],
         domain=[(-2, 2), _unique_ids(5)]),
    Case("ScatterLastAxis",
         lambda like, i, u: nn_impl_ops.SCATTER_LAST_AXIS(tf.shape(like), i, u), _scatter,
         [((3, 5), (3, 2), (3, 2)), ((5,), (3,), (3,)), ((2, 1, 5), (2, 1, 5), (2, 1, 5)),
          ((0, 5), (0, 2), (0, 2))], domain=[(-2, 2), _unique_ids(5), (-2, 2)], grad=(2,)),
    Case("InTopKV2", lambda p, t: tf.nn.in_top_k(p, t, 2), lambda p, t: _np_in_top_k(p, t, 2),
         [((4, 5), (4,)), ((1, 1), (1,)), ((0, 5), (0,))], domain=[(-2, 2), _class_ids(1)],
         order=0),
    Case("InTopKV2", lambda p, t: tf.nn.in_top_k(p, t, 2), lambda p, t: _np_in_top_k(p, t, 2),
         [((6, 5), (6,))], domain=[(-2, 2), _class_ids(5)], order=0, name="InTopKV2-5"),
    # --- random ops: seeds and statistics are tested in tests/test_random.py ---
    Case("RandomStandardNormal", tested_by=RANDOM),
    Case("TruncatedNormal", tested_by=RANDOM),
    Case("RandomUniform", tested_by=RANDOM),
    Case("RandomUniformInt", tested_by=RANDOM),
    Case("RandomShuffle", tested_by=RANDOM),
    Case("Multinomial", tested_by=RANDOM),
]
