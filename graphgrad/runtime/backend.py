"""The array module (xp) a plan runs its kernels with: NumPy on the CPU, CuPy on a GPU (or the
fake GPU of runtime/fake_device.py), and the copies between host and device memory.

CuPy is imported lazily, the first time a session asks how many GPUs there are.
"""
import os
from dataclasses import dataclass

import numpy

numpy_backend = numpy
_FAKE_ENV = "GRAPHGRAD_FAKE_GPU"
_probe = {}  # "cupy": (module or None, device count), probed once per process
_fake = []   # the fake GPU module while installed (use_fake_gpu / GRAPHGRAD_FAKE_GPU)


@dataclass(frozen=True)
class Device:
    """A placement: `kind` is "CPU" or "GPU", `index` the device number."""
    kind: str
    index: int = 0

    @property
    def name(self):
        return f"/job:localhost/replica:0/task:0/device:{self.kind}:{self.index}"

    @property
    def is_gpu(self):
        return self.kind == "GPU"


CPU = Device("CPU", 0)


def _cupy():
    """(cupy module, number of CUDA devices), or (None, 0) without CuPy or a usable GPU."""
    if "cupy" not in _probe:
        module, count = None, 0
        try:
            import cupy
            count = int(cupy.cuda.runtime.getDeviceCount()) if cupy.cuda.is_available() else 0
            module = cupy if count else None
        except Exception:  # noqa: BLE001 - no CuPy, no driver, no device: all mean "no GPU"
            module, count = None, 0
        _probe["cupy"] = (module, count)
    return _probe["cupy"]


def _fake_module():
    if not _fake and os.environ.get(_FAKE_ENV, "") not in ("", "0"):
        from . import fake_device
        _fake.append(fake_device.FakeGPU(int(os.environ[_FAKE_ENV])))
    return _fake[-1] if _fake else None


def use_fake_gpu(count=1):
    """Context manager: sessions created inside see `count` fake GPUs (runtime/fake_device.py)
    instead of CuPy's; for tests and for trying device placement without a GPU."""
    from . import fake_device
    return fake_device.installed(_fake, count)


def gpu_count():
    """How many GPUs sessions can place ops on (fake ones first, then CuPy's)."""
    fake = _fake_module()
    if fake is not None:
        return fake.count
    return _cupy()[1]


def gpu_module():
    """The array module of the GPUs that `gpu_count` counts (the fake one, or cupy)."""
    fake = _fake_module()
    return fake if fake is not None else _cupy()[0]


def get_array_module(device=None):
    """NumPy for the CPU (or no device), the GPU array module for a GPU Device."""
    if device is None or isinstance(device, str) or not device.is_gpu:
        return numpy
    return gpu_module()


def on_device(fn, device):
    """`fn` running with `device` current (CuPy allocates on the current device); GPU 0 is
    the default device, so its kernels need no wrapper."""
    if not device.is_gpu or device.index == 0:
        return fn
    xp = gpu_module()

    def run(*args, **kwargs):
        with xp.cuda.Device(device.index):
            return fn(*args, **kwargs)
    return run


def to_host(x):
    """The device array `x` copied into a NumPy array (host arrays pass through)."""
    if isinstance(x, (numpy.ndarray, numpy.generic)) or x is None:
        return x
    if isinstance(x, (list, tuple)):
        return type(x)(to_host(v) for v in x)
    return gpu_module().asnumpy(x)


def to_device(device):
    """`x -> x` copied into the memory of `device` (CPU: `to_host`)."""
    if not device.is_gpu:
        return to_host
    xp = gpu_module()
    index = device.index

    def copy(x):
        if isinstance(x, (list, tuple)):
            return type(x)(copy(v) for v in x)
        if x is None or residence(x) == device:
            return x
        with xp.cuda.Device(index):
            return xp.asarray(x)
    return copy


def residence(x):
    """The Device whose memory holds array `x` (CPU for NumPy arrays and Python values)."""
    if isinstance(x, (numpy.ndarray, numpy.generic)):
        return CPU
    dev = getattr(x, "device", None)
    index = getattr(dev, "id", None)
    return CPU if index is None else Device("GPU", int(index))
