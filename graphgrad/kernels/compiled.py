"""Optional compiled kernels: fused elementwise loops that numba compiles when it is installed
(`pip install graphgrad[jit]`). NumPy evaluates Adam's update as a dozen ufunc passes over
memory, each reading and writing whole arrays; one compiled loop reads each element once and
keeps the intermediates in registers (about 5x faster for a 784x256 weight here).

The optimizer and ReLU loops perform exactly the operations of their NumPy counterparts, in the
same order and the same dtype, so the two agree bit for bit (numba does not contract a*b+c into
a fused multiply-add unless fastmath is asked for; it is not). The softmax loops keep NumPy's
exp and sum in float64: within float32 rounding of the NumPy kernels. Every function falls back
to NumPy for arrays its loop does not take. runtime/compiled_steps.py decides when a plan uses
them (never without numba, or with GRAPHGRAD_JIT=0). numba caches the compiled loops on disk, so
only the first process on a machine pays the compile time.
"""
import importlib.util
import os

import numpy as np

from . import fused, training

_loops = {}  # loop name -> compiled function (None: numba missing or switched off)


def _numba():
    if "numba" not in _loops:
        try:
            import numba
        except ImportError:
            numba = None
        _loops["numba"] = numba
        if numba is not None:  # the loops call these helpers: compiled, in their place
            for name in _HELPERS:
                globals()[name] = _jit(globals()[name])
    return _loops["numba"]


def _jit(fn):
    # error_model="numpy": division follows IEEE (inf/nan) instead of raising, which also lets
    # the loops vectorize.
    numba = _loops["numba"]
    try:
        return numba.njit(cache=True, nogil=True, error_model="numpy")(fn)
    except RuntimeError:  # no writable cache directory ("no locator available"): in memory
        return numba.njit(nogil=True, error_model="numpy")(fn)


def available():
    """numba is importable (imports it) and not switched off (GRAPHGRAD_JIT=0)."""
    return os.environ.get("GRAPHGRAD_JIT") != "0" and _numba() is not None


def installed():
    """As `available`, without importing numba."""
    if os.environ.get("GRAPHGRAD_JIT") == "0":
        return False
    if "numba" in _loops:
        return _loops["numba"] is not None
    return importlib.util.find_spec("numba") is not None


def _compile(fn):
    if fn.__name__ not in _loops:
        _numba()
        _loops[fn.__name__] = _jit(fn)
    return _loops[fn.__name__]


def _adam_loop(var, m, v, grad, one, beta1_power, beta2_power, lr, beta1, beta2, epsilon,
               use_nesterov):
    # the step size as training.adam_rates rounds it (IEEE scalar ops in the arrays' dtype)
    alpha = lr * np.sqrt(one - beta2_power) / (one - beta1_power)
    one_minus_beta1, one_minus_beta2 = one - beta1, one - beta2
    for i in range(var.shape[0]):
        g = grad[i]
        mi = m[i] + (g - m[i]) * one_minus_beta1
        vi = v[i] + (g * g - v[i]) * one_minus_beta2
        m[i] = mi
        v[i] = vi
        if use_nesterov:
            step = (mi * beta1 + g * one_minus_beta1) * alpha
        else:
            step = mi * alpha
        var[i] -= step / (np.sqrt(vi) + epsilon)


def adam_inplace(xp, var, m, v, beta1_power, beta2_power, lr, beta1, beta2, epsilon, grad,
                 use_nesterov=False):
    """training.adam_inplace as one compiled loop (contiguous arrays of one float dtype)."""
    arrays = (var, m, v, grad)
    scalars = (beta1_power, beta2_power, lr, beta1, beta2, epsilon)
    if not (_flat_ok(arrays) and _scalars_ok(scalars, var.dtype)):
        return training.adam_inplace(xp, var, m, v, *scalars, grad, use_nesterov)
    _compile(_adam_loop)(var.reshape(-1), m.reshape(-1), v.reshape(-1), grad.reshape(-1),
                         var.dtype.type(1), *[s[()] for s in scalars], bool(use_nesterov))


