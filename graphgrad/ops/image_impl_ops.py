"""TF1's composite image functions, built from graph ops as TF builds them: resize_images,
per_image_standardization, flips and rotations (random flips seeded like every graphgrad random
op), dtype conversion, crops and pads. Colour adjustments live in image_adjust_ops.py."""
import numpy as np

from ..graph import dtypes
from ..graph.constant import constant_value, convert_to_tensor, partial_shape_value
from ..graph.default import name_scope
from ..graph.shapes import TensorShape
from . import image_ops
from .array_ops import identity, stack
from .cond_ops import cond
from .indexing_ops import slice as _slice
from .logic_ops import cast, less
from .manip_ops import pad, reverse
from .math_ops import (
    add,
    floordiv,
    maximum,
    minimum,
    multiply,
    round,
    rsqrt,
    sqrt,
    square,
    subtract,
)
from .math_ops import div as _div
from .nn_ops import relu
from .random_ops import random_uniform
from .reduction_ops import reduce_mean, reduce_prod
from .shape_ops import expand_dims, reshape, shape, squeeze

__all__ = ["ResizeMethod", "central_crop", "convert_image_dtype", "crop_to_bounding_box",
           "flip_left_right", "flip_up_down", "pad_to_bounding_box", "per_image_standardization",
           "random_crop", "random_flip_left_right", "random_flip_up_down", "resize",
           "resize_image_with_crop_or_pad", "resize_images", "rot90", "transpose_image"]


class ResizeMethod:
    """The `method` of resize_images (TF1 `tf.image.ResizeMethod`)."""

    BILINEAR = 0
    NEAREST_NEIGHBOR = 1
    BICUBIC = 2
    AREA = 3


_RESIZERS = {ResizeMethod.BILINEAR: image_ops.resize_bilinear,
             ResizeMethod.NEAREST_NEIGHBOR: image_ops.resize_nearest_neighbor,
             ResizeMethod.BICUBIC: image_ops.resize_bicubic}


def _image(image, name="image", min_rank=3, max_rank=4, allow_unknown=False):
    image = convert_to_tensor(image, name=name)
    rank = image.shape.ndims
    if rank is None and allow_unknown:
        return image
    if rank is None:
        raise ValueError(f"'{name}' contains no shape: graphgrad needs its rank; call "
                         "set_shape (TF1 needs it too for most image functions).")
    if not min_rank <= rank <= max_rank:
        raise ValueError(f"'{name}' must have either 3 or 4 dimensions, got shape {image.shape}")
    return image


def resize_images(images, size, method=ResizeMethod.BILINEAR, align_corners=False,
                  preserve_aspect_ratio=False, name=None):
    """Resizes 3-D [h, w, c] or 4-D [batch, h, w, c] `images` to `size` = [new_h, new_w]
    (TF1 `tf.image.resize_images`, `tf.image.resize`). Bilinear, bicubic and area give float32;
    nearest keeps the dtype; a resize to the same static size returns `images` unchanged, as TF1
    does. align_corners=False is TF1's legacy (not half-pixel) coordinate mapping."""
    with name_scope(name, "resize", [images, size]):
        images = convert_to_tensor(images, name="images")
        if images.shape.ndims is None:
            raise ValueError("'images' contains no shape.")
        if images.shape.ndims not in (3, 4):
            raise ValueError("'images' must have either 3 or 4 dimensions.")
        is_batch = images.shape.ndims == 4
        if not is_batch:
            images = expand_dims(images, 0)
        _, height, width, _ = images.shape.as_list()
        try:
            size = convert_to_tensor(size, dtype=dtypes.int32, name="size")
        except (TypeError, ValueError):
            raise ValueError("'size' must be a 1-D int32 Tensor") from None
        if not size.shape.is_compatible_with([2]):
            raise ValueError("'size' must be a 1-D Tensor of 2 elements: new_height, new_width")
        if preserve_aspect_ratio:
            size = _aspect_size(images, size)
        new_h, new_w = partial_shape_value(size).as_list()
        if None not in (height, width, new_h, new_w) and (height, width) == (new_h, new_w):
            return images if is_batch else squeeze(images, axis=[0])
        if method == ResizeMethod.AREA:
            out = image_ops.resize_area(images, size, align_corners=align_corners)
        elif method in _RESIZERS:
            out = _RESIZERS[method](images, size, align_corners=align_corners)
        else:
            raise ValueError("Resize method is not implemented.")
        return out if is_batch else squeeze(out, axis=[0])


