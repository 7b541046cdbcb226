"""top_k, in_top_k and the last-axis gather/scatter pair that carries top_k's gradient."""
import numpy as np


def top_k(xp, x, k, sorted=True):  # noqa: A002 - TF's attr name
    k = int(k)
    n = x.shape[-1]
    if not 0 <= k <= n:
        raise ValueError(f"input must have at least k columns. Had {n}, needed {k}")
    # A stable ascending sort of the reversed row, read backwards: descending order with the
    # lower index first among equal values, as TF orders ties.
    order = n - 1 - xp.flip(xp.argsort(xp.flip(x, axis=-1), axis=-1, kind="stable"), axis=-1)
    indices = order[..., :k]
    return xp.take_along_axis(x, indices, axis=-1), indices.astype(np.int32)


def in_top_k(xp, predictions, targets, k):
    n = predictions.shape[-1]
    valid = (targets >= 0) & (targets < n)
    safe = xp.where(valid, targets, 0).astype(np.intp)
    target = xp.take_along_axis(predictions, safe[:, None], axis=-1)
    # TF: in the top k when fewer than k classes score strictly higher (ties count as in).
    larger = xp.sum(predictions > target, axis=-1)
    return valid & xp.isfinite(target[:, 0]) & (larger < int(k))


def gather_last_axis(xp, params, indices):
    return xp.take_along_axis(params, indices.astype(np.intp), axis=-1)


def scatter_last_axis(xp, shape, indices, updates):
    """Zeros of `shape` with `updates` written at `indices` along the last axis (unique)."""
    out = xp.zeros(tuple(int(d) for d in shape), dtype=updates.dtype)
    xp.put_along_axis(out, indices.astype(np.intp), updates, axis=-1)
    return out
