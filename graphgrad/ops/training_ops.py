"""Fused optimizer update ops (ApplyGradientDescent, ...): each writes one variable in place of
several small graph ops, as TF's training_ops do."""
from ..graph.registry import register_op
from .state_ops import _read_kernel, bind_store


def _current(xp, store, var, where):
    return _read_kernel(xp, store=store, var=var, where=where, shape=None, dtype=None)


def _var_shape(var, *rest, **_):
    return var.shape


def register_apply(op_type, kernel):
    """An update op: input 0 is the variable (written, not read as a value), the rest are read."""
    return register_op(op_type, shape=_var_shape, kernel=kernel, writes=True, stateful=True,
                       bind=bind_store, ref_inputs=(0,), differentiable=False)


def _apply_gradient_descent(xp, alpha, delta, *, store, var, where, use_locking=False):
    store[var] = _current(xp, store, var, where) - alpha * delta
    return store[var]


APPLY_GRADIENT_DESCENT = register_apply("ApplyGradientDescent", _apply_gradient_descent)


def apply_gradient_descent(var, alpha, delta, use_locking=False, name=None):
    """var -= alpha * delta."""
    return APPLY_GRADIENT_DESCENT(var, alpha, delta, use_locking=use_locking, name=name)