resize = resize_images


def _aspect_size(images, size):
    """The largest size within `size` that keeps the images' aspect ratio (TF1's rule)."""
    hw = cast(shape(images)[1:3], dtypes.float32)
    target = cast(size, dtypes.float32)
    scale = minimum(target[0] / hw[0], target[1] / hw[1])
    return cast(round(scale * hw), dtypes.int32)


def per_image_standardization(image):
    """(x - mean) / max(stddev, 1/sqrt(N)) over each image's N = h*w*c values, in float32 (TF1
    `tf.image.per_image_standardization`); 3-D or 4-D (per image of the batch)."""
    with name_scope(None, "per_image_standardization", [image]) as scope:
        image = _image(image, allow_unknown=True)
        num_pixels = reduce_prod(shape(image)[-3:])
        image = cast(image, dtypes.float32)
        axes = [-1, -2, -3]
        mean = reduce_mean(image, axis=axes, keepdims=True)
        variance = relu(reduce_mean(square(image), axis=axes, keepdims=True) - square(mean))
        min_stddev = rsqrt(cast(num_pixels, dtypes.float32))
        scale = maximum(sqrt(variance), min_stddev)
        return _div(subtract(image, mean), scale, name=scope)


def _flip_axis(image, axis3d):
    # An image of unknown rank is taken as a single 3-D image, as TF1's random flips do.
    return axis3d if image.shape.ndims in (3, None) else axis3d + 1


def flip_left_right(image):
    """The image mirrored left to right (TF1 `tf.image.flip_left_right`); 3-D or 4-D."""
    with name_scope(None, "flip_left_right", [image]) as scope:
        image = _image(image)
        return reverse(image, [_flip_axis(image, 1)], name=scope)


def flip_up_down(image):
    """The image flipped upside down (TF1 `tf.image.flip_up_down`); 3-D or 4-D."""
    with name_scope(None, "flip_up_down", [image]) as scope:
        image = _image(image)
        return reverse(image, [_flip_axis(image, 0)], name=scope)


def transpose_image(image):
    """Height and width swapped (TF1 `tf.image.transpose_image`)."""
    from .array_ops import transpose
    with name_scope(None, "transpose_image", [image]):
        image = _image(image)
        perm = [1, 0, 2] if image.shape.ndims == 3 else [0, 2, 1, 3]
        return transpose(image, perm)


def rot90(image, k=1, name=None):
    """The image rotated counter-clockwise by k * 90 degrees (TF1 `tf.image.rot90`); 3-D or 4-D.
    Differs from TF: `k` must be known when the graph is built."""
    from .array_ops import transpose
    with name_scope(name, "rot90", [image, k]) as scope:
        image = _image(image)
        k = _ints(k, "k") % 4
        h, w = (0, 1) if image.shape.ndims == 3 else (1, 2)
        perm = list(range(image.shape.ndims))
        perm[h], perm[w] = w, h
        if k == 0:
            return identity(image, name=scope)
        if k == 2:
            return reverse(image, [h, w], name=scope)
        if k == 1:
            return transpose(reverse(image, [w]), perm, name=scope)
        return reverse(transpose(image, perm), [w], name=scope)


def _random_flip(image, axis3d, seed, scope_name):
    with name_scope(None, scope_name, [image]) as scope:
        image = _image(image, allow_unknown=True)
        axis = _flip_axis(image, axis3d)
        if image.shape.ndims in (3, None):
            flip = less(random_uniform([], 0, 1.0, seed=seed), 0.5)
            result = cond(flip, lambda: reverse(image, [axis]), lambda: image, name=scope)
            result.set_shape(image.shape)
            return result
        # A batch: each image flips on its own coin, as TF's 4-D path does.
        batch = shape(image)[0]
        coins = round(random_uniform(stack([batch]), 0, 1.0, seed=seed))
        flips = cast(reshape(coins, stack([batch, 1, 1, 1])), image.dtype)
        return add(flips * reverse(image, [axis]), (1 - flips) * image, name=scope)


