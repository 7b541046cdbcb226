"""TF1's colour adjustments, built from graph ops as TF builds them: grayscale conversions,
brightness, contrast, hue, saturation and gamma (fixed and random), and total variation."""
import numpy as np

from ..graph import dtypes
from ..graph.constant import convert_to_tensor
from ..graph.default import name_scope
from .image_impl_ops import convert_image_dtype
from .logic_ops import cast
from .manip_ops import tile
from .math_ops import abs as _abs
from .math_ops import add
from .matmul_ops import tensordot
from .random_ops import random_uniform
from .reduction_ops import reduce_mean, reduce_sum
from .shape_ops import expand_dims

__all__ = ["adjust_brightness", "adjust_contrast", "adjust_gamma", "adjust_hue",
           "adjust_saturation", "grayscale_to_rgb", "random_brightness", "random_contrast",
           "random_hue", "random_saturation", "rgb_to_grayscale", "total_variation"]


def rgb_to_grayscale(images, name=None):
    """The luma 0.2989 R + 0.5870 G + 0.1140 B as a 1-channel image of the same dtype (TF1
    `tf.image.rgb_to_grayscale`)."""
    with name_scope(name, "rgb_to_grayscale", [images]) as name:
        images = convert_to_tensor(images, name="images")
        flt = convert_image_dtype(images, dtypes.float32)
        weights = np.asarray([0.2989, 0.5870, 0.1140], np.float32)
        gray = expand_dims(tensordot(flt, weights, [[-1], [-1]]), -1)
        return convert_image_dtype(gray, images.dtype, name=name)


def grayscale_to_rgb(images, name=None):
    """A 1-channel image repeated into 3 channels (TF1 `tf.image.grayscale_to_rgb`)."""
    with name_scope(name, "grayscale_to_rgb", [images]) as name:
        images = convert_to_tensor(images, name="images")
        rank = images.shape.ndims
        return tile(images, [1] * (rank - 1) + [3], name=name)


def _as_float(image):
    if image.dtype in (dtypes.float16, dtypes.float32):
        return image
    return convert_image_dtype(image, dtypes.float32)


def adjust_brightness(image, delta):
    """`image` + `delta` in float (images in [0, 1]), saturated back to the dtype (TF1
    `tf.image.adjust_brightness`)."""
    with name_scope(None, "adjust_brightness", [image, delta]) as name:
        image = convert_to_tensor(image, name="image")
        flt = _as_float(image)
        adjusted = add(flt, cast(delta, flt.dtype), name=name)
        return convert_image_dtype(adjusted, image.dtype, saturate=True)


def adjust_contrast(images, contrast_factor):
    """(x - mean) * contrast_factor + mean, with each channel's mean over the image (TF1
    `tf.image.adjust_contrast`)."""
    with name_scope(None, "adjust_contrast", [images, contrast_factor]) as name:
        images = convert_to_tensor(images, name="images")
        flt = _as_float(images)
        mean = reduce_mean(flt, axis=[-3, -2], keepdims=True)
        factor = cast(contrast_factor, flt.dtype)
        adjusted = add((flt - mean) * factor, mean, name=name)
        return convert_image_dtype(adjusted, images.dtype, saturate=True)


def random_brightness(image, max_delta, seed=None):
    """adjust_brightness by a delta uniform in [-max_delta, max_delta) (TF1
    `tf.image.random_brightness`)."""
    if max_delta < 0:
        raise ValueError("max_delta must be non-negative.")
    delta = random_uniform([], -max_delta, max_delta, seed=seed)
    return adjust_brightness(image, delta)


def random_contrast(image, lower, upper, seed=None):
    """adjust_contrast by a factor uniform in [lower, upper) (TF1 `tf.image.random_contrast`)."""
    if upper <= lower:
        raise ValueError("upper must be > lower.")
    if lower < 0:
        raise ValueError("lower must be non-negative.")
    factor = random_uniform([], lower, upper, seed=seed)
    return adjust_contrast(image, factor)


