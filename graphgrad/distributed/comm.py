"""The MPI communicator behind graphgrad.distributed: lazy mpi4py import, rank queries, and
collectives that wait with a deadline (so a dead peer ends the job instead of hanging it)."""
import os
import signal
import sys
import threading
import time

import numpy as np

_INSTALL_HINT = ("graphgrad.distributed needs mpi4py and an MPI library: "
                 "pip install 'graphgrad[mpi]' (mpi4py + the mpich wheel, no system MPI needed).")
# Horovod warns about a stalled collective after 60 s; we warn then, and abort at the deadline.
DEFAULT_TIMEOUT = 300.0
_WARN_AFTER = 60.0
_SPIN_SECONDS = 0.05
_state = {}


def _mpi():
    try:
        from mpi4py import MPI
    except ImportError as e:  # mpi4py missing, or no MPI library for it to load
        raise ImportError(f"{_INSTALL_HINT} ({e})") from e
    return MPI


def init(comm=None, timeout=None):
    """Starts MPI (once) and makes `comm` (default COMM_WORLD) the communicator of every
    graphgrad collective. `timeout` (else $GRAPHGRAD_MPI_TIMEOUT, else 300) is how many seconds
    a collective waits for the other ranks before aborting the whole job."""
    mpi = _mpi()
    comm = mpi.COMM_WORLD if comm is None else comm
    if timeout is None:
        timeout = float(os.environ.get("GRAPHGRAD_MPI_TIMEOUT", DEFAULT_TIMEOUT))
    node = comm.Split_type(mpi.COMM_TYPE_SHARED, key=comm.Get_rank())
    _state.update(mpi=mpi, comm=Collectives(comm, mpi, float(timeout)), node=node)
    if comm.Get_size() > 1 and not getattr(sys.excepthook, "_graphgrad", False):
        sys.excepthook = _abort_on_exception(sys.excepthook, comm)
    if comm.Get_size() > 1 and threading.current_thread() is threading.main_thread() \
            and signal.getsignal(signal.SIGUSR1) is signal.SIG_DFL:
        # MPICH's launcher, told not to kill the job when a rank dies (-disable-auto-cleanup),
        # sends the survivors SIGUSR1: our waits notice it instead of the process vanishing.
        signal.signal(signal.SIGUSR1, _note_peer_failure)


def _note_peer_failure(signum, frame):
    _state["peer_failed"] = True


def is_initialized():
    return "comm" in _state


def communicator():
    """The Collectives in use; ValueError before init(), as Horovod's ops."""
    if "comm" not in _state:
        raise ValueError("graphgrad.distributed has not been initialized; call "
                         "graphgrad.distributed.init() first.")
    return _state["comm"]


def rank():
    """This process's rank in the communicator, 0 .. size()-1."""
    return communicator().comm.Get_rank()


def size():
    """The number of processes (ranks) training together."""
    return communicator().comm.Get_size()


def local_rank():
    """This process's rank among the processes on its machine."""
    communicator()
    return _state["node"].Get_rank()


def local_size():
    """The number of processes on this machine."""
    communicator()
    return _state["node"].Get_size()


def _abort_on_exception(hook, comm):
    """An uncaught exception on one rank aborts every rank: the others would wait forever in
    their next collective (mpi4py's `python -m mpi4py` does the same)."""
    def abort(kind, value, tb):
        hook(kind, value, tb)
        sys.stderr.write(f"graphgrad.distributed: rank {comm.Get_rank()} of {comm.Get_size()} "
                         f"raised {kind.__name__}; aborting all ranks.\n")
        sys.stderr.flush()
        comm.Abort(1)
    abort._graphgrad = True
    return abort


class Collectives:
    """Allreduce and broadcast of contiguous NumPy buffers, in place, through MPI's buffer API,
    each waiting at most `timeout` seconds."""

    def __init__(self, comm, mpi, timeout):
        self.comm = comm
        self.mpi = mpi
        self.timeout = timeout

    def allreduce_(self, buf, what):
        """buf <- the sum of buf over all ranks."""
        if self.comm.Get_size() > 1:
            self._wait(self.comm.Iallreduce(self.mpi.IN_PLACE, buf, op=self.mpi.SUM), what)
        return buf

    def bcast_(self, buf, root, what):
        """buf <- root's buf."""
        if self.comm.Get_size() > 1:
            self._wait(self.comm.Ibcast(buf, root=root), what)
        return buf

    def _wait(self, request, what):
        # A blocking MPI call cannot be interrupted: poll a non-blocking one against a deadline.
        start = time.monotonic()
        try:
            self._poll(request, what, start)
        except KeyboardInterrupt:
            # mpiexec.gforker interrupts the survivors when a rank exits; so does Ctrl-C.
            self._abort(what, time.monotonic() - start, "interrupted while waiting for the other "
                        "ranks (the launcher stops the job when a rank exits)")

    def _poll(self, request, what, start):
        # Spin first (a step's collective usually completes in microseconds), yielding the core
        # as MPI's own waits do: ranks sharing cores otherwise stall each other for a whole
        # scheduler tick (measured: 10 ms instead of 0.01 ms for 1 KB on 2 loaded cores).
        warned = False
        while not request.Test():
            if _state.get("peer_failed"):
                self._abort(what, time.monotonic() - start, "the MPI launcher reports that a "
                            "rank has died")
            waited = time.monotonic() - start
            if waited < _SPIN_SECONDS:
                os.sched_yield()
                continue
            if waited > self.timeout:
                self._abort(what, waited)
            if waited > _WARN_AFTER and not warned:
                warned = True
                self._say(f"{what} has waited {waited:.0f} s for the other ranks (abort after "
                          f"{self.timeout:.0f} s).")
            time.sleep(0.0002)

    def _say(self, message):
        sys.stderr.write(f"graphgrad.distributed: rank {self.comm.Get_rank()} of "
                         f"{self.comm.Get_size()}: {message}\n")
        sys.stderr.flush()

    def _abort(self, what, waited, why=None):
        if why is None:
            why = (f"no answer from the other ranks for {waited:.1f} s: a rank has probably "
                   "died or is stuck (raise the limit with graphgrad.distributed.init(timeout="
                   "...) or $GRAPHGRAD_MPI_TIMEOUT)")
        self._say(f"{what} failed: {why}. Aborting all ranks.")
        if _state.get("peer_failed"):
            # The launcher is already ending the job; MPI_Abort here can stall (seen with hydra
            # -disable-auto-cleanup) and lose this message, so just go.
            os._exit(1)
        self.comm.Abort(1)
        os._exit(1)  # should MPI_Abort ever return


def host_buffer(xp, array, dtype):
    """A contiguous NumPy copy of `array` as `dtype` (MPI reads and writes host memory)."""
    if hasattr(xp, "asnumpy"):
        array = xp.asnumpy(array)
    return np.ascontiguousarray(array, dtype=dtype)