def random_flip_left_right(image, seed=None):
    """The image mirrored left to right with probability 1/2 (per image for a 4-D batch) (TF1
    `tf.image.random_flip_left_right`). Differs from TF: its own random stream (seeded by
    tf.set_random_seed and `seed` as every graphgrad random op), not TF's Philox draws."""
    return _random_flip(image, 1, seed, "random_flip_left_right")


def random_flip_up_down(image, seed=None):
    """The image flipped upside down with probability 1/2 (TF1 `tf.image.random_flip_up_down`).
    Differs from TF: graphgrad's random stream, as random_flip_left_right."""
    return _random_flip(image, 0, seed, "random_flip_up_down")


def _saturate_cast(value, dtype):
    """`value` clipped to the range of `dtype`, then cast (TF's saturate_cast)."""
    src = value.dtype
    if src.min < dtype.min:
        value = maximum(value, convert_to_tensor(np.asarray(dtype.min).astype(src.np)))
    if src.max > dtype.max:
        value = minimum(value, convert_to_tensor(np.asarray(dtype.max).astype(src.np)))
    return cast(value, dtype)


def convert_image_dtype(image, dtype, saturate=False, name=None):
    """Converts between image dtypes, rescaling: floats span [0, 1], integers [0, MAX] (TF1
    `tf.image.convert_image_dtype`). As TF, float to int multiplies by MAX + 0.5 and truncates,
    and int to int shifts by the ratio of the ranges."""
    image = convert_to_tensor(image, name="image")
    dtype = dtypes.as_dtype(dtype)
    if not dtype.is_floating and not dtype.is_integer:
        raise AttributeError("dtype must be either floating point or integer")
    if dtype == image.dtype:
        return identity(image, name=name)
    with name_scope(name, "convert_image", [image]) as name:
        src = image.dtype
        convert = _saturate_cast if saturate else cast
        if src.is_integer and dtype.is_integer:
            if src.max > dtype.max:
                ratio = (int(src.max) + 1) // (int(dtype.max) + 1)
                return convert(floordiv(image, np.asarray(ratio, src.np)), dtype)
            ratio = (int(dtype.max) + 1) // (int(src.max) + 1)
            return multiply(convert(image, dtype), np.asarray(ratio, dtype.np), name=name)
        if src.is_floating and dtype.is_floating:
            return cast(image, dtype, name=name)
        if src.is_integer:
            return multiply(cast(image, dtype), np.asarray(1.0 / src.max, dtype.np), name=name)
        scaled = multiply(image, np.asarray(dtype.max + 0.5, src.np))
        return convert(scaled, dtype)


def _static_hw(image):
    dims = image.shape.as_list()[-3:-1]
    if None in dims:
        raise ValueError(f"graphgrad needs the image height and width known when the graph is "
                         f"built here, got shape {image.shape}; call set_shape first.")
    return dims


def _ints(value, what):
    found = constant_value(value) if not isinstance(value, (int, np.integer)) else value
    if found is None:
        raise ValueError(f"graphgrad needs `{what}` known when the graph is built, got a "
                         "computed tensor.")
    return int(found)


def crop_to_bounding_box(image, offset_height, offset_width, target_height, target_width):
    """The [target_height, target_width] window at (offset_height, offset_width) (TF1
    `tf.image.crop_to_bounding_box`). Differs from TF: offsets and sizes must be known when
    the graph is built."""
    with name_scope(None, "crop_to_bounding_box", [image]):
        image = _image(image)
        top, left = _ints(offset_height, "offset_height"), _ints(offset_width, "offset_width")
        h, w = _ints(target_height, "target_height"), _ints(target_width, "target_width")
        height, width = _static_hw(image)
        if top < 0 or left < 0:
            raise ValueError("offset_height and offset_width must be >= 0.")
        if h <= 0 or w <= 0:
            raise ValueError("target_height and target_width must be > 0.")
        if top + h > height or left + w > width:
            raise ValueError("height must be >= target + offset.")
        lead = [0] if image.shape.ndims == 4 else []
        keep = [-1] if image.shape.ndims == 4 else []
        return _slice(image, lead + [top, left, 0], keep + [h, w, -1])


