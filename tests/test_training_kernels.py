"""The in-place optimizer kernels of graphgrad/kernels/training.py agree bit for bit with their
out-of-place forms, whichever way a large variable is split into cache-sized blocks."""
import numpy as np
import pytest

from graphgrad.kernels import training


def _adam_args(shape, seed):
    rng = np.random.default_rng(seed)
    var, m, grad = (rng.normal(size=shape).astype(np.float32) for _ in range(3))
    v = rng.uniform(0.0, 2.0, size=shape).astype(np.float32)
    hyper = [np.float32(x) for x in (0.9 ** 3, 0.999 ** 3, 1e-3, 0.9, 0.999, 1e-8)]
    return var, m, v, hyper, grad


@pytest.mark.parametrize("nesterov", [False, True])
@pytest.mark.parametrize("block,shape", [(7, (5, 11)), (64, (64,)), (1 << 15, (3, 4)),
                                         (1 << 15, (300, 257))])
def test_adam_inplace_in_blocks_equals_adam_bit_for_bit(monkeypatch, block, shape, nesterov):
    monkeypatch.setattr(training, "BLOCK", block)
    var, m, v, hyper, grad = _adam_args(shape, seed=block)
    expected = training.adam(np, var, m, v, *hyper, grad, use_nesterov=nesterov)
    training.adam_inplace(np, var, m, v, *hyper, grad, use_nesterov=nesterov)
    for got, want in zip((var, m, v), expected):
        np.testing.assert_array_equal(got, want)


def test_adam_inplace_updates_a_non_contiguous_variable_whole(monkeypatch):
    monkeypatch.setattr(training, "BLOCK", 4)
    var, m, v, hyper, grad = _adam_args((6, 10), seed=1)
    var_t, m_t, v_t = (np.asfortranarray(a) for a in (var, m, v))
    expected = training.adam(np, var, m, v, *hyper, grad)
    training.adam_inplace(np, var_t, m_t, v_t, *hyper, grad)
    for got, want in zip((var_t, m_t, v_t), expected):
        np.testing.assert_array_equal(got, want)
