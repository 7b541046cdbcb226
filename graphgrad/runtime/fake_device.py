"""A fake GPU for machines without one: a CuPy-like array module over NumPy whose arrays are a
distinct type that refuses to mix with host NumPy arrays, as CuPy's do.

`GRAPHGRAD_FAKE_GPU=1 python train.py` (or `from graphgrad.runtime import backend;
backend.use_fake_gpu()`) makes sessions see one such device, so device placement, transfers and
the kernels' use of `xp` can be checked in CI: a host array reaching a GPU kernel, or a NumPy
function given a device array, raises TypeError; `xp.asarray(host)` and `xp.asnumpy(dev)` are
the explicit, counted copies.
"""
import contextlib
import operator
import types

import numpy as np


class FakeDeviceId:
    def __init__(self, index):
        self.id = index

    def __repr__(self):
        return f"<FakeGPU Device {self.id}>"


def _host_error(where):
    return TypeError(f"fake GPU: a host numpy.ndarray was passed to {where}; copy it to the "
                     "device with xp.asarray first (CuPy refuses implicit host arrays too)")


class FakeArray:
    """A device array: the NumPy data in `_a` is reachable only through explicit copies."""
    __slots__ = ("_a", "_gpu", "_dev")
    __array_priority__ = 100
    __array_ufunc__ = None  # NumPy operators hand over to our reflected methods, which refuse

    def __init__(self, data, gpu):
        self._a = data
        self._gpu = gpu
        self._dev = gpu.index  # allocated on the device current at creation, as in CuPy

    def __array__(self, dtype=None, copy=None):
        raise TypeError("Implicit conversion to a NumPy array is not allowed. Please use "
                        "`.get()` to construct a NumPy array explicitly. (fake GPU)")

    def __array_function__(self, func, types_, args, kwargs):
        raise TypeError(f"fake GPU: numpy.{func.__name__} was called on a device array; "
                        "kernels must use the xp module they are given")

    shape = property(lambda self: self._a.shape)
    dtype = property(lambda self: self._a.dtype)
    ndim = property(lambda self: self._a.ndim)
    size = property(lambda self: self._a.size)
    itemsize = property(lambda self: self._a.itemsize)
    nbytes = property(lambda self: self._a.nbytes)
    strides = property(lambda self: self._a.strides)
    flags = property(lambda self: self._a.flags)
    device = property(lambda self: FakeDeviceId(self._dev))
    T = property(lambda self: self._wrap(self._a.T))

    def _wrap(self, value):
        return self._gpu.wrap(value)

    def get(self):
        return self._gpu.asnumpy(self)

    def __len__(self):
        return len(self._a)

    def __iter__(self):
        return (self._wrap(v) for v in self._a)

    def __repr__(self):
        return f"fake_gpu_array({self._a!r})"

    def __bool__(self):
        return bool(self._a)

    def __int__(self):
        return int(self._a)

    def __float__(self):
        return float(self._a)

    def __complex__(self):
        return complex(self._a)

    def item(self, *args):
        return self._a.item(*args)

    def tolist(self):
        return self._a.tolist()

    def __getitem__(self, key):
        return self._wrap(self._a[self._gpu.unwrap(key, "indexing")])

    def __setitem__(self, key, value):
        self._a[self._gpu.unwrap(key, "indexing")] = self._gpu.unwrap(value, "assignment")

    def __getattr__(self, name):
        if name.startswith("__"):  # no __array_interface__ / buffer: no silent host view
            raise AttributeError(name)
        method = getattr(self._a, name)
        if not callable(method):
            return method
        gpu = self._gpu

        def call(*args, **kwargs):
            args, kwargs = gpu.unwrap((args, kwargs), f"ndarray.{name}")
            return gpu.wrap(method(*args, **kwargs))
        return call


def _binary(op, reflected=False):
    def method(self, other):
        other = self._gpu.unwrap(other, f"operator {op.__name__}")
        return self._wrap(op(other, self._a) if reflected else op(self._a, other))
    return method


def _inplace(op):
    def method(self, other):
        self._a = op(self._a, self._gpu.unwrap(other, f"operator {op.__name__}"))
        return self
    return method


for _name in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul", "and", "or",
              "xor", "lshift", "rshift"):
    _op = getattr(operator, _name + "_" if _name in ("and", "or") else _name)
    setattr(FakeArray, f"__{_name}__", _binary(_op))
    setattr(FakeArray, f"__r{_name}__", _binary(_op, reflected=True))
    setattr(FakeArray, f"__i{_name}__", _inplace(getattr(operator, f"i{_name}")))
for _name in ("lt", "le", "eq", "ne", "gt", "ge"):
    setattr(FakeArray, f"__{_name}__", _binary(getattr(operator, _name)))
