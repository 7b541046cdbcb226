"""Optimizer update rules as pure array functions, following TF's training_ops kernels.

Each takes the current values of the variable and its slots, then the op's read inputs, and
returns the new values in the same order (variable first). The `*_inplace` forms write the new
values into the given arrays instead (fewer temporaries); the plan uses them only when no other
op of the run still reads the old values (runtime/rewrite.py `inplace_updates`).
"""


def gradient_descent(xp, var, alpha, delta):
    return (var - delta * alpha,)


def momentum(xp, var, accum, lr, grad, momentum, use_nesterov=False):
    accum = accum * momentum + grad
    if use_nesterov:
        return var - (grad * lr + accum * momentum * lr), accum
    return var - accum * lr, accum


def adam(xp, var, m, v, beta1_power, beta2_power, lr, beta1, beta2, epsilon, grad,
         use_nesterov=False):
    one = xp.ones((), dtype=var.dtype)
    # TF1 folds both bias corrections into the step size.
    alpha = lr * xp.sqrt(one - beta2_power) / (one - beta1_power)
    m = m + (grad - m) * (one - beta1)
    v = v + (grad * grad - v) * (one - beta2)
    if use_nesterov:
        step = (m * beta1 + grad * (one - beta1)) * alpha / (xp.sqrt(v) + epsilon)
    else:
        step = m * alpha / (xp.sqrt(v) + epsilon)
    return var - step, m, v


def adagrad(xp, var, accum, lr, grad, update_slots=True):
    if update_slots:
        accum = accum + grad * grad
    return var - grad * lr / xp.sqrt(accum), accum


def rms_prop(xp, var, ms, mom, lr, rho, momentum, epsilon, grad):
    one = xp.ones((), dtype=var.dtype)
    ms = ms + (grad * grad - ms) * (one - rho)
    mom = mom * momentum + grad * lr / xp.sqrt(ms + epsilon)
    return var - mom, ms, mom


def centered_rms_prop(xp, var, mg, ms, mom, lr, rho, momentum, epsilon, grad):
    one = xp.ones((), dtype=var.dtype)
    ms = ms + (grad * grad - ms) * (one - rho)
    mg = mg + (grad - mg) * (one - rho)
    mom = mom * momentum + grad * lr / xp.sqrt(ms - mg * mg + epsilon)
    return var - mom, mg, ms, mom


def adadelta(xp, var, accum, accum_update, lr, rho, epsilon, grad):
    one = xp.ones((), dtype=var.dtype)
    accum = accum * rho + grad * grad * (one - rho)
    update = xp.sqrt(accum_update + epsilon) / xp.sqrt(accum + epsilon) * grad
    accum_update = accum_update * rho + update * update * (one - rho)
    return var - update * lr, accum, accum_update


def gradient_descent_inplace(xp, var, alpha, delta):
    var -= delta * alpha


def momentum_inplace(xp, var, accum, lr, grad, momentum, use_nesterov=False):
    accum *= momentum
    accum += grad
    if use_nesterov:
        var -= grad * lr + accum * momentum * lr  # as `momentum`, bit for bit
    else:
        var -= accum * lr


# Large variables are updated in blocks of this many elements, so one block's temporaries stay
# in cache: Adam's dozen elementwise passes over a 3M-element weight then cost about one trip
# through memory instead of a dozen.
BLOCK = 1 << 18


def adam_rates(xp, var, beta1_power, beta2_power, lr, beta1, beta2, epsilon):
    """(1 - beta1, 1 - beta2, the step size alpha, beta1, epsilon) as `adam` rounds them."""
    # 0-d hyperparameters as NumPy scalars: the same float rounding, a tenth of the call cost
    beta1_power, beta2_power, lr, beta1, beta2, epsilon = (
        a[()] if getattr(a, "ndim", None) == 0 else a
        for a in (beta1_power, beta2_power, lr, beta1, beta2, epsilon))
    one = xp.ones((), dtype=var.dtype)[()]
    alpha = lr * xp.sqrt(one - beta2_power) / (one - beta1_power)
    return one - beta1, one - beta2, alpha, beta1, epsilon


def adam_inplace(xp, var, m, v, beta1_power, beta2_power, lr, beta1, beta2, epsilon, grad,
                 use_nesterov=False):
    rates = adam_rates(xp, var, beta1_power, beta2_power, lr, beta1, beta2, epsilon) + \
        (use_nesterov,)
    if var.size <= BLOCK or not all(a.flags.c_contiguous for a in (var, m, v)):
        _adam_block(xp, var, m, v, grad, xp.empty_like(var), xp.empty_like(var), *rates)
        return
    flat = [a.reshape(-1) for a in (var, m, v, grad)]
    tmp, step = xp.empty(BLOCK, var.dtype), xp.empty(BLOCK, var.dtype)
    for start in range(0, var.size, BLOCK):
        part = [a[start:start + BLOCK] for a in flat]
        size = part[0].size
        _adam_block(xp, *part, tmp[:size], step[:size], *rates)


def _adam_block(xp, var, m, v, grad, tmp, step, one_minus_beta1, one_minus_beta2, alpha, beta1,
                epsilon, use_nesterov):
    """`adam` in place on one block, rounded exactly as `adam`: the paths must agree bit for
    bit. tmp and step are scratch arrays of the block's shape."""
    xp.subtract(grad, m, out=tmp)
    tmp *= one_minus_beta1
    m += tmp
    xp.multiply(grad, grad, out=tmp)
    tmp -= v
    tmp *= one_minus_beta2
    v += tmp
    xp.sqrt(v, out=tmp)
    tmp += epsilon
    if use_nesterov:
        xp.multiply(m, beta1, out=step)
        step += grad * one_minus_beta1
        step *= alpha
    else:
        xp.multiply(m, alpha, out=step)
    step /= tmp
    var -= step