def _momentum_loop(var, accum, lr, grad, momentum, use_nesterov):
    for i in range(var.shape[0]):
        a = accum[i] * momentum + grad[i]
        accum[i] = a
        if use_nesterov:
            var[i] -= grad[i] * lr + a * momentum * lr
        else:
            var[i] -= a * lr


def momentum_inplace(xp, var, accum, lr, grad, momentum, use_nesterov=False):
    """training.momentum_inplace as one compiled loop (contiguous arrays of one float dtype)."""
    if not (_flat_ok((var, accum, grad)) and _scalars_ok((lr, momentum), var.dtype)):
        return training.momentum_inplace(xp, var, accum, lr, grad, momentum, use_nesterov)
    _compile(_momentum_loop)(var.reshape(-1), accum.reshape(-1), lr[()], grad.reshape(-1),
                             momentum[()], bool(use_nesterov))


# The checks below run on every call of a small update: plain loops, no generators.
def _flat_ok(arrays):
    """Contiguous NumPy arrays of one float dtype and one size: a loop over flat indices."""
    size = arrays[0].size
    for a in arrays:
        if type(a) is not np.ndarray or a.size != size:
            return False
    return _contiguous_floats(arrays)


def _contiguous_floats(arrays):
    dtype = arrays[0].dtype
    if dtype != np.float32 and dtype != np.float64:
        return False
    for a in arrays:
        if type(a) is not np.ndarray or a.dtype != dtype or not a.flags.c_contiguous:
            return False
    return True


def _scalars_ok(scalars, dtype):
    for s in scalars:
        if not isinstance(s, (np.ndarray, np.generic)) or s.ndim or s.dtype != dtype:
            return False
    return True


def _bias_relu_loop(x, bias, out):
    rows, cols = x.shape
    for i in range(rows):
        for j in range(cols):
            s = x[i, j] + bias[j]
            out[i, j] = 0 if s <= 0 else s  # np.maximum(s, 0): nan stays, -0 becomes +0


def bias_relu(x, bias, out=None):
    """relu(x + bias) for a 2-D x and a bias over its columns, in one pass, written into `out`
    (which may be x) when given. Other arrays go to NumPy's two steps, into a new array."""
    if not (_contiguous_floats((x, bias, x if out is None else out)) and x.ndim == 2
            and bias.shape == x.shape[1:] and (out is None or out.shape == x.shape)):
        return np.maximum(np.add(x, bias), 0)
    if out is None:
        out = np.empty_like(x)
    _compile(_bias_relu_loop)(x, bias, out)
    return out


def _softmax_xent_rows(shifted, e, labels, loss):
    """From x - rowmax and its exp: the loss per row, and softmax - labels into `shifted`."""
    for i in range(e.shape[0]):
        total = 0.0
        for j in range(e.shape[1]):
            total += e[i, j]
        log_total = np.log(total)
        acc = 0.0
        for j in range(e.shape[1]):
            acc += labels[i, j] * (shifted[i, j] - log_total)
            shifted[i, j] = e[i, j] / total - labels[i, j]
        loss[i] = -acc


def softmax_xent_2d(logits, labels):
    """fused.softmax_xent_2d (loss, softmax - labels): each row shifted by its own max, sums in
    float64. Within float32 rounding of the NumPy kernel, not bit for bit."""
    if not (_flat_ok((logits, labels)) and logits.ndim == 2 and labels.shape == logits.shape
            and logits.shape[1]):
        return fused.softmax_xent_2d(logits, labels)
    loss, grad = np.empty(logits.shape[0], logits.dtype), np.empty_like(logits)
    _compile(_shift_rows)(logits, grad)
    e = np.exp(grad)
    _compile(_softmax_xent_rows)(grad, e, labels, loss)
    return loss, grad


_HELPERS = ("_row_max",)  # functions the loops call (compiled first: see _numba)


def _row_max(x, i):
    """The max of row i, nan if the row holds one (as NumPy's max)."""
    top = x[i, 0]
    for j in range(1, x.shape[1]):
        if x[i, j] > top or x[i, j] != x[i, j]:
            top = x[i, j]
            if top != top:
                break
    return top


