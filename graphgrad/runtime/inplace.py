"""In-place elementwise steps (a plan rewrite of runtime/rewrite.py): a bias add, ReLU or ReLU
gradient whose input is a fresh array of this run, read by no other step and not fetched, writes
its result into that array (`out=`), as a hand-written loop's `h += b` does, instead of
allocating a new one each run. Values are bit for bit the same.
"""
import numpy as np

from ..kernels import nn_activations as act
from .rewrite import FRESH_OUTPUT, producers, value_readers

_BINARY = {"Add": np.add, "AddV2": np.add, "Sub": np.subtract, "Mul": np.multiply}


def _binary_into(ufunc, k):
    """`ufunc(a, b)` written into input k when the result has that input's shape and dtype."""
    def into(a, b):
        x, y = (a, b) if k == 0 else (b, a)
        if (type(x) is np.ndarray and type(y) is np.ndarray and x.dtype == y.dtype
                and y.shape == x.shape[x.ndim - y.ndim:]):
            return ufunc(a, b, out=x)
        return ufunc(a, b)
    into.position = k  # the input it may write into (runtime/compiled_steps.py reads it)
    return into


def _relu_into(x):
    if type(x) is np.ndarray:
        return np.maximum(x, 0, out=x)
    return np.maximum(x, 0)


def relu_grad_into(g, y):
    if type(g) is np.ndarray and type(y) is np.ndarray and g.shape == y.shape:
        return np.multiply(g, y > 0, out=g)
    return g * (y > 0)


def _generic(st, kernel):
    fn = st.fn
    return getattr(fn, "func", None) is kernel and getattr(fn, "args", ())[:1] == (np,)


# Below this many elements (known while the plan compiles) NumPy's cached small allocations cost
# less than the checks an in-place step makes.
MIN_ELEMENTS = 4096


def _candidates(st):
    """(input positions the step may write into, the in-place kernel for position k)."""
    op = st.op
    if not op.outputs or not op.outputs[0].dtype.is_floating or len(op.outputs) != 1:
        return (), None
    shape = op.outputs[0].shape
    if shape.is_fully_defined() and shape.num_elements() < MIN_ELEMENTS:
        return (), None
    if op.type in _BINARY and (st.fn is _BINARY[op.type] or _generic(st, op.opdef.kernel)):
        return (0, 1), lambda k: _binary_into(_BINARY[op.type], k)
    if op.type == "Relu" and op.opdef.kernel is act.relu and _generic(st, act.relu):
        return (0,), lambda k: _relu_into
    if op.type == "ReluGrad" and op.opdef.kernel is act.relu_grad and \
            _generic(st, act.relu_grad):
        return (0,), lambda k: relu_grad_into
    return (), None


def inplace_elementwise(steps, protected):
    """Rewrites the eligible steps in place; `protected` are the slots that are fetched (or
    otherwise live)."""
    producer = producers(steps)
    readers = {slot: len(steps_reading) for slot, steps_reading in value_readers(steps).items()}
    fresh = set()  # ids of the steps whose output is a new array each run
    for st in steps:
        positions, make = _candidates(st) if st.memo is None else ((), None)
        for k in positions:
            slot = st.ins[k] if k < len(st.ins) else None
            p = producer.get(slot) if isinstance(slot, int) else None
            if (p is not None and p.memo is None and slot not in protected
                    and readers.get(slot) == 1 and (id(p) in fresh or _fresh(p))):
                st.fn = make(k)
                st.tags.append("inplace_out")
                fresh.add(id(st))
                break
        else:
            if _fresh(st) or _passes_fresh(st, producer, readers, protected, fresh):
                fresh.add(id(st))
    return steps


def _passes_fresh(st, producer, readers, protected, fresh):
    """A SumToShape returns its gradient input itself when no sum is needed, else a new array:
    fresh either way when that input is fresh and read by it alone."""
    if st.op.type != "SumToShape" or st.memo is not None or not isinstance(st.ins[0], int):
        return False
    p = producer.get(st.ins[0])
    return (p is not None and id(p) in fresh and st.ins[0] not in protected
            and readers.get(st.ins[0]) == 1)


def _fresh(st):
    return (st.op.type in FRESH_OUTPUT and st.memo is None and len(st.outs) == 1
            and not {"shape_only", "reused_buffer", "read"} & set(st.tags))
