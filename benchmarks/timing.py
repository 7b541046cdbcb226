"""Timing primitives shared by run.py and its default-threads children: interleaved blocks of
every implementation, quiet and with a process spinning on one core (busy)."""
import signal
import statistics
import subprocess
import sys
import time


class Spinner:
    """A process spinning on one core, paused (SIGSTOP) except while `set(True)`."""

    def __init__(self, enabled):
        self.proc = None
        if enabled:
            self.proc = subprocess.Popen([sys.executable, "-c", "while True: pass"])
            self.proc.send_signal(signal.SIGSTOP)

    def set(self, busy):
        if self.proc is not None:
            self.proc.send_signal(signal.SIGCONT if busy else signal.SIGSTOP)
            if busy:
                time.sleep(0.02)  # let the scheduler place it

    def close(self):
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()


def _calibrate(step, seconds):
    n = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(n):
            step()
        t = time.perf_counter() - t0
        if t >= seconds / 4 or n >= 1 << 20:
            return max(1, int(n * seconds / max(t, 1e-9)))
        n *= 4


def _block(step, n):
    c0, t0 = time.process_time(), time.perf_counter()
    for _ in range(n):
        step()
    t1, c1 = time.perf_counter(), time.process_time()
    return n / (t1 - t0), n / max(c1 - c0, 1e-9)


def time_workload(impls, reps, seconds, spinner, warmup):
    """{impl: medians} for `impls` ({impl: factory}): every rep times one block of each in turn
    quiet, then (when the spinner runs a process) one block of each busy."""
    steps = {k: make() for k, make in impls.items()}
    for step in steps.values():
        for _ in range(warmup):
            step()
    counts = {k: _calibrate(s, seconds) for k, s in steps.items()}
    phases = ("quiet", "busy") if spinner.proc is not None else ("quiet",)
    samples = {(k, p, c): [] for k in steps for p in phases for c in ("wall", "cpu")}
    for rep in range(reps):
        # alternating which phase goes first cancels drift in the machine's background load
        for phase in phases if rep % 2 == 0 else phases[::-1]:
            spinner.set(phase == "busy")
            for k, step in steps.items():
                wall, cpu = _block(step, counts[k])
                samples[k, phase, "wall"].append(wall)
                samples[k, phase, "cpu"].append(cpu)
            spinner.set(False)
    row = {}
    for k in steps:
        med = {f"{p}_{c}": statistics.median(samples[k, p, c]) for p in phases
               for c in ("wall", "cpu")}
        entry = {"wall_median": med["quiet_wall"], "cpu_median": med["quiet_cpu"], "reps": reps,
                 "block": counts[k]}
        if "busy" in phases:
            entry.update(busy_wall_median=med["busy_wall"], busy_cpu_median=med["busy_cpu"],
                         busy_ratio=med["busy_wall"] / med["quiet_wall"],
                         busy_cpu_ratio=med["busy_cpu"] / med["quiet_cpu"])
        row[k] = entry
    return row