def _relu_grad_loop(grad, y, out, zero):
    for i in range(grad.shape[0]):
        g = grad[i]
        out[i] = g if y[i] > zero else g * zero  # grad * (y > 0): nan and inf give nan


def relu_grad(grad, y, out=None):
    """grad * (y > 0) in one pass (NumPy makes the mask first), into `out` (which may be grad)
    when given; bit for bit NumPy's. Other arrays go to NumPy, into a new array."""
    if not (_flat_ok((grad, y) if out is None else (grad, y, out)) and grad.shape == y.shape):
        return np.multiply(grad, y > 0)
    if out is None:
        out = np.empty_like(grad)
    _compile(_relu_grad_loop)(grad.reshape(-1), y.reshape(-1), out.reshape(-1),
                              grad.dtype.type(0))
    return out


# exp itself stays NumPy's: its SIMD exp is several times faster than the scalar libm calls a
# numba loop makes. The loops around it do the per-row work NumPy needs many calls for.
def _shift_rows(x, out):
    for i in range(x.shape[0]):
        top = _row_max(x, i)
        for j in range(x.shape[1]):
            out[i, j] = x[i, j] - top


def _shift_rows_bias(x, bias, out):
    """out = (x + bias) - its row max; out may be x."""
    for i in range(x.shape[0]):
        top = x[i, 0] + bias[0]
        for j in range(1, x.shape[1]):
            s = x[i, j] + bias[j]
            if s > top or s != s:
                top = s
                if top != top:
                    break
        for j in range(x.shape[1]):
            out[i, j] = (x[i, j] + bias[j]) - top


def _normalize_rows(e):
    for i in range(e.shape[0]):
        total = 0.0
        for j in range(e.shape[1]):
            total += e[i, j]
        for j in range(e.shape[1]):
            e[i, j] = e[i, j] / total


def softmax_2d(x):
    """fused.softmax_2d (softmax over the rows of a 2-D float array), each row shifted by its
    own max, its sum in float64: within float32 rounding of the NumPy kernel."""
    if not (_contiguous_floats((x,)) and x.ndim == 2 and x.shape[1]):
        return fused.softmax_2d(x)
    out = np.empty_like(x)
    _compile(_shift_rows)(x, out)
    np.exp(out, out=out)
    _compile(_normalize_rows)(out)
    return out


def bias_softmax(x, bias, out=None):
    """softmax(x + bias) over the rows of a 2-D x, into `out` (which may be x) when given; x + bias
    rounds as NumPy's add, so this equals the add followed by softmax_2d."""
    if not (_contiguous_floats((x, bias, x if out is None else out)) and x.ndim == 2
            and x.shape[1] and bias.shape == x.shape[1:] and (out is None or out.shape == x.shape)):
        return softmax_2d(np.add(x, bias))
    if out is None:
        out = np.empty_like(x)
    _compile(_shift_rows_bias)(x, bias, out)
    np.exp(out, out=out)
    _compile(_normalize_rows)(out)
    return out


def _softmax_log_grad_loop(g, sm, out):
    for i in range(g.shape[0]):
        total = 0.0
        for j in range(g.shape[1]):
            total += g[i, j]
        for j in range(g.shape[1]):
            out[i, j] = g[i, j] - sm[i, j] * total


def softmax_log_grad(g, sm):
    """fused.softmax_log_grad (g - sm * sum(g, -1)) as one loop per row of 2-D arrays, the sums
    in float64 (NumPy sums in the arrays' dtype: within float32 rounding of it)."""
    if not (_contiguous_floats((g, sm)) and g.ndim == 2 and g.shape == sm.shape):
        return fused.softmax_log_grad(g, sm)
    out = np.empty_like(g)
    _compile(_softmax_log_grad_loop)(g, sm, out)
    return out


_INPLACE = {training.adam_inplace: adam_inplace, training.momentum_inplace: momentum_inplace}


def inplace_update(numpy_update, check=True):
    """The compiled counterpart of a NumPy in-place update rule of kernels/training.py, or None
    (no compiled form, or with `check`, numba not available)."""
    fn = _INPLACE.get(numpy_update)
    return fn if fn is not None and (not check or available()) else None
