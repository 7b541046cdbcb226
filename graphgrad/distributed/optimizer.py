"""DistributedOptimizer (gradients averaged over ranks by one fused allreduce) and the broadcast
of initial variables from one rank to all."""
from ..ops.control_flow_ops import group
from ..ops.mpi_ops import grouped_allreduce, grouped_broadcast
from ..ops.state_ops import assign
from ..ops.variables import global_variables
from ..train.optimizer import Optimizer
from .comm import size


class DistributedOptimizer(Optimizer):
    """Wraps an optimizer so that `compute_gradients` averages each gradient over all ranks
    (Horovod's `hvd.DistributedOptimizer`). All the gradients of one call travel in one fused
    MPIAllreduce op: one MPI Allreduce per dtype per step, not one per variable. With one rank
    no collective op is added and training is exactly that of `optimizer`.

    Differs from Horovod: `device_dense`, `device_sparse` and `sparse_as_dense` are accepted and
    ignored (gradients are dense here); `compression` must be None.
    """

    def __init__(self, optimizer, name=None, use_locking=False, device_dense="",
                 device_sparse="", compression=None, sparse_as_dense=False):
        if compression is not None:
            raise NotImplementedError("DistributedOptimizer supports no gradient compression.")
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"DistributedOptimizer wraps a tf.train.Optimizer, not {optimizer!r}")
        super().__init__(use_locking, name or f"Distributed{type(optimizer).__name__}")
        self._optimizer = optimizer

    def compute_gradients(self, *args, **kwargs):
        """The wrapped optimizer's [(gradient, variable)], each gradient averaged over ranks."""
        grads_and_vars = self._optimizer.compute_gradients(*args, **kwargs)
        if size() == 1:
            return grads_and_vars
        present = [(i, g) for i, (g, _) in enumerate(grads_and_vars) if g is not None]
        if not present:
            return grads_and_vars
        averaged = grouped_allreduce([g for _, g in present], average=True,
                                     name=f"{self._name}_Allreduce")
        out = list(grads_and_vars)
        for (i, _), g in zip(present, averaged):
            out[i] = (g, grads_and_vars[i][1])
        return out

    def apply_gradients(self, *args, **kwargs):
        return self._optimizer.apply_gradients(*args, **kwargs)

    def get_slot(self, *args, **kwargs):
        return self._optimizer.get_slot(*args, **kwargs)

    def get_slot_names(self, *args, **kwargs):
        return self._optimizer.get_slot_names(*args, **kwargs)

    def variables(self, *args, **kwargs):
        return self._optimizer.variables(*args, **kwargs)


def broadcast_variables(variables, root_rank, name="broadcast_variables"):
    """One op assigning rank `root_rank`'s values of `variables` to every rank (one fused
    broadcast). Run it once after initializing, so that all ranks start from the same weights."""
    variables = list(variables)
    if not variables or size() == 1:
        return group(name=name)
    values = grouped_broadcast([v.value() for v in variables], root_rank,
                               name=f"{name}_Broadcast")
    return group(*[assign(v, x) for v, x in zip(variables, values)], name=name)


def broadcast_global_variables(root_rank):
    """broadcast_variables(tf.global_variables(), root_rank) (Horovod's name)."""
    return broadcast_variables(global_variables(), root_rank, name="broadcast_global_variables")
