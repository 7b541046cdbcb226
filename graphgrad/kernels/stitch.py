"""Kernels of the ops TF's own gradient graphs use: DynamicStitch, BroadcastGradientArgs, and the
reductions whose axis arrives as a runtime tensor."""
from . import reduce as _reduce


def dynamic_stitch(xp, *arrays, N):
    """merged[indices[m][i...]] = data[m][i...]; a later index list overwrites an earlier one."""
    indices, data = arrays[:N], arrays[N:]
    for m, (idx, d) in enumerate(zip(indices, data)):
        if tuple(d.shape[:idx.ndim]) != tuple(idx.shape):
            raise ValueError(f"data[{m}].shape = {list(d.shape)} does not start with "
                             f"indices[{m}].shape = {list(idx.shape)}")
        if idx.size and int(idx.min()) < 0:
            raise ValueError(f"indices[{m}] holds the negative index {int(idx.min())}")
    inner = tuple(data[0].shape[indices[0].ndim:])
    size = max((int(idx.max()) + 1 for idx in indices if idx.size), default=0)
    out = xp.zeros((size,) + inner, dtype=data[0].dtype)
    for idx, d in zip(indices, data):
        out[xp.reshape(idx, (-1,))] = xp.reshape(d, (idx.size,) + inner)
    return out


def broadcast_gradient_args(xp, s0, s1):
    """The dims each of two broadcast operands must be summed over to undo the broadcast; a dim
    where every operand is 1 is listed for both, as TF's BCast does."""
    a, b = [int(d) for d in s0], [int(d) for d in s1]
    rank = max(len(a), len(b))
    a, b = [1] * (rank - len(a)) + a, [1] * (rank - len(b)) + b
    r0, r1 = [], []
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y and 1 not in (x, y):
            raise ValueError(f"Incompatible shapes: {[int(d) for d in s0]} vs. "
                             f"{[int(d) for d in s1]}")
        if x == 1 and (y != 1 or x == y):
            r0.append(i)
        if y == 1 and (x != 1 or x == y):
            r1.append(i)
    return xp.asarray(r0, dtype=s0.dtype), xp.asarray(r1, dtype=s1.dtype)


def axes(x, axis):
    """A runtime axis tensor (scalar or 1-D, negatives from the end) as a sorted tuple."""
    rank = x.ndim
    out = set()
    for a in [int(v) for v in axis.reshape(-1)]:
        if not -rank <= a < rank:
            raise ValueError(f"Invalid reduction dimension ({a} for input with {rank} "
                             f"dimension(s)")
        if a % rank in out:
            raise ValueError(f"Invalid reduction arguments: Axes contains duplicate dimension: "
                             f"{a % rank}")
        out.add(a % rank)
    return tuple(sorted(out))


def _dynamic(static):
    def kernel(xp, x, axis, keepdims):
        return static(xp, x, axes(x, axis), keepdims)
    kernel.__name__ = static.__name__ + "_dynamic"
    return kernel


reduce_sum = _dynamic(_reduce.reduce_sum)
reduce_mean = _dynamic(_reduce.reduce_mean)
reduce_prod = _dynamic(_reduce.reduce_prod)
reduce_max = _dynamic(_reduce.reduce_max)
reduce_min = _dynamic(_reduce.reduce_min)
reduce_all = _dynamic(_reduce.reduce_all)
reduce_any = _dynamic(_reduce.reduce_any)