def total_variation(images, name=None):
    """The sum of absolute differences between neighbouring pixels, per image: a scalar for a
    3-D image, a [batch] vector for 4-D (TF1 `tf.image.total_variation`)."""
    with name_scope(name, "total_variation", [images]) as name:
        images = convert_to_tensor(images, name="images")
        rank = images.shape.ndims
        if rank not in (3, 4):
            raise ValueError("'images' must be either 3 or 4-dimensional.")
        h, axes = (0, [0, 1, 2]) if rank == 3 else (1, [1, 2, 3])
        lead = (slice(None),) * h
        dy = images[lead + (slice(1, None),)] - images[lead + (slice(None, -1),)]
        dx = images[lead + (slice(None), slice(1, None))] - \
            images[lead + (slice(None), slice(None, -1))]
        return add(reduce_sum(_abs(dy), axis=axes), reduce_sum(_abs(dx), axis=axes), name=name)


def _in_hsv(images, name, default, change):
    """`images` taken to float HSV, `change(h, s, v)` applied, and brought back to RGB and the
    original dtype (TF's AdjustHue/AdjustSaturation kernels, written as graph ops)."""
    from .array_ops import stack, unstack
    from .image_ops import hsv_to_rgb, rgb_to_hsv
    with name_scope(name, default, [images]) as name:
        images = convert_to_tensor(images, name="images")
        flt = _as_float(images)
        h, s, v = unstack(rgb_to_hsv(flt), axis=-1)
        rgb = hsv_to_rgb(stack(change(h, s, v), axis=-1))
        return convert_image_dtype(rgb, images.dtype, saturate=True, name=name)


def adjust_hue(image, delta, name=None):
    """The hue rotated by `delta` (a fraction of the colour circle, in [-1, 1]) (TF1
    `tf.image.adjust_hue`)."""
    def change(h, s, v):
        from .math_ops import floormod
        return [floormod(h + cast(delta, h.dtype), 1.0), s, v]
    return _in_hsv(image, name, "adjust_hue", change)


def adjust_saturation(image, saturation_factor, name=None):
    """The saturation scaled by `saturation_factor`, clipped to [0, 1] (TF1
    `tf.image.adjust_saturation`)."""
    def change(h, s, v):
        from .math_ops import clip_by_value
        return [h, clip_by_value(s * cast(saturation_factor, s.dtype), 0.0, 1.0), v]
    return _in_hsv(image, name, "adjust_saturation", change)


def random_hue(image, max_delta, seed=None):
    """adjust_hue by a delta uniform in [-max_delta, max_delta) (TF1 `tf.image.random_hue`)."""
    if not 0 <= max_delta <= 0.5:
        raise ValueError("max_delta must be in the interval [0, 0.5].")
    return adjust_hue(image, random_uniform([], -max_delta, max_delta, seed=seed))


def random_saturation(image, lower, upper, seed=None):
    """adjust_saturation by a factor uniform in [lower, upper) (TF1
    `tf.image.random_saturation`)."""
    if upper <= lower:
        raise ValueError("upper must be > lower.")
    if lower < 0:
        raise ValueError("lower must be non-negative.")
    return adjust_saturation(image, random_uniform([], lower, upper, seed=seed))


def adjust_gamma(image, gamma=1, gain=1):
    """gain * image ** gamma in float (images in [0, 1]), back to the dtype (TF1
    `tf.image.adjust_gamma`)."""
    if isinstance(gamma, (int, float)) and gamma < 0:
        raise ValueError("Gamma should be a non-negative real number.")
    with name_scope(None, "adjust_gamma", [image, gamma, gain]):
        image = convert_to_tensor(image, name="image")
        flt = _as_float(image)
        adjusted = cast(gain, flt.dtype) * flt ** cast(gamma, flt.dtype)
        return convert_image_dtype(adjusted, image.dtype, saturate=True)
