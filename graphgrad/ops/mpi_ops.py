"""Collective ops across MPI ranks: MPIAllreduce and MPIBroadcast, each fused over any number of
tensors (one flat buffer and one MPI call per dtype). mpi4py is imported only when they run."""
import numpy as np

from ..errors import describe_op
from ..graph import dtypes
from ..graph.constant import convert_to_tensor
from ..graph.registry import register_op
from .array_ops import zeros_like

# MPI has no half-precision sum and no portable bool: they travel as float32 and uint8.
_WIRE = {np.dtype(np.float16): np.dtype(np.float32), np.dtype(np.bool_): np.dtype(np.uint8)}


def _communicator():
    from ..distributed.comm import communicator
    return communicator()


def _bind(op, state):
    return {"comm": _communicator(), "what": describe_op(op)}


def _fused(xp, arrays, collective):
    """Packs the arrays of each dtype into one contiguous host buffer, runs collective(buf) on it
    in place, and unpacks: one MPI call per dtype however many tensors there are."""
    from ..distributed.comm import host_buffer
    groups = {}
    for i, a in enumerate(arrays):
        groups.setdefault(np.dtype(a.dtype), []).append(i)
    out = [None] * len(arrays)
    for dtype, members in groups.items():
        wire = _WIRE.get(dtype, dtype)
        sizes = [int(np.prod(arrays[i].shape)) for i in members]
        buf = np.empty(sum(sizes), dtype=wire)
        offset = 0
        for i, n in zip(members, sizes):
            buf[offset:offset + n] = host_buffer(xp, arrays[i], wire).reshape(-1)
            offset += n
        collective(buf)
        offset = 0
        for i, n in zip(members, sizes):
            piece = buf[offset:offset + n].reshape(arrays[i].shape)
            out[i] = xp.asarray(piece.astype(dtype, copy=wire != dtype))
            offset += n
    return out[0] if len(out) == 1 else tuple(out)


def _allreduce_kernel(xp, *arrays, N, average, comm, what):
    def reduce(buf):
        comm.allreduce_(buf, what)
        if average:
            np.divide(buf, comm.comm.Get_size(), out=buf)
    return _fused(xp, arrays, reduce)


def _broadcast_kernel(xp, *arrays, N, root_rank, comm, what):
    return _fused(xp, arrays, lambda buf: comm.bcast_(buf, root_rank, what))


def _allreduce_grad(op, *grads):
    # The sum (or mean) over ranks of x_r: each x_r gets the same reduction of the gradients.
    grads = [zeros_like(y) if g is None else g for g, y in zip(grads, op.outputs)]
    return list(_as_list(ALLREDUCE(*grads, N=len(grads), average=op.attrs["average"])))


def _same_shapes(*inputs, **attrs):
    return [t.shape for t in inputs]


def _same_dtypes(inputs, attrs):
    return [t.dtype for t in inputs]


ALLREDUCE = register_op(
    "MPIAllreduce", shape=_same_shapes, kernel=_allreduce_kernel, grad=_allreduce_grad,
    dtype=_same_dtypes, num_outputs=lambda attrs: attrs["N"], same_dtype=False, stateful=True,
    bind=_bind)
BROADCAST = register_op(
    "MPIBroadcast", shape=_same_shapes, kernel=_broadcast_kernel, dtype=_same_dtypes,
    num_outputs=lambda attrs: attrs["N"], same_dtype=False, stateful=True, bind=_bind,
    differentiable=False)


def _as_list(out):
    return out if isinstance(out, list) else [out]


def _check_reducible(tensors, average):
    for t in tensors:
        dt = t.dtype.base_dtype
        if dt not in (dtypes.float16, dtypes.float32, dtypes.float64, dtypes.int32, dtypes.int64):
            raise TypeError(f"allreduce supports float16/32/64, int32 and int64 tensors, not "
                            f"{dt.name} ({t.name}).")
        if average and not dt.is_floating:
            raise TypeError(f"allreduce(average=True) needs a float tensor, not {dt.name} "
                            f"({t.name}); pass average=False to sum integers.")


def grouped_allreduce(tensors, average=True, name=None):
    """Sums (average=True: averages) each tensor over all ranks, with one fused op: the tensors
    of each dtype travel in one buffer, by one MPI Allreduce. Returns a list."""
    tensors = [convert_to_tensor(t) for t in tensors]
    if not tensors:
        return []
    _check_reducible(tensors, average)
    return _as_list(ALLREDUCE(*tensors, N=len(tensors), average=bool(average), name=name))


def allreduce(tensor, average=True, name=None):
    """The sum (average=True: the mean) of `tensor` over all ranks, on every rank (Horovod's
    `hvd.allreduce`). Its gradient is the allreduce of the gradient.
    Differs from Horovod: no `device_dense`, `compression` or sparse (IndexedSlices) handling."""
    return grouped_allreduce([tensor], average=average, name=name)[0]


def grouped_broadcast(tensors, root_rank, name=None):
    """Every rank gets rank `root_rank`'s values of `tensors`, with one fused op. A list."""
    tensors = [convert_to_tensor(t) for t in tensors]
    if not tensors:
        return []
    return _as_list(BROADCAST(*tensors, N=len(tensors), root_rank=int(root_rank), name=name))


def broadcast(tensor, root_rank, name=None):
    """Rank `root_rank`'s value of `tensor`, on every rank (Horovod's `hvd.broadcast`).
    Differs from Horovod: not differentiable."""
    return grouped_broadcast([tensor], root_rank, name=name)[0]


# Not star-imported into `graphgrad`: these live in graphgrad.distributed, as in Horovod.
__all__ = ["allreduce", "broadcast", "grouped_allreduce", "grouped_broadcast"]
