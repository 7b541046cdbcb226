"""erf and erfc in pure array code (NumPy has neither), accurate to a few ulps in float64.

|x| < 1.5: the everywhere-positive series erf(x) = 2/sqrt(pi) e^(-x^2) sum_n 2^n x^(2n+1)/(2n+1)!!,
which has no cancellation. |x| >= 1.5: the continued fraction for erfc, evaluated bottom-up.
"""
import math

_SERIES_TERMS = 30
_FRACTION_DEPTH = 100
_SPLIT = 1.5


def _erf_small(xp, x):
    """erf on |x| <= _SPLIT."""
    x2 = x * x
    term = x
    total = x
    for n in range(1, _SERIES_TERMS):
        term = term * (2 * x2) / (2 * n + 1)
        total = total + term
    return 2 / math.sqrt(math.pi) * xp.exp(-x2) * total


def _erfc_large(xp, z):
    """erfc on z >= _SPLIT: e^(-z^2)/sqrt(pi) / (z + (1/2)/(z + 1/(z + (3/2)/(z + ...))))."""
    f = z
    for k in range(_FRACTION_DEPTH, 0, -1):
        f = z + (k / 2) / f
    return xp.exp(-z * z) / (math.sqrt(math.pi) * f)


def _parts(xp, x):
    """x in float64, where |x| < _SPLIT, erf there and erfc(|x|) elsewhere (each branch only
    evaluates its own elements)."""
    a = xp.asarray(x, dtype="float64")
    small = xp.abs(a) < _SPLIT
    erf_small = xp.zeros_like(a)
    erfc_abs = xp.zeros_like(a)
    erf_small[small] = _erf_small(xp, a[small])
    erfc_abs[~small] = _erfc_large(xp, xp.abs(a[~small]))
    return a, small, erf_small, erfc_abs


def erf(xp, x):
    a, small, erf_small, erfc_abs = _parts(xp, x)
    out = xp.where(small, erf_small, xp.sign(a) * (1 - erfc_abs))
    return xp.asarray(out).astype(x.dtype, copy=False)


def erfc(xp, x):
    a, small, erf_small, erfc_abs = _parts(xp, x)
    out = xp.where(small, 1 - erf_small, xp.where(a > 0, erfc_abs, 2 - erfc_abs))
    return xp.asarray(out).astype(x.dtype, copy=False)
