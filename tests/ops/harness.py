"""The shared checks every op row in cases.py goes through: forward vs NumPy, static vs real
shape, float64 gradients vs central differences, and the gradient of the gradient."""
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

import numpy as np

import graphgrad as tf


@dataclass(frozen=True)
class Case:
    """One row: an op, how to build it from input tensors, its NumPy reference and inputs.

    shapes: one tuple of input shapes per sub-case (odd, broadcast, size-1, empty, scalar).
    domain: (low, high) for all inputs, or a list of per-input (low, high) or callables
        f(rng, shape, dtype) -> array (for ints, indices, inputs away from kinks).
    grad: indices of the inputs to differentiate (None: every float input).
    order: 0 no gradient check, 1 first derivatives, 2 also second derivatives.
    dtypes: the float dtypes of the forward check; the gradient checks use float64.
    tested_by: for ops the shared checks cannot drive (random, stateful): the test file that does.
    """

    op: str
    build: Optional[Callable] = None
    ref: Optional[Callable] = None
    shapes: list = field(default_factory=list)
    domain: Any = (-2.0, 2.0)
    grad: Optional[tuple] = None
    order: int = 2
    dtypes: tuple = ("float32", "float64")
    rtol: float = 1e-5
    atol: float = 1e-6
    grad_tol: float = 1e-5
    tested_by: Optional[str] = None
    name: str = ""

    @property
    def id(self):
        return self.name or self.op


def make_inputs(case, shapes, dtype, seed=0):
    rng = np.random.default_rng(seed)
    domains = case.domain if isinstance(case.domain, list) else [case.domain] * len(shapes)
    arrays = []
    for shape, dom in zip(shapes, domains):
        if callable(dom):
            arrays.append(np.asarray(dom(rng, shape, np.dtype(dtype))))
        else:
            lo, hi = dom
            arrays.append(rng.uniform(lo, hi, size=shape).astype(dtype))
    return arrays


def _run(build, arrays, static=True):
    g = tf.Graph()
    with g.as_default():
        phs = [tf.placeholder(tf.as_dtype(a.dtype), a.shape if static else [None] * a.ndim)
               for a in arrays]
        out = build(*phs)
        with tf.Session(graph=g) as sess:
            value = sess.run(out, {p: a for p, a in zip(phs, arrays)})
    return out, value


def check_forward(case, shapes, dtype):
    arrays = make_inputs(case, shapes, dtype)
    out, value = _run(case.build, arrays)
    expected = np.asarray(case.ref(*arrays))
    value = np.asarray(value)
    assert value.dtype == out.dtype.np, f"kernel gave {value.dtype}, graph says {out.dtype.name}"
    assert value.shape == expected.shape, f"shape {value.shape} != reference {expected.shape}"
    assert out.shape.as_tuple() == value.shape, f"static shape {out.shape} != real {value.shape}"
    tol = dict(rtol=case.rtol, atol=case.atol) if dtype == "float64" else dict(rtol=1e-4, atol=1e-5)
    if value.dtype.kind == "f":
        np.testing.assert_allclose(value, expected.astype(value.dtype), **tol)
    else:
        np.testing.assert_array_equal(value, expected)
    # With unknown dims the static shape must still be compatible with the real one.
    loose, loose_value = _run(case.build, arrays, static=False)
    assert loose.shape.is_compatible_with(np.shape(loose_value)), \
        f"static shape {loose.shape} incompatible with real {np.shape(loose_value)}"


def _diff_indices(case, arrays):
    if case.grad is not None:
        return list(case.grad)
    return [i for i, a in enumerate(arrays) if a.dtype.kind == "f"]


class _Scalar:
    """A graph computing L(x) = sum(w * f(x)) and, when order 2, G(x) = sum(v * dL/dx)."""

    def __init__(self, case, arrays, idx, rng):
        self.graph = tf.Graph()
        with self.graph.as_default():
            self.phs = [tf.placeholder(tf.as_dtype(a.dtype), a.shape) for a in arrays]
            out = case.build(*self.phs)
            w = tf.constant(rng.normal(size=out.shape.as_list()))
            self.loss = tf.reduce_sum(tf.cast(out, tf.float64) * w)
            xs = [self.phs[i] for i in idx]
            self.grads = tf.gradients(self.loss, xs)
            self.second_loss = None
            if case.order >= 2 and all(g is not None for g in self.grads):
                vs = [tf.constant(rng.normal(size=arrays[i].shape)) for i in idx]
                self.second_loss = tf.add_n([tf.reduce_sum(g * v) for g, v in
                                             zip(self.grads, vs)]) if vs else None
                self.second_grads = tf.gradients(self.second_loss, xs)
        self.sess = tf.Session(graph=self.graph)

    def value(self, tensor, arrays):
        return self.sess.run(tensor, {p: a for p, a in zip(self.phs, arrays)})


def _numeric_check(scalar, target, grads_t, arrays, idx, tol, rng, what):
    grads = scalar.value(grads_t, arrays)
    eps = 1e-6
    for k, i in enumerate(idx):
        assert grads[k] is not None, f"{what}: no gradient for input {i}"
        assert grads[k].shape == arrays[i].shape, f"{what} shape {grads[k].shape} for input {i}"
        n = arrays[i].size
        directions = ([np.eye(n)[j].reshape(arrays[i].shape) for j in range(n)] if n <= 24
                      else [rng.normal(size=arrays[i].shape) for _ in range(4)])
        for d in directions:
            plus = [a.copy() for a in arrays]
            minus = [a.copy() for a in arrays]
            plus[i] = plus[i] + eps * d
            minus[i] = minus[i] - eps * d
            numeric = (scalar.value(target, plus) - scalar.value(target, minus)) / (2 * eps)
            analytic = float(np.sum(grads[k] * d))
            assert abs(numeric - analytic) <= tol * (1 + abs(numeric)), \
                f"{what} of input {i}: analytic {analytic} vs numeric {numeric}"


def check_gradients(case, shapes):
    arrays = make_inputs(case, shapes, "float64", seed=1)
    idx = [i for i in _diff_indices(case, arrays) if arrays[i].dtype == np.float64]
    if not idx:
        return
    rng = np.random.default_rng(2)
    scalar = _Scalar(case, arrays, idx, rng)
    tol = max(case.grad_tol, 1e-6)
    _numeric_check(scalar, scalar.loss, scalar.grads, arrays, idx, tol, rng, "gradient")
    if case.order >= 2 and scalar.second_loss is not None:
        second = [g for g in scalar.second_grads]
        # A second derivative that is identically zero (linear ops) comes back as None.
        keep = [k for k, g in enumerate(second) if g is not None]
        if keep:
            _numeric_check(scalar, scalar.second_loss, [second[k] for k in keep], arrays,
                           [idx[k] for k in keep], tol * 10, rng, "second derivative")
        for k, g in enumerate(second):
            if g is None:
                assert _second_is_zero(scalar, arrays, idx[k]), \
                    f"second derivative of input {idx[k]} is None but not zero"
    scalar.sess.close()


def _second_is_zero(scalar, arrays, i):
    eps = 1e-4
    rng = np.random.default_rng(3)
    d = rng.normal(size=arrays[i].shape)
    plus = [a.copy() for a in arrays]
    plus[i] = plus[i] + eps * d
    return abs(scalar.value(scalar.second_loss, plus) -
               scalar.value(scalar.second_loss, arrays)) < 1e-6 * (1 + abs(
                   scalar.value(scalar.second_loss, arrays)))
