"""Activation kernels and their fused gradients (ReluGrad, EluGrad, ...), elementwise."""

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def relu(xp, x):
    return xp.maximum(x, 0)


def relu_grad(xp, grad, y):
    return grad * (y > 0)


def relu6(xp, x):
    return xp.clip(x, 0, 6)


def relu6_grad(xp, grad, x):
    return grad * ((x > 0) & (x < 6))


def elu(xp, x):
    return xp.where(x > 0, x, xp.expm1(xp.minimum(x, 0)))


def elu_grad(xp, grad, y):
    # elu'(x) = elu(x) + 1 where x < 0, so the output alone is enough.
    return xp.where(y < 0, grad * (y + 1), grad)


def selu(xp, x):
    return SELU_SCALE * xp.where(x > 0, x, SELU_ALPHA * xp.expm1(xp.minimum(x, 0)))


def selu_grad(xp, grad, y):
    return xp.where(y < 0, grad * (y + SELU_SCALE * SELU_ALPHA), grad * SELU_SCALE)


def leaky_relu(xp, x, alpha):
    return xp.where(x > 0, x, x * alpha)


def leaky_relu_grad(xp, grad, x, alpha):
    return xp.where(x > 0, grad, grad * alpha)


def softplus(xp, x):
    # log(1 + e^x) = max(x, 0) + log1p(e^-|x|): exp never sees a positive argument.
    return xp.maximum(x, 0) + xp.log1p(xp.exp(-xp.abs(x)))


def softsign(xp, x):
    return x / (1 + xp.abs(x))
