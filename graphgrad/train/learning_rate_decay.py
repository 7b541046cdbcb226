"""Learning-rate schedules as graph functions of the global step (TF1 `tf.train.*_decay`)."""
import math

from ..graph import dtypes
from ..graph.constant import convert_to_tensor
from ..graph.default import name_scope
from ..ops.math_ops import (
    add,
    cast,
    cos,
    exp,
    floor,
    maximum,
    minimum,
    multiply,
    pow,
    truediv,
    where,
)


def _need_step(global_step, fn):
    if global_step is None:
        raise ValueError(f"global_step is required for {fn}.")


def _progress(global_step, decay_steps, dtype, staircase):
    """global_step / decay_steps in `dtype`, floored when `staircase`."""
    p = cast(global_step, dtype) / cast(decay_steps, dtype)
    return floor(p) if staircase else p


def exponential_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False,
                      name=None):
    """learning_rate * decay_rate ^ (global_step / decay_steps); with `staircase` the exponent
    is floored, so the rate drops every decay_steps steps."""
    _need_step(global_step, "exponential_decay")
    with name_scope(name, "ExponentialDecay",
                    [learning_rate, global_step, decay_steps, decay_rate]) as scope:
        learning_rate = convert_to_tensor(learning_rate, name="learning_rate")
        dtype = learning_rate.dtype
        p = _progress(global_step, decay_steps, dtype, staircase)
        return multiply(learning_rate, pow(cast(decay_rate, dtype), p), name=scope)


def natural_exp_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False,
                      name=None):
    """learning_rate * exp(-decay_rate * global_step / decay_steps) (floored with staircase)."""
    _need_step(global_step, "natural_exp_decay")
    with name_scope(name, "NaturalExpDecay",
                    [learning_rate, global_step, decay_rate]) as scope:
        learning_rate = convert_to_tensor(learning_rate, name="learning_rate")
        dtype = learning_rate.dtype
        p = _progress(global_step, decay_steps, dtype, staircase)
        return multiply(learning_rate, exp(-cast(decay_rate, dtype) * p), name=scope)


def inverse_time_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False,
                       name=None):
    """learning_rate / (1 + decay_rate * global_step / decay_steps) (floored with staircase)."""
    _need_step(global_step, "inverse_time_decay")
    with name_scope(name, "InverseTimeDecay",
                    [learning_rate, global_step, decay_rate]) as scope:
        learning_rate = convert_to_tensor(learning_rate, name="learning_rate")
        dtype = learning_rate.dtype
        p = _progress(global_step, decay_steps, dtype, staircase)
        return truediv(learning_rate, 1 + cast(decay_rate, dtype) * p, name=scope)


def polynomial_decay(learning_rate, global_step, decay_steps, end_learning_rate=0.0001,
                     power=1.0, cycle=False, name=None):
    """(learning_rate - end) * (1 - step / decay_steps) ^ power + end, with step capped at
    decay_steps; with `cycle`, decay_steps grows to the next multiple of itself instead."""
    _need_step(global_step, "polynomial_decay")
    with name_scope(name, "PolynomialDecay",
                    [learning_rate, global_step, decay_steps, end_learning_rate, power]) as scope:
        learning_rate = convert_to_tensor(learning_rate, name="learning_rate")
        dtype = learning_rate.dtype
        end_lr = cast(end_learning_rate, dtype)
        step = cast(global_step, dtype)
        steps = cast(decay_steps, dtype)
        if cycle:
            # ceil(step / steps), at least 1 so that step 0 keeps the first cycle.
            multiplier = maximum(-floor(-(step / steps)), 1.0)
            steps = steps * multiplier
        else:
            step = minimum(step, steps)
        p = step / steps
        return add((learning_rate - end_lr) * pow(1 - p, cast(power, dtype)), end_lr,
                   name=scope)


def cosine_decay(learning_rate, global_step, decay_steps, alpha=0.0, name=None):
    """learning_rate * ((1 - alpha) * 0.5 * (1 + cos(pi * min(step, decay_steps) /
    decay_steps)) + alpha)."""
    _need_step(global_step, "cosine_decay")
    with name_scope(name, "CosineDecay", [learning_rate, global_step]) as scope:
        learning_rate = convert_to_tensor(learning_rate, name="learning_rate")
        dtype = learning_rate.dtype
        steps = cast(decay_steps, dtype)
        step = minimum(cast(global_step, dtype), steps)
        cosine_decayed = 0.5 * (1.0 + cos(math.pi * step / steps))
        decayed = (1 - alpha) * cosine_decayed + alpha
        return multiply(learning_rate, decayed, name=scope)


def piecewise_constant(x, boundaries, values, name=None):
    """values[0] while x <= boundaries[0], values[i] while boundaries[i-1] < x <=
    boundaries[i], values[-1] once x > boundaries[-1]."""
    if len(boundaries) != len(values) - 1:
        raise ValueError("The length of boundaries should be 1 less than the length of values")
    with name_scope(name, "PiecewiseConstant", [x] + list(boundaries) + list(values)) as scope:
        x = convert_to_tensor(x)
        bounds = [_boundary(convert_to_tensor(b), x) for b in boundaries]
        vals = [convert_to_tensor(v) for v in values]
        for v in vals[1:]:
            if v.dtype.base_dtype != vals[0].dtype.base_dtype:
                raise ValueError("Values must have elements all with the same dtype "
                                 f"({vals[0].dtype.name} vs {v.dtype.name}).")
        result = vals[-1]
        for i in reversed(range(len(bounds))):
            last = i == 0
            result = where(x <= bounds[i], vals[i], result, name=scope if last else None)
        return result


def _boundary(b, x):
    if b.dtype.base_dtype == x.dtype.base_dtype:
        return b
    # Python ints become int32; comparing them with an int64 step loses nothing.
    if b.dtype == dtypes.int32 and x.dtype == dtypes.int64:
        return cast(b, dtypes.int64)
    raise ValueError(f"Boundaries ({b.dtype.name}) must have the same dtype as x "
                     f"({x.dtype.name}).")


__all__ = [
    "cosine_decay",
    "exponential_decay",
    "inverse_time_decay",
    "natural_exp_decay",
    "piecewise_constant",
    "polynomial_decay",
]
