"""Embeddings and sampled losses (TF1 `tf.nn.embedding_lookup`, `nce_loss`,
`sampled_softmax_loss`, `log_uniform_candidate_sampler`) and ScatterSub, the sparse update that
lets an optimizer apply a gather's gradient to the rows it touches only."""
import numpy as np

from ..graph import dtypes
from ..graph.constant import convert_to_tensor
from ..graph.default import get_seed, name_scope
from ..graph.registry import register_op
from ..graph.shapes import TensorShape
from ..kernels import candidate_sampling as kernels
from .array_ops import concat, ones_like, stack, stop_gradient, zeros_like
from .indexing_ops import gather
from .logic_ops import cast, equal, where
from .math_ops import add_n, clip_by_value, log, maximum, sqrt
from .matmul_ops import matmul
from .nn_loss_ops import sigmoid_cross_entropy_with_logits, softmax_cross_entropy_with_logits_v2
from .reduction_ops import reduce_any, reduce_sum
from .shape_ops import expand_dims, reshape, squeeze
from .shape_ops import shape as shape_op
from .state_ops import _read_kernel, _ref
from .training_ops import _bind_refs


# --- ScatterSub: ref[indices] -= updates, in place when the plan allows -----------------------
def _scatter_sub_kernel(xp, indices, updates, *, store, refs, where, use_locking=False,
                        owned=None):
    key = refs[0]
    table = _read_kernel(xp, store=store, var=key, where=where[0])
    # Only a buffer this kernel allocated, that no other op of the run reads, is written in
    # place (runtime/rewrite.py inplace_updates); else one copy, which the next runs then own.
    if owned is None or owned.get(key) is not table:
        table = xp.array(table, copy=True)
        store[key] = table
        if owned is not None:
            owned[key] = table
    return kernels.scatter_sub_inplace(xp, table, indices, updates)


_scatter_sub_kernel.accepts_owned = True


def _scatter_sub_shape(ref, indices, updates, use_locking=False):
    want = indices.shape.concatenate(ref.shape[1:]) if ref.shape.ndims is not None \
        and indices.shape.ndims is not None else TensorShape(None)
    want.merge_with(updates.shape)
    return ref.shape


SCATTER_SUB = register_op("ScatterSub", shape=_scatter_sub_shape, kernel=_scatter_sub_kernel,
                          writes=True, stateful=True, bind=_bind_refs, ref_inputs=(0,),
                          same_dtype=False, differentiable=False)


def scatter_sub(ref, indices, updates, use_locking=False, name=None):
    """ref[indices, ...] -= updates (repeated indices subtract each update); returns the
    variable's new value (TF1 `tf.scatter_sub`)."""
    ref = _ref(ref)
    indices = convert_to_tensor(indices, preferred_dtype=dtypes.int32)
    updates = convert_to_tensor(updates, dtype=ref.dtype.base_dtype)
    return SCATTER_SUB(ref, indices, updates, use_locking=bool(use_locking), name=name)


def gathered_rows(grad, var):
    """(indices, updates) when `grad` is a gather's gradient for `var` (a ScatterNd of whole rows
    into var's shape, as _gather_grad builds it), else None: TF would hand the optimizer
    IndexedSlices here."""
    op = getattr(grad, "op", None)
    if op is None or op.type != "ScatterNd":
        return None
    indices, updates, _ = op.inputs
    if indices.shape.ndims is None or indices.shape[-1].value != 1:
        return None
    if not var.shape.is_fully_defined() or grad.shape.as_list() != var.shape.as_list():
        return None
    return squeeze(indices, axis=[-1]), updates


