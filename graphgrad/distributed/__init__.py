"""Data-parallel training over MPI with Horovod's API: `init()`, `rank()`, `size()`,
`DistributedOptimizer(opt)`, `broadcast_global_variables(0)`, `shard(data)`.

    mpiexec -n 4 python train.py

mpi4py is imported by `init()`, never by `import graphgrad`: pip install 'graphgrad[mpi]'.
"""
from ..ops.mpi_ops import allreduce, broadcast, grouped_allreduce, grouped_broadcast
from .comm import init, is_initialized, local_rank, local_size, rank, size
from .data import shard, shard_indices
from .optimizer import DistributedOptimizer, broadcast_global_variables, broadcast_variables

__all__ = ["init", "is_initialized", "rank", "size", "local_rank", "local_size",
           "DistributedOptimizer", "broadcast_global_variables", "broadcast_variables",
           "allreduce", "broadcast", "grouped_allreduce", "grouped_broadcast", "shard",
           "shard_indices"]
