"""`tf.train.Coordinator`: lets threads stop together, and hands the first error to `join`."""
import contextlib
import sys
import threading
import time

from .. import errors


class Coordinator:
    """Coordinates threads: any of them may `request_stop`; all check `should_stop`; `join`
    waits for them and re-raises the exception that caused the stop (TF1 `tf.train.Coordinator`).
    OutOfRangeError (by default) stops cleanly without being re-raised.
    """

    def __init__(self, clean_stop_exception_types=None):
        if clean_stop_exception_types is None:
            clean_stop_exception_types = (errors.OutOfRangeError,)
        self._clean = tuple(clean_stop_exception_types)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._exception = None
        self._threads = set()
        self._joined = False

    def _as_exception(self, ex):
        if isinstance(ex, tuple):  # sys.exc_info()
            ex = ex[1]
        if ex is None or isinstance(ex, self._clean):
            return None
        return ex

    def request_stop(self, ex=None):
        """Asks all threads to stop; `ex` (an exception or sys.exc_info()) is re-raised by
        `join` unless it is a clean-stop type."""
        with self._lock:
            ex = self._as_exception(ex)
            if ex is not None and self._exception is None:
                self._exception = ex
            self._stop.set()

    def clear_stop(self):
        with self._lock:
            self._joined = False
            self._exception = None
            self._stop.clear()

    def should_stop(self):
        return self._stop.is_set()

    @contextlib.contextmanager
    def stop_on_exception(self):
        """A block whose exception requests a stop instead of propagating."""
        try:
            yield
        except:  # noqa: E722 - TF's contract: any exception stops the coordinator
            self.request_stop(ex=sys.exc_info())

    def wait_for_stop(self, timeout=None):
        """True once a stop was requested; False if `timeout` seconds passed first."""
        return self._stop.wait(timeout)

    def register_thread(self, thread):
        with self._lock:
            self._threads.add(thread)

    def join(self, threads=None, stop_grace_period_secs=120, ignore_live_threads=False):
        """Waits until a stop is requested and the threads end; re-raises the stop's exception.
        RuntimeError if threads still run `stop_grace_period_secs` after the stop."""
        with self._lock:
            threads = set(threads or ()) | self._threads
        while any(t.is_alive() for t in threads) and not self.wait_for_stop(0.1):
            pass
        deadline = time.monotonic() + stop_grace_period_secs
        for t in threads:
            t.join(max(0.0, deadline - time.monotonic()))
        stragglers = [t.name for t in threads if t.is_alive()]
        with self._lock:
            self._joined = True
            self._threads = set()
            exception = self._exception
        if exception is not None:
            raise exception
        if stragglers and not ignore_live_threads:
            raise RuntimeError(f"Coordinator stopped with threads still running: "
                               f"{' '.join(stragglers)}")

    @property
    def joined(self):
        return self._joined

    def raise_requested_exception(self):
        with self._lock:
            if self._exception is not None:
                raise self._exception
