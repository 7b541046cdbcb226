"""BLAS thread defaults: one thread unless the user chose, or ConfigProto says otherwise.

With more BLAS threads than free cores, OpenBLAS spins and small GEMMs slow down 10x or more on a
busy machine; one thread per process is the robust default for the small matrices graphs use.
Uses threadpoolctl when installed (an optional extra); without it nothing is changed and the
environment variables (OPENBLAS_NUM_THREADS, OMP_NUM_THREADS, MKL_NUM_THREADS) decide.
"""
import os

_ENV = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS")
_state = {"limiter": None, "threads": None}


def blas_threads_wanted(config):
    """The BLAS pool size a new Session asks for, or None to leave it alone: the config's
    intra_op_parallelism_threads when set (> 0), else 1 unless an env variable chose."""
    n = getattr(config, "intra_op_parallelism_threads", 0) or 0
    if n > 0:
        return int(n)
    if any(os.environ.get(v) for v in _ENV):
        return None
    return 1


def configure(config):
    """Applies `blas_threads_wanted(config)` process-wide (as TF's pools are per process);
    returns the thread count set, or None when left alone or threadpoolctl is missing."""
    n = blas_threads_wanted(config)
    if n is None or n == _state["threads"]:
        return n
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return None
    _state["limiter"] = threadpool_limits(limits=n, user_api="blas")
    _state["threads"] = n
    return n
