"""Splitting a dataset between ranks: rank r of N takes examples r, r+N, r+2N, ..."""
import numpy as np

from .comm import rank as _rank
from .comm import size as _size


def shard_indices(num_examples, rank=None, size=None, shuffle_seed=None):
    """The example indices rank `rank` of `size` (default: this process's) trains on.

    Every rank gets the same count, num_examples // size (the few left over are dropped: ranks
    that ran different numbers of steps would wait forever in their last allreduce). Rank r takes
    every size-th example from r, so that the k-th batch of B on each rank together form the k-th
    batch of size*B of one process: averaged gradients equal the full batch's. `shuffle_seed`
    first permutes the examples, the same way on every rank.
    """
    rank = _rank() if rank is None else int(rank)
    size = _size() if size is None else int(size)
    if not 0 <= rank < size:
        raise ValueError(f"rank must be in [0, {size}), got {rank}")
    order = np.arange(num_examples)
    if shuffle_seed is not None:
        np.random.RandomState(shuffle_seed).shuffle(order)
    return order[rank:num_examples - num_examples % size:size]


def shard(data, rank=None, size=None, shuffle_seed=None):
    """This rank's part of `data`: an array (or list) of examples, a tuple of arrays with one row
    per example (a tuple of their parts), or an MNIST-style DataSet (`images`, `labels`; a new
    DataSet). See `shard_indices`."""
    if hasattr(data, "images") and hasattr(data, "labels"):
        from ..datasets.mnist import DataSet
        idx = shard_indices(data.num_examples, rank, size, shuffle_seed)
        # uint8 and reshape=False take the arrays as they are (already flattened and scaled).
        return DataSet(data.images[idx], data.labels[idx], dtype="uint8", reshape=False,
                       seed=shuffle_seed)
    if isinstance(data, tuple):
        counts = {len(a) for a in data}
        if len(counts) != 1:
            raise ValueError(f"shard needs arrays with the same number of rows, got {counts}")
        idx = shard_indices(counts.pop(), rank, size, shuffle_seed)
        return tuple(np.asarray(a)[idx] for a in data)
    return np.asarray(data)[shard_indices(len(data), rank, size, shuffle_seed)]