# --- embedding_lookup -------------------------------------------------------------------------
def _shard_ids(ids, np_, sizes, partition_strategy):
    """(shard, row in shard) of every id, as TF assigns ids to np_ shards."""
    if partition_strategy == "mod":
        return ids % np_, ids // np_
    if partition_strategy != "div":
        raise ValueError(f"Unrecognized partition strategy: {partition_strategy}")
    total = sum(sizes)
    per, extras = total // np_, total % np_
    shard = maximum(ids // (per + 1), (ids - extras) // per)
    row = where(shard < extras, ids % (per + 1), (ids - extras) % per)
    return shard, row


def _clip_rows(x, ids_rank, max_norm):
    """Each embedding scaled down to L2 norm max_norm when longer (TF's _clip)."""
    axes = list(range(ids_rank, x.shape.ndims))
    sq = reduce_sum(x * x, axes, keepdims=True)
    norm = sqrt(maximum(sq, np.finfo(np.float32).tiny))
    return x * max_norm / maximum(norm, max_norm)


def embedding_lookup(params, ids, partition_strategy="mod", name=None, validate_indices=True,
                     max_norm=None):
    """Rows `ids` of the table `params`, or of a table sharded into the list `params` by
    partition_strategy 'mod' (id % n) or 'div' (contiguous) (TF1 `tf.nn.embedding_lookup`).

    The gradient w.r.t. a single table is a gather's gradient, which GradientDescentOptimizer
    applies to the touched rows only (ScatterSub). Differs from TF: sharded tables need static
    shard sizes for 'div'; each shard's gradient is dense."""
    if isinstance(params, (list, tuple)):
        params = list(params)
    else:
        params = [params]
    if not params:
        raise ValueError("Need at least one param")
    with name_scope(name, "embedding_lookup", params + [ids]) as name:
        ids = convert_to_tensor(ids, name="ids", preferred_dtype=dtypes.int32)
        if len(params) == 1:
            result = gather(params[0], ids, name=name if max_norm is None else None)
        else:
            result = _sharded_lookup(params, ids, partition_strategy)
        if max_norm is not None:
            result = _clip_rows(result, ids.shape.ndims, max_norm)
        return result


def _sharded_lookup(params, ids, partition_strategy):
    # Each shard answers for the ids assigned to it; the others read a clamped row, masked out.
    tensors = [convert_to_tensor(p) for p in params]
    sizes = [t.shape[0].value for t in tensors]
    if partition_strategy == "div" and None in sizes:
        raise ValueError("graphgrad's 'div' embedding_lookup needs static shard sizes.")
    shard, row = _shard_ids(ids, len(tensors), sizes, partition_strategy)
    parts = []
    for p, table in enumerate(tensors):
        size = sizes[p]
        local = row if size is None else clip_by_value(row, 0, max(size - 1, 0))
        rows = gather(table, local)
        mine = equal(shard, p)
        mask = reshape(mine, _mask_shape(ids, rows))
        parts.append(rows * cast(mask, rows.dtype))
    return add_n(parts)


def _mask_shape(ids, rows):
    extra = rows.shape.ndims - ids.shape.ndims if rows.shape.ndims is not None else 1
    return concat([shape_op(ids), stack([1] * extra)], 0) if extra else shape_op(ids)


# --- candidate sampling ----------------------------------------------------------------------
def _sampler_shape(true_classes, num_true, num_sampled, unique, range_max, **_):
    return [TensorShape([num_sampled]), true_classes.shape, TensorShape([num_sampled])]


def _bind_rng(op, state):
    return {"rng": state.generator(op)}


LOG_UNIFORM_SAMPLER = register_op(
    "LogUniformCandidateSampler", shape=_sampler_shape, kernel=kernels.log_uniform_candidates,
    dtype=lambda inputs, attrs: [dtypes.int64, dtypes.float32, dtypes.float32], num_outputs=3,
    stateful=True, bind=_bind_rng, differentiable=False)


def log_uniform_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max,
                                  seed=None, name=None):
    """num_sampled classes drawn from the log-uniform (Zipfian) distribution over
    [0, range_max), without replacement when `unique` (TF1
    `tf.nn.log_uniform_candidate_sampler`). Returns (sampled_candidates,
    true_expected_count, sampled_expected_count)."""
    true_classes = convert_to_tensor(true_classes, dtype=dtypes.int64)
    if true_classes.shape.ndims not in (None, 2):
        raise ValueError(f"true_classes must be a matrix, got shape {true_classes.shape}")
    seed1, seed2 = get_seed(seed)
    return tuple(LOG_UNIFORM_SAMPLER(true_classes, num_true=int(num_true),
                                     num_sampled=int(num_sampled), unique=bool(unique),
                                     range_max=int(range_max), seed=seed1, seed2=seed2,
                                     name=name))


