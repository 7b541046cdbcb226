"""Kernels that move or repeat elements: split, tile, pad (constant, mirror), reverse_sequence."""
import numpy as np


def split(xp, value, axis, num_split):
    d = value.shape[axis]
    if d % num_split:
        raise ValueError(f"Number of ways to split should evenly divide the split dimension, "
                         f"but got split_dim {axis} (size = {d}) and num_split {num_split}")
    return tuple(xp.split(value, num_split, axis=axis))


def resolve_split_sizes(sizes, d):
    """`sizes` with its -1 entry (if any) filled in so that they sum to `d`; ValueError if not."""
    sizes = [int(s) for s in sizes]
    if sizes.count(-1) > 1:
        raise ValueError(f"There can only be one -1 in the input, got {sizes}")
    if -1 in sizes:
        sizes[sizes.index(-1)] = d - (sum(sizes) + 1)
    if sum(sizes) != d or min(sizes, default=0) < 0:
        raise ValueError(f"Determined shape must either match input shape along split_dim "
                         f"exactly if fully specified, or be less than the size of the input "
                         f"along split_dim if not fully specified.  Got: {sum(sizes)}")
    return sizes


def split_v(xp, value, size_splits, axis, num_split):
    sizes = resolve_split_sizes(size_splits.tolist(), value.shape[axis])
    if len(sizes) != num_split:
        raise ValueError(f"size_splits has {len(sizes)} entries, expected num_split={num_split}")
    return tuple(xp.split(value, np.cumsum(sizes)[:-1].tolist(), axis=axis))


def tile(xp, x, multiples):
    reps = tuple(int(m) for m in multiples.tolist())
    if len(reps) != x.ndim:
        raise ValueError(f"Expected multiples argument to be a vector of length {x.ndim} but "
                         f"got length {len(reps)}")
    if any(m < 0 for m in reps):
        raise ValueError(f"Expected multiples[i] >= 0, but got {list(reps)}")
    return xp.tile(x, reps) if reps else x.copy()


def _pads(x, paddings):
    pads = [(int(a), int(b)) for a, b in paddings.reshape(-1, 2).tolist()]
    if len(pads) != x.ndim:
        raise ValueError(f"The first dimension of paddings must be the rank of inputs"
                         f"[{len(pads)},2] {list(x.shape)}")
    if any(a < 0 or b < 0 for a, b in pads):
        raise ValueError(f"Paddings must be non-negative: {pads}")
    return pads


def pad(xp, x, paddings, constant_values=0):
    pads = _pads(x, paddings)
    if x.ndim == 0:
        return x.copy()
    return xp.pad(x, pads, mode="constant", constant_values=constant_values)


def mirror_index(d, lo, hi, mode):
    """For each position of the padded axis, the index of the input element it copies."""
    limit = d - 1 if mode == "REFLECT" else d
    if lo > limit or hi > limit:
        rule = "less than" if mode == "REFLECT" else "no greater than"
        raise ValueError(f"paddings must be {rule} the dimension size: {lo}, {hi} not {rule} "
                         f"{d}")
    p = np.arange(-lo, d + hi)
    if mode == "REFLECT":
        p = np.abs(p)
        return np.where(p >= d, 2 * (d - 1) - p, p)
    p = np.where(p < 0, -p - 1, p)
    return np.where(p >= d, 2 * d - 1 - p, p)


def mirror_pad(xp, x, paddings, mode):
    for axis, (lo, hi) in enumerate(_pads(x, paddings)):
        if lo or hi:
            x = xp.take(x, xp.asarray(mirror_index(x.shape[axis], lo, hi, mode)), axis=axis)
    return x


def mirror_pad_grad(xp, grad, paddings, mode):
    """Folds the mirrored borders back onto the elements they copied (adding them up)."""
    for axis, (lo, hi) in enumerate(_pads(grad, paddings)):
        if not (lo or hi):
            continue
        d = grad.shape[axis] - lo - hi
        out = xp.zeros(grad.shape[:axis] + (d,) + grad.shape[axis + 1:], dtype=grad.dtype)
        index = xp.asarray(mirror_index(d, lo, hi, mode))
        xp.add.at(xp.moveaxis(out, axis, 0), index, xp.moveaxis(grad, axis, 0))
        grad = out
    return grad


def reverse_sequence(xp, x, seq_lengths, seq_dim, batch_dim):
    """Reverses the first seq_lengths[b] elements along seq_dim of each batch row b."""
    lengths = seq_lengths.astype(np.int64)
    n_batch, n_seq = x.shape[batch_dim], x.shape[seq_dim]
    if lengths.shape != (n_batch,):
        raise ValueError(f"Length of seq_lengths != input.dims({batch_dim}), ({len(lengths)} vs."
                         f" {n_batch})")
    if lengths.size and (int(lengths.max()) > n_seq or int(lengths.min()) < 0):
        raise ValueError(f"seq_lens must be in [0, input.dims({seq_dim})] = [0, {n_seq}], "
                         f"got {lengths.tolist()}")
    t = xp.arange(n_seq)[None, :]
    lengths = lengths[:, None]
    index = xp.where(t < lengths, lengths - 1 - t, t)
    if batch_dim > seq_dim:
        index = index.T
    shape = [1] * x.ndim
    shape[batch_dim], shape[seq_dim] = n_batch, n_seq
    index = xp.broadcast_to(index.reshape(shape), x.shape)
    return xp.take_along_axis(x, index, axis=seq_dim)
