"""Elementwise kernels where NumPy's rules differ from TF's: integer division and modulo (C or
floor semantics, errors on zero), float floor division, a stable sigmoid, int reciprocal."""


def _check_int_divisor(xp, x, y):
    # NumPy quietly gives 0 for an integer division by zero; TF fails the op.
    if x.dtype.kind in "iu" and bool(xp.any(y == 0)):
        raise ZeroDivisionError("Integer division by zero")


def truncate_div(xp, x, y):
    """x / y rounded toward zero (C semantics) for integers."""
    _check_int_divisor(xp, x, y)
    q = xp.floor_divide(x, y)
    # Floor and truncation differ only for inexact quotients of opposite-signed operands.
    return xp.where((q < 0) & (q * y != x), q + 1, q).astype(x.dtype, copy=False)


def truncate_mod(xp, x, y):
    """x - truncate_div(x, y) * y: the remainder takes the sign of x (C's fmod)."""
    _check_int_divisor(xp, x, y)
    return xp.asarray(xp.fmod(x, y)).astype(x.dtype, copy=False)


def floor_div(xp, x, y):
    """floor(x / y); for floats TF floors the true quotient, which np.floor_divide does not."""
    if x.dtype.kind == "f":
        return xp.asarray(xp.floor(x / y)).astype(x.dtype, copy=False)
    _check_int_divisor(xp, x, y)
    return xp.asarray(xp.floor_divide(x, y)).astype(x.dtype, copy=False)


def floor_mod(xp, x, y):
    """x - floor_div(x, y) * y: the remainder takes the sign of y."""
    _check_int_divisor(xp, x, y)
    return xp.asarray(xp.mod(x, y)).astype(x.dtype, copy=False)


def reciprocal(xp, x):
    if x.dtype.kind in "iu":
        return truncate_div(xp, xp.ones_like(x), x)
    return xp.asarray(1 / x).astype(x.dtype, copy=False)


def sigmoid(xp, x):
    # Stable on both tails: exp of a non-positive number only.
    e = xp.exp(-xp.abs(x))
    return xp.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)


def power(xp, x, y):
    if x.dtype.kind in "iu" and bool(xp.any(y < 0)):
        raise ValueError("Integers to negative integer powers are not allowed")
    return xp.asarray(xp.power(x, y)).astype(x.dtype, copy=False)