def pad_to_bounding_box(image, offset_height, offset_width, target_height, target_width):
    """`image` placed at (offset_height, offset_width) in a zero [target_height, target_width]
    canvas (TF1 `tf.image.pad_to_bounding_box`). Differs from TF: sizes known at build time."""
    with name_scope(None, "pad_to_bounding_box", [image]):
        image = _image(image)
        top, left = _ints(offset_height, "offset_height"), _ints(offset_width, "offset_width")
        h, w = _ints(target_height, "target_height"), _ints(target_width, "target_width")
        height, width = _static_hw(image)
        bottom, right = h - top - height, w - left - width
        if top < 0 or left < 0:
            raise ValueError("offset_height and offset_width must be >= 0")
        if bottom < 0 or right < 0:
            raise ValueError("target_height and target_width must be >= image size + offset")
        lead = [[0, 0]] if image.shape.ndims == 4 else []
        return pad(image, lead + [[top, bottom], [left, right], [0, 0]])


def resize_image_with_crop_or_pad(image, target_height, target_width):
    """Centrally crops and/or zero-pads `image` to [target_height, target_width] (TF1
    `tf.image.resize_image_with_crop_or_pad`). Differs from TF: static sizes only."""
    with name_scope(None, "resize_image_with_crop_or_pad", [image]):
        image = _image(image)
        height, width = _static_hw(image)
        th, tw = _ints(target_height, "target_height"), _ints(target_width, "target_width")
        cropped = crop_to_bounding_box(image, max(height - th, 0) // 2, max(width - tw, 0) // 2,
                                       min(th, height), min(tw, width))
        return pad_to_bounding_box(cropped, max(th - height, 0) // 2, max(tw - width, 0) // 2,
                                   th, tw)


def central_crop(image, central_fraction):
    """The central `central_fraction` of each side of the image (TF1 `tf.image.central_crop`).
    Differs from TF: the height and width must be known when the graph is built."""
    with name_scope(None, "central_crop", [image]):
        image = _image(image)
        if central_fraction <= 0.0 or central_fraction > 1.0:
            raise ValueError("central_fraction must be within (0, 1]")
        if central_fraction == 1.0:
            return image
        height, width = _static_hw(image)
        top = int((height - height * central_fraction) / 2)
        left = int((width - width * central_fraction) / 2)
        return crop_to_bounding_box(image, top, left, height - 2 * top, width - 2 * left)


def random_crop(value, size, seed=None, name=None):
    """A random [size] block of `value`, each offset uniform over the valid range (TF1
    `tf.random_crop`, `tf.image.random_crop`). Differs from TF: `size` must be known when the
    graph is built, and the draws are graphgrad's random stream."""
    with name_scope(name, "random_crop", [value, size]) as name:
        value = convert_to_tensor(value, name="value")
        sizes = [_ints(s, "size") for s in np.reshape(constant_value(
            convert_to_tensor(size, dtype=dtypes.int32)), (-1,))]
        dims = value.shape.as_list()
        if len(sizes) != len(dims):
            raise ValueError(f"size {sizes} must have one entry per dimension of {value.shape}")
        for d, s in zip(dims, sizes):
            if d is not None and s > d:
                raise ValueError(f"Need value.shape >= size, got {value.shape} and {sizes}")
        limit = shape(value) - np.asarray(sizes, np.int32) + 1
        draws = random_uniform([len(sizes)], 0, np.iinfo(np.int32).max, dtype=dtypes.int32,
                               seed=seed)
        out = _slice(value, draws % limit, sizes, name=name)
        out.set_shape(TensorShape(sizes))
        return out