# --- sampled losses --------------------------------------------------------------------------
def _compute_sampled_logits(weights, biases, labels, inputs, num_sampled, num_classes, num_true,
                            sampled_values, subtract_log_q, remove_accidental_hits,
                            partition_strategy, seed):
    """[batch, num_true + num_sampled] logits of the true and the sampled classes, and their
    target probabilities (1/num_true for the true classes), as TF's _compute_sampled_logits."""
    weights = list(weights) if isinstance(weights, (list, tuple)) else [weights]
    labels = cast(convert_to_tensor(labels), dtypes.int64)
    inputs = convert_to_tensor(inputs)
    labels_flat = reshape(labels, [-1])
    if sampled_values is None:
        sampled_values = log_uniform_candidate_sampler(labels, num_true, num_sampled, True,
                                                       num_classes, seed=seed)
    sampled, true_expected, sampled_expected = (stop_gradient(s) for s in sampled_values)
    sampled = cast(sampled, dtypes.int64)
    true_w = embedding_lookup(weights, labels_flat, partition_strategy)
    sampled_w = embedding_lookup(weights, sampled, partition_strategy)
    true_b = embedding_lookup(biases, labels_flat, partition_strategy)
    sampled_b = embedding_lookup(biases, sampled, partition_strategy)
    dim = true_w.shape[1].value
    true_w = reshape(true_w, [-1, num_true, dim if dim is not None else -1])
    true_logits = reduce_sum(expand_dims(inputs, 1) * true_w, 2) + reshape(true_b, [-1, num_true])
    sampled_logits = matmul(inputs, sampled_w, transpose_b=True) + sampled_b
    if remove_accidental_hits:
        # A sampled class that is one of the row's true classes gets logit -FLT_MAX (TF adds
        # the same through compute_accidental_hits).
        hits = reduce_any(equal(expand_dims(labels, 2), reshape(sampled, [1, 1, -1])), 1)
        lowest = np.finfo(inputs.dtype.as_numpy_dtype).min
        sampled_logits += cast(hits, sampled_logits.dtype) * lowest
    if subtract_log_q:
        true_logits -= log(cast(true_expected, true_logits.dtype))
        sampled_logits -= log(cast(sampled_expected, sampled_logits.dtype))
    out_logits = concat([true_logits, sampled_logits], 1)
    out_labels = concat([ones_like(true_logits) / num_true, zeros_like(sampled_logits)], 1)
    return out_logits, out_labels


def nce_loss(weights, biases, labels, inputs, num_sampled, num_classes, num_true=1,
             sampled_values=None, remove_accidental_hits=False, partition_strategy="mod",
             name="nce_loss"):
    """Noise-contrastive estimation loss per example, [batch] (TF1 `tf.nn.nce_loss`): logistic
    losses of the true classes against num_sampled log-uniform negatives, logits corrected by
    the log expected counts."""
    with name_scope(name, "nce_loss", [weights, biases, labels, inputs]):
        logits, targets = _compute_sampled_logits(
            weights, biases, labels, inputs, num_sampled, num_classes, num_true, sampled_values,
            True, remove_accidental_hits, partition_strategy, None)
        losses = sigmoid_cross_entropy_with_logits(labels=targets, logits=logits,
                                                   name="sampled_losses")
        return reduce_sum(losses, 1)


def sampled_softmax_loss(weights, biases, labels, inputs, num_sampled, num_classes, num_true=1,
                         sampled_values=None, remove_accidental_hits=True,
                         partition_strategy="mod", name="sampled_softmax_loss", seed=None):
    """Softmax cross-entropy over the true classes and num_sampled log-uniform candidates per
    example, [batch] (TF1 `tf.nn.sampled_softmax_loss`); accidental hits removed by default."""
    with name_scope(name, "sampled_softmax_loss", [weights, biases, labels, inputs]):
        logits, targets = _compute_sampled_logits(
            weights, biases, labels, inputs, num_sampled, num_classes, num_true, sampled_values,
            True, remove_accidental_hits, partition_strategy, seed)
        return softmax_cross_entropy_with_logits_v2(labels=stop_gradient(targets),
                                                    logits=logits)


__all__ = ["embedding_lookup", "nce_loss", "sampled_softmax_loss",
           "log_uniform_candidate_sampler"]