for _name in ("neg", "pos", "abs", "invert"):
    setattr(FakeArray, f"__{_name}__", (lambda f: lambda self: self._wrap(f(self._a)))(
        getattr(operator, _name)))
FakeArray.__hash__ = None


class _Namespace:
    """numpy (or one of its submodules) seen through the fake GPU: array arguments unwrapped
    (host arrays refused), array results wrapped."""

    def __init__(self, gpu, module, prefix):
        self._gpu = gpu
        self._module = module
        self._prefix = prefix

    def __getattr__(self, name):
        value = getattr(self._module, name)
        if isinstance(value, types.ModuleType):
            return _Namespace(self._gpu, value, f"{self._prefix}{name}.")
        if isinstance(value, type) or not callable(value):
            return value  # dtypes, constants (xp.float32, xp.pi, xp.newaxis)
        gpu = self._gpu
        where = f"xp.{self._prefix}{name}"
        if isinstance(value, np.ufunc):
            return _Ufunc(gpu, value, where)

        def call(*args, **kwargs):
            args, kwargs = gpu.unwrap((args, kwargs), where)
            return gpu.wrap(value(*args, **kwargs))
        call.__name__ = name
        return call


class _Ufunc:
    """A ufunc with its methods (`xp.add.at`, `xp.maximum.reduce`), as CuPy's ufuncs have."""

    def __init__(self, gpu, ufunc, where):
        self._gpu = gpu
        self._ufunc = ufunc
        self._where = where
        self.__name__ = ufunc.__name__

    def __call__(self, *args, **kwargs):
        return self._apply(self._ufunc, args, kwargs, self._where)

    def __getattr__(self, name):
        method = getattr(self._ufunc, name)
        if not callable(method):
            return method
        return lambda *args, **kwargs: self._apply(method, args, kwargs,
                                                   f"{self._where}.{name}")

    def _apply(self, fn, args, kwargs, where):
        args, kwargs = self._gpu.unwrap((args, kwargs), where)
        return self._gpu.wrap(fn(*args, **kwargs))


class FakeGPU(_Namespace):
    """The array module of `count` fake GPUs (CuPy's names: asarray, asnumpy, cuda.Device)."""

    def __init__(self, count=1):
        super().__init__(self, np, "")
        self.count = count
        self.index = 0
        self.copies = {"h2d": 0, "d2h": 0}
        self.cuda = types.SimpleNamespace(Device=self._device_context,
                                          is_available=lambda: count > 0)
        self.ndarray = FakeArray

    @contextlib.contextmanager
    def _device_context(self, index):
        if not 0 <= index < self.count:
            raise ValueError(f"fake GPU: no device {index} (have {self.count})")
        old, self.index = self.index, index
        try:
            yield
        finally:
            self.index = old

    def wrap(self, value):
        if isinstance(value, (np.ndarray, np.generic)):
            return FakeArray(np.asarray(value), self)
        if isinstance(value, tuple):
            return tuple(self.wrap(v) for v in value)
        if isinstance(value, list) and any(isinstance(v, np.ndarray) for v in value):
            return [self.wrap(v) for v in value]
        return value

    def unwrap(self, value, where):
        if isinstance(value, FakeArray):
            return value._a
        if isinstance(value, np.ndarray):
            raise _host_error(where)
        if isinstance(value, (list, tuple)):
            return type(value)(self.unwrap(v, where) for v in value)
        if isinstance(value, dict):
            return {k: self.unwrap(v, where) for k, v in value.items()}
        return value

    def _from_host(self, value):
        if isinstance(value, np.ndarray):
            self.copies["h2d"] += 1
            return value
        return self.unwrap(value, "xp.asarray")

    def asarray(self, a, dtype=None, order=None):
        if isinstance(a, FakeArray):
            if a._dev == self.index and (dtype is None or a.dtype == dtype):
                return a
            return FakeArray(np.array(a._a, dtype=dtype, order=order), self)  # device to device
        return FakeArray(np.asarray(self._from_host(a), dtype=dtype, order=order), self)

    def array(self, a, dtype=None, copy=True, order="K", ndmin=0):
        host = a._a if isinstance(a, FakeArray) else self._from_host(a)
        return FakeArray(np.array(host, dtype=dtype, copy=copy, order=order, ndmin=ndmin), self)

    def asnumpy(self, a):
        if isinstance(a, FakeArray):
            self.copies["d2h"] += 1
            return np.array(a._a, copy=True)
        return np.asarray(a)

    def get_array_module(self, *args):
        return self


@contextlib.contextmanager
def installed(stack, count=1):
    """Installs a fresh FakeGPU on `stack` (the backend's) for the duration; yields it."""
    gpu = FakeGPU(count)
    stack.append(gpu)
    try:
        yield gpu
    finally:
        stack.remove(gpu)
