"""Fused optimizer update ops (ApplyGradientDescent, ApplyAdam, ...), as TF's training_ops.

An Apply op takes the variable and its slot variables as ref inputs (written, never read as
values by the plan: the kernel reads them from the session's store), then scalar hyperparameters
and the gradient as ordinary inputs. It writes every ref and outputs the variable's new value.
"""
from .. import errors
from ..graph.registry import register_op
from ..kernels import training as kernels
from .state_ops import _read_kernel, _ref


def _bind_refs(op, state):
    """Kernel kwargs: the session's store and the store keys (and ops) of every ref input."""
    ref_ops = tuple(op.inputs[i].op for i in op.opdef.ref_inputs)
    return {"store": state.variables, "refs": tuple(r.name for r in ref_ops), "where": ref_ops}


def _check_same_shape(where, names, arrays):
    for name, arr in zip(names[1:], arrays[1:]):
        if arr.shape != arrays[0].shape:
            raise errors.InvalidArgumentError(
                None, where[0],
                f"var and {name} do not have the same shape{list(arrays[0].shape)} "
                f"{list(arr.shape)} in {errors.describe_op(where[0])}.")


def _apply_kernel(update, names, grad_index, update_inplace=None):
    """grad_index counts the kernel's read values only (ref inputs are not passed).

    `owned` (bound by the plan only where no other op of the run reads the old values) maps
    store keys to the arrays this kernel allocated: those, and only those, are updated in place.
    """
    def kernel(xp, *values, store, refs, where, use_locking=False, owned=None, **attrs):
        current = [_read_kernel(xp, store=store, var=key, where=op)
                   for key, op in zip(refs, where)]
        _check_same_shape(where, names, current + [values[grad_index]])
        dtype = current[0].dtype
        mine = owned is not None and all(owned.get(k) is c for k, c in zip(refs, current))
        if mine and update_inplace is not None and \
                all(getattr(v, "dtype", dtype) == dtype for v in values):
            update_inplace(xp, *current, *values, **attrs)
            return current[0]
        new = [xp.asarray(a).astype(dtype, copy=False)
               for a in update(xp, *current, *values, **attrs)]
        for key, value in zip(refs, new):
            store[key] = value
            if owned is not None and not any(value is c for c in current):
                owned[key] = value
        return new[0]
    return kernel


def _apply_shape(num_refs, grad_index):
    def shape(*inputs, **_):
        grad_index_abs = grad_index % len(inputs)
        out = inputs[0].shape
        for i, t in enumerate(inputs):
            if i < num_refs or i == grad_index_abs:
                out = out.merge_with(t.shape)
            elif t.shape.ndims not in (None, 0):
                raise ValueError(f"Shape must be rank 0 but is rank {t.shape.ndims} "
                                 f"(input {i} is a hyperparameter and must be a scalar)")
        return out
    return shape


def register_apply(op_type, update, refs=("var",), grad_index=-1, update_inplace=None):
    """An update op: inputs 0..len(refs)-1 are the variables it writes (the variable, then its
    slots), the others are read, the gradient at `grad_index`;
    `update(xp, *ref_values, *read_values, **attrs)` returns the new value of every ref."""
    names = tuple(refs) + ("grad",)
    value_grad_index = grad_index - len(refs) if grad_index >= 0 else grad_index
    kernel = _apply_kernel(update, names, value_grad_index, update_inplace)
    # The plan binds `owned` (in-place updates) only to kernels that say they take it.
    kernel.accepts_owned = update_inplace is not None
    kernel.update_inplace = update_inplace  # the plan's direct path (runtime/specialize.py)
    kernel.grad_index = value_grad_index
    return register_op(op_type, shape=_apply_shape(len(refs), grad_index), kernel=kernel,
                       writes=True,
                       stateful=True, bind=_bind_refs, ref_inputs=tuple(range(len(refs))),
                       differentiable=False)


APPLY_GRADIENT_DESCENT = register_apply("ApplyGradientDescent", kernels.gradient_descent,
                                        update_inplace=kernels.gradient_descent_inplace)


