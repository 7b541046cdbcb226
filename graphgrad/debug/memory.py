"""Peak memory of one `Session.run`, measured with tracemalloc (NumPy reports its array buffers
to it, so the figure covers every array a plan's kernels allocate, plus Python objects)."""
import dataclasses
import tracemalloc


@dataclasses.dataclass(frozen=True)
class PeakMemory:
    """Bytes allocated during one run, above what was allocated when it started.

    peak_bytes: the most held at any moment (intermediates, gradients, outputs).
    retained_bytes: still held when the run returned (fetched values, caches the run filled).
    """
    peak_bytes: int
    retained_bytes: int

    def __str__(self):
        return (f"peak {self.peak_bytes / 2**20:.2f} MiB, "
                f"retained {self.retained_bytes / 2**20:.2f} MiB")


def traced_peak(fn):
    """Calls `fn()` under tracemalloc and returns `(result, PeakMemory)` of that call. If tracing
    is already on it is left on (and its own peak is reset); otherwise it is stopped after."""
    started = not tracemalloc.is_tracing()
    if started:
        tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        result = fn()
        current, peak = tracemalloc.get_traced_memory()
    finally:
        if started:
            tracemalloc.stop()
    return result, PeakMemory(max(0, peak - base), max(0, current - base))


def peak_memory(sess, fetches, feed_dict=None, warmup=True):
    """Peak extra memory of one `sess.run(fetches, feed_dict)`, as a PeakMemory.

    The run is real: variables it assigns are updated (a training op takes a step). With
    `warmup` (the default) one untraced run goes first, so the figure is a steady-state step's,
    without the one-time plan compilation. Tracing slows the traced run several times; use it
    to size plans, never inside a timing loop.

    Differs from TF: TF1 reports memory per device through RunMetadata's step stats; this
    measures the whole process's allocations during the run (one process runs one session step).
    """
    if warmup:
        sess.run(fetches, feed_dict=feed_dict)
    return traced_peak(lambda: sess.run(fetches, feed_dict=feed_dict))[1]
