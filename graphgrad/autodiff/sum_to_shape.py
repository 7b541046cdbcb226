"""`sum_to_shape`: reduces a broadcast gradient back to the shape of the input it flows to."""


def sum_to_shape(grad, x):
    """`grad` summed over the dims broadcasting added to `x` (no op when static shapes match)."""
    if grad.shape.is_fully_defined() and grad.shape == x.shape:
        return grad
    result = sum_to(grad, shape(x))
    result.set_shape(x.shape)
    return result


# After the function: the op modules this loads import sum_to_shape from here.
from ..ops.shape_ops import shape, sum_to  # noqa: E402
