"""Random ops (random_normal, truncated_normal, random_uniform, random_shuffle, multinomial),
seeded as TF1 seeds them: graph seed + op seed -> (seed, seed2) attrs -> a per-session stream."""
from ..graph import dtypes
from ..graph.constant import constant_value, convert_to_tensor, partial_shape_value
from ..graph.default import get_seed, name_scope
from ..graph.registry import register_op
from ..graph.shapes import TensorShape
from ..kernels import random as random_kernels
from .math_ops import add


def _bind_rng(op, state):
    return {"rng": state.generator(op)}


def _random_op(op_type, kernel, shape=None, dtype=None, same_dtype=False):
    return register_op(op_type, shape=shape or (lambda s, **_: partial_shape_value(s)),
                       kernel=kernel, dtype=dtype or (lambda inputs, attrs: attrs["dtype"]),
                       same_dtype=same_dtype, stateful=True, bind=_bind_rng,
                       differentiable=False)


def _shape_tensor(shape):
    """`shape` (a list, a TensorShape or a 1-D int tensor) as an int tensor."""
    if isinstance(shape, TensorShape):
        if not shape.is_fully_defined():
            raise ValueError(f"A random op needs a fully defined shape, got {shape}.")
        shape = shape.as_list()
    if hasattr(shape, "dtype") and hasattr(shape, "op"):
        if not shape.dtype.is_integer:
            raise TypeError(f"shape must be an int32 or int64 tensor, got {shape.dtype.name} "
                            f"({shape.name}).")
        return shape
    return convert_to_tensor(shape, dtype=dtypes.int32, name="shape")


def _seed_attrs(seed):
    seed1, seed2 = get_seed(seed)
    return dict(seed=seed1, seed2=seed2)


STANDARD_NORMAL = _random_op("RandomStandardNormal", random_kernels.standard_normal)
TRUNCATED_NORMAL = _random_op("TruncatedNormal", random_kernels.truncated_normal)
RANDOM_UNIFORM = _random_op("RandomUniform", random_kernels.uniform)
RANDOM_UNIFORM_INT = _random_op(
    "RandomUniformInt", random_kernels.uniform_int,
    shape=lambda s, lo, hi, **_: partial_shape_value(s),
    dtype=lambda inputs, attrs: inputs[1].dtype, same_dtype=(1, 2))


def _scaled(op, shape, mean, stddev, dtype, seed, name, default_name):
    dtype = dtypes.as_dtype(dtype)
    if not dtype.is_floating:
        raise ValueError(f"{default_name} needs a floating point dtype, got {dtype.name}.")
    with name_scope(name, default_name, [shape, mean, stddev]) as name:
        shape = _shape_tensor(shape)
        mean = convert_to_tensor(mean, dtype=dtype, name="mean")
        stddev = convert_to_tensor(stddev, dtype=dtype, name="stddev")
        rnd = op(shape, dtype=dtype, **_seed_attrs(seed))
        return add(rnd * stddev, mean, name=name)


def random_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    """Samples of N(mean, stddev**2) in a tensor of `shape` (TF1 `tf.random_normal`)."""
    return _scaled(STANDARD_NORMAL, shape, mean, stddev, dtype, seed, name, "random_normal")


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    """Normal samples, redrawn when more than 2 stddev from the mean (TF1
    `tf.truncated_normal`)."""
    return _scaled(TRUNCATED_NORMAL, shape, mean, stddev, dtype, seed, name, "truncated_normal")


def random_uniform(shape, minval=0, maxval=None, dtype=dtypes.float32, seed=None, name=None):
    """Uniform samples in [minval, maxval); maxval defaults to 1 for floats and must be given
    for ints (TF1 `tf.random_uniform`)."""
    dtype = dtypes.as_dtype(dtype)
    if dtype not in (dtypes.float16, dtypes.float32, dtypes.float64, dtypes.int32, dtypes.int64):
        raise ValueError(f"Invalid dtype {dtype!r}")
    if maxval is None:
        if dtype.is_integer:
            raise ValueError(f"Must specify maxval for integer dtype {dtype!r}")
        maxval = 1
    with name_scope(name, "random_uniform", [shape, minval, maxval]) as name:
        shape = _shape_tensor(shape)
        minval = convert_to_tensor(minval, dtype=dtype, name="min")
        maxval = convert_to_tensor(maxval, dtype=dtype, name="max")
        if dtype.is_integer:
            return RANDOM_UNIFORM_INT(shape, minval, maxval, name=name, **_seed_attrs(seed))
        rnd = RANDOM_UNIFORM(shape, dtype=dtype, **_seed_attrs(seed))
        return add(rnd * (maxval - minval), minval, name=name)


RANDOM_SHUFFLE = _random_op("RandomShuffle", random_kernels.shuffle,
                            shape=lambda value, **_: value.shape,
                            dtype=lambda inputs, attrs: inputs[0].dtype)


def random_shuffle(value, seed=None, name=None):
    """`value` with its first dimension randomly permuted (TF1 `tf.random_shuffle`)."""
    return RANDOM_SHUFFLE(value, name=name, **_seed_attrs(seed))


def _multinomial_shape(logits, num_samples, **_):
    batch = logits.shape.with_rank(2).as_tuple()[0]
    n = constant_value(num_samples)
    return TensorShape([batch, None if n is None else int(n)])


MULTINOMIAL = _random_op("Multinomial", random_kernels.multinomial, shape=_multinomial_shape,
                         dtype=lambda inputs, attrs: attrs["output_dtype"])


def multinomial(logits, num_samples, seed=None, name=None, output_dtype=None):
    """`num_samples` class indices per row of the [batch, classes] `logits`, drawn with
    probabilities softmax(logits) (TF1 `tf.multinomial`)."""
    with name_scope(name, "multinomial", [logits]):
        logits = convert_to_tensor(logits)
        num_samples = convert_to_tensor(num_samples, dtype=dtypes.int32, name="num_samples")
        return MULTINOMIAL(logits, num_samples, output_dtype=dtypes.as_dtype(
            output_dtype or dtypes.int64), **_seed_attrs(seed))


__all__ = ["random_normal", "truncated_normal", "random_uniform", "random_shuffle",
           "multinomial"]