def apply_gradient_descent(var, alpha, delta, use_locking=False, name=None):
    """var -= alpha * delta; returns the new value."""
    return APPLY_GRADIENT_DESCENT(_ref(var), alpha, delta, use_locking=use_locking, name=name)


APPLY_MOMENTUM = register_apply("ApplyMomentum", kernels.momentum, ("var", "accum"),
                                grad_index=3, update_inplace=kernels.momentum_inplace)


def apply_momentum(var, accum, lr, grad, momentum, use_locking=False, use_nesterov=False,
                   name=None):
    """accum = accum * momentum + grad; var -= lr * accum (Nesterov: var -= lr * grad +
    lr * momentum * accum)."""
    return APPLY_MOMENTUM(_ref(var), _ref(accum), lr, grad, momentum, use_locking=use_locking,
                          use_nesterov=bool(use_nesterov), name=name)


APPLY_ADAM = register_apply("ApplyAdam", kernels.adam, ("var", "m", "v"),
                            update_inplace=kernels.adam_inplace)


def apply_adam(var, m, v, beta1_power, beta2_power, lr, beta1, beta2, epsilon, grad,
               use_locking=False, use_nesterov=False, name=None):
    """lr_t = lr * sqrt(1 - beta2_power) / (1 - beta1_power); m += (grad - m) * (1 - beta1);
    v += (grad^2 - v) * (1 - beta2); var -= lr_t * m / (sqrt(v) + epsilon)."""
    return APPLY_ADAM(_ref(var), _ref(m), _ref(v), beta1_power, beta2_power, lr, beta1, beta2,
                      epsilon, grad, use_locking=use_locking, use_nesterov=bool(use_nesterov),
                      name=name)


APPLY_ADAGRAD = register_apply("ApplyAdagrad", kernels.adagrad, ("var", "accum"))


def apply_adagrad(var, accum, lr, grad, use_locking=False, update_slots=True, name=None):
    """accum += grad^2; var -= lr * grad / sqrt(accum)."""
    return APPLY_ADAGRAD(_ref(var), _ref(accum), lr, grad, use_locking=use_locking,
                         update_slots=bool(update_slots), name=name)


APPLY_RMS_PROP = register_apply("ApplyRMSProp", kernels.rms_prop, ("var", "ms", "mom"))


def apply_rms_prop(var, ms, mom, lr, rho, momentum, epsilon, grad, use_locking=False,
                   name=None):
    """ms += (grad^2 - ms) * (1 - rho); mom = mom * momentum + lr * grad / sqrt(ms + epsilon);
    var -= mom."""
    return APPLY_RMS_PROP(_ref(var), _ref(ms), _ref(mom), lr, rho, momentum, epsilon, grad,
                          use_locking=use_locking, name=name)


APPLY_CENTERED_RMS_PROP = register_apply("ApplyCenteredRMSProp", kernels.centered_rms_prop,
                                         ("var", "mg", "ms", "mom"))


def apply_centered_rms_prop(var, mg, ms, mom, lr, rho, momentum, epsilon, grad,
                            use_locking=False, name=None):
    """As apply_rms_prop, normalizing by the variance estimate ms - mg^2 (mg: mean gradient)."""
    return APPLY_CENTERED_RMS_PROP(_ref(var), _ref(mg), _ref(ms), _ref(mom), lr, rho, momentum,
                                   epsilon, grad, use_locking=use_locking, name=name)


APPLY_ADADELTA = register_apply("ApplyAdadelta", kernels.adadelta,
                                ("var", "accum", "accum_update"))


def apply_adadelta(var, accum, accum_update, lr, rho, epsilon, grad, use_locking=False,
                   name=None):
    """accum = rho * accum + (1 - rho) * grad^2; update = sqrt(accum_update + epsilon) /
    sqrt(accum + epsilon) * grad; var -= lr * update; accum_update = rho * accum_update +
    (1 - rho) * update^2."""
    return APPLY_ADADELTA(_ref(var), _ref(accum), _ref(accum_update), lr, rho, epsilon, grad,
                          use_locking=use_locking, name=name)


# TF1 exposes these ops only through the optimizers in tf.train.
__all__ = []
