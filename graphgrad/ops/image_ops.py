"""The image ops TF registers: resizes (with their gradient ops), colour-space conversions,
decoders and encoders.
The composite image functions (resize_images, per_image_standardization, flips, crops) live in
image_impl_ops.py; decoding needs Pillow (the `image` extra), checked when the op is built."""
from ..graph import dtypes
from ..graph.constant import convert_to_tensor, partial_shape_value
from ..graph.registry import register_op
from ..graph.shapes import TensorShape
from ..kernels import image as image_kernels
from .logic_ops import cast
from .shape_ops import shape as _shape

__all__ = ["decode_bmp", "decode_gif", "decode_image", "decode_jpeg", "decode_png", "encode_jpeg",
           "encode_png", "hsv_to_rgb", "resize_area", "resize_bicubic", "resize_bilinear",
           "resize_nearest_neighbor", "rgb_to_hsv"]


# --- resizing -------------------------------------------------------------------------------

def _size_dims(size):
    dims = partial_shape_value(size)
    if dims.ndims is None:
        return [None, None]
    if dims.ndims != 2:
        raise ValueError(f"size must be a 1-D tensor of 2 elements, got shape {dims}")
    return dims.as_list()


def _resize_shape(images, size, **_):
    batch, _, _, channels = images.shape.with_rank(4).as_list()
    size.shape.with_rank(1)
    return TensorShape([batch] + _size_dims(size) + [channels])


def _hw(tensor):
    """The [height, width] of an NHWC tensor, as an int32 tensor."""
    return _shape(tensor)[1:3]


def _modes(op):
    return dict(align_corners=op.attrs["align_corners"],
                half_pixel_centers=op.attrs["half_pixel_centers"])


def _interp_grad(op, grad):
    """ResizeBilinear/Bicubic: the adjoint resize, for float images only (as TF)."""
    images = op.inputs[0]
    if not images.dtype.is_floating:
        return [None, None]
    grad_op = RESIZE_BILINEAR_GRAD if op.type == "ResizeBilinear" else RESIZE_BICUBIC_GRAD
    return [grad_op(grad, images, **_modes(op)), None]


def _nearest_grad(op, grad):
    return [RESIZE_NEAREST_GRAD(grad, _hw(op.inputs[0]), **_modes(op)), None]


def _adjoint_grad(op, grad):
    """The gradient ops are linear in `grads`: their gradient is the forward resize again."""
    forward = {"ResizeBilinearGrad": RESIZE_BILINEAR, "ResizeBicubicGrad": RESIZE_BICUBIC,
               "ResizeNearestNeighborGrad": RESIZE_NEAREST}[op.type]
    out = forward(grad, _hw(op.inputs[0]), **_modes(op))
    # TF's grads input is float32, the forward's dtype; graphgrad also accepts float64 ones.
    return [out if out.dtype == op.inputs[0].dtype else cast(out, op.inputs[0].dtype), None]


def _resize_op(op_type, method, grad, float_out=True):
    def kernel(xp, images, size, **attrs):
        return image_kernels.resize(xp, images, size, method, **attrs)
    return register_op(op_type, shape=_resize_shape, kernel=kernel, same_dtype=False, grad=grad,
                       dtype=(lambda i, a: dtypes.float32) if float_out else None)


def _resize_grad_op(op_type, method):
    def kernel(xp, grads, original, **attrs):
        return image_kernels.resize_grad(xp, grads, original, method, **attrs)

    def shape(grads, original, **_):
        if method == "nearest":
            return _resize_shape(grads, original)
        batch, _, _, channels = grads.shape.with_rank(4).as_list()
        return original.shape.with_rank(4).merge_with([batch, None, None, channels])
    dtype = None if method == "nearest" else (lambda inputs, attrs: inputs[1].dtype)
    return register_op(op_type, shape=shape, kernel=kernel, same_dtype=False, dtype=dtype,
                       grad=_adjoint_grad)


RESIZE_BILINEAR = _resize_op("ResizeBilinear", "bilinear", _interp_grad)
RESIZE_BICUBIC = _resize_op("ResizeBicubic", "bicubic", _interp_grad)
# TF registers no gradient for ResizeArea: tf.gradients raises LookupError through it.
RESIZE_AREA = _resize_op("ResizeArea", "area", None)
RESIZE_NEAREST = _resize_op("ResizeNearestNeighbor", "nearest", _nearest_grad, float_out=False)
RESIZE_BILINEAR_GRAD = _resize_grad_op("ResizeBilinearGrad", "bilinear")
RESIZE_BICUBIC_GRAD = _resize_grad_op("ResizeBicubicGrad", "bicubic")
RESIZE_NEAREST_GRAD = _resize_grad_op("ResizeNearestNeighborGrad", "nearest")


def _resize(op, images, size, align_corners, half_pixel_centers, name):
    images = convert_to_tensor(images, name="images")
    size = convert_to_tensor(size, dtype=dtypes.int32, name="size")
    return op(images, size, align_corners=bool(align_corners),
              half_pixel_centers=bool(half_pixel_centers), name=name)


def resize_bilinear(images, size, align_corners=False, name=None, half_pixel_centers=False):
    """Resizes the 4-D `images` to `size` = [new_height, new_width] by bilinear interpolation;
    float32 out (TF1 `tf.image.resize_bilinear`). align_corners=False with
    half_pixel_centers=False is TF1's legacy mapping: output pixel i samples input i * in/out."""
    return _resize(RESIZE_BILINEAR, images, size, align_corners, half_pixel_centers, name)


def resize_nearest_neighbor(images, size, align_corners=False, name=None,
                            half_pixel_centers=False):
    """Resizes the 4-D `images` by nearest neighbour; keeps the dtype (TF1
    `tf.image.resize_nearest_neighbor`)."""
    return _resize(RESIZE_NEAREST, images, size, align_corners, half_pixel_centers, name)


def resize_bicubic(images, size, align_corners=False, name=None, half_pixel_centers=False):
    """Resizes the 4-D `images` by bicubic interpolation (Keys' kernel, a=-0.75 as TF1's
    legacy mode); float32 out (TF1 `tf.image.resize_bicubic`)."""
    return _resize(RESIZE_BICUBIC, images, size, align_corners, half_pixel_centers, name)


def resize_area(images, size, align_corners=False, name=None):
    """Resizes the 4-D `images` by area averaging; float32 out; no gradient, as in TF (TF1
    `tf.image.resize_area`)."""
    return _resize(RESIZE_AREA, images, size, align_corners, False, name)


# --- colour spaces --------------------------------------------------------------------------

def _rgb_shape(images, **_):
    shape = images.shape.with_rank_at_least(1)
    if shape.ndims and shape.as_list()[-1] not in (None, 3):
        raise ValueError(f"Dimension must be 3 but is {shape.as_list()[-1]}")
    return shape


def _float_images(images, what):
    images = convert_to_tensor(images, name="images")
    if not images.dtype.is_floating:
        raise TypeError(f"{what} needs float images (convert_image_dtype first), got "
                        f"{images.dtype.name}")
    return images


# TF1 registers no gradients for these two; they pass none, as TF's NotDifferentiable would.
RGB_TO_HSV = register_op("RGBToHSV", shape=_rgb_shape, kernel=image_kernels.rgb_to_hsv,
                         differentiable=False)
HSV_TO_RGB = register_op("HSVToRGB", shape=_rgb_shape, kernel=image_kernels.hsv_to_rgb,
                         differentiable=False)


def rgb_to_hsv(images, name=None):
    """Float RGB images (last dim 3, values in [0, 1]) to hue, saturation, value, each in
    [0, 1] (TF1 `tf.image.rgb_to_hsv`)."""
    return RGB_TO_HSV(_float_images(images, "rgb_to_hsv"), name=name)


def hsv_to_rgb(images, name=None):
    """Float HSV images (last dim 3) back to RGB (TF1 `tf.image.hsv_to_rgb`)."""
    return HSV_TO_RGB(_float_images(images, "hsv_to_rgb"), name=name)


# --- decoding and encoding ------------------------------------------------------------------

def _decode_op(op_type, shape, dtype=lambda inputs, attrs: attrs.get("dtype", dtypes.uint8)):
    def kernel(xp, contents, channels=0, dtype=dtypes.uint8, **attrs):
        return image_kernels.decode(xp, contents, op_type, channels=channels, dtype=dtype.name,
                                    **attrs)
    return register_op(op_type, shape=shape, kernel=kernel, dtype=dtype, same_dtype=False,
                       differentiable=False)


def _decode_shape_3d(contents, channels=0, **_):
    contents.shape.with_rank(0)
    return TensorShape([None, None, channels or None])


def _decode_image_shape(contents, channels=0, expand_animations=True, **_):
    contents.shape.with_rank(0)
    # TF1 builds decode_image from a cond over the decoders: the rank is unknown unless GIFs
    # are kept to their first frame.
    return TensorShape(None) if expand_animations else TensorShape([None, None, channels or None])


DECODE_JPEG = _decode_op("DecodeJpeg", _decode_shape_3d)
DECODE_PNG = _decode_op("DecodePng", _decode_shape_3d)
DECODE_BMP = _decode_op("DecodeBmp", _decode_shape_3d)
DECODE_GIF = _decode_op("DecodeGif", lambda contents, **_: TensorShape([None, None, None, 3]))
DECODE_IMAGE = _decode_op("DecodeImage", _decode_image_shape)


def _check_pillow():
    image_kernels._pillow()


def _contents(contents):
    _check_pillow()
    return convert_to_tensor(contents, dtype=dtypes.string, name="contents")


def decode_jpeg(contents, channels=0, ratio=1, fancy_upscaling=True, try_recover_truncated=False,
                acceptable_fraction=1, dct_method="", name=None):
    """Decodes a JPEG (or PNG or single-frame GIF, as TF1's shared decoder does) to a uint8
    [height, width, channels] tensor; channels 0 keeps the image's own (TF1
    `tf.image.decode_jpeg`).

    Differs from TF: decodes through Pillow (the `image` extra); the fancy_upscaling,
    try_recover_truncated, acceptable_fraction and dct_method hints are accepted and ignored
    (Pillow's libjpeg decodes as TF's defaults do)."""
    if ratio not in (1, 2, 4, 8):
        raise ValueError(f"ratio must be 1, 2, 4 or 8, got {ratio}")
    return DECODE_JPEG(_contents(contents), channels=int(channels), ratio=int(ratio), name=name)


def decode_png(contents, channels=0, dtype=dtypes.uint8, name=None):
    """Decodes a PNG (or JPEG or single-frame GIF) to a [height, width, channels] uint8 or
    uint16 tensor (TF1 `tf.image.decode_png`).

    Differs from TF: decodes through Pillow (the `image` extra); 16-bit colour PNGs come out
    with 8-bit precision (scaled by 257 for dtype=uint16), as Pillow keeps them."""
    dtype = dtypes.as_dtype(dtype)
    if dtype not in (dtypes.uint8, dtypes.uint16):
        raise TypeError(f"decode_png: dtype must be uint8 or uint16, got {dtype.name}")
    return DECODE_PNG(_contents(contents), channels=int(channels), dtype=dtype, name=name)


def decode_gif(contents, name=None):
    """Decodes every frame of a GIF to a uint8 [frames, height, width, 3] tensor (TF1
    `tf.image.decode_gif`)."""
    return DECODE_GIF(_contents(contents), name=name)


def decode_bmp(contents, channels=0, name=None):
    """Decodes a BMP to a uint8 [height, width, channels] tensor (TF1 `tf.image.decode_bmp`)."""
    return DECODE_BMP(_contents(contents), channels=int(channels), name=name)


def decode_image(contents, channels=None, dtype=dtypes.uint8, name=None, expand_animations=True):
    """Decodes a JPEG, PNG, GIF or BMP, found from its first bytes: [height, width, channels],
    or [frames, height, width, 3] for a GIF unless expand_animations=False. As in TF1 the
    static shape has unknown rank (call set_shape before resize_images) unless
    expand_animations=False (TF1 `tf.image.decode_image`).

    Differs from TF: one DecodeImage op (TF1 builds a cond over the four decoders); dtype
    float32/float64 goes through convert_image_dtype as TF does."""
    dtype = dtypes.as_dtype(dtype)
    out = DECODE_IMAGE(_contents(contents), channels=int(channels or 0), dtype=dtypes.uint8,
                       expand_animations=bool(expand_animations), name=name)
    if dtype != dtypes.uint8:
        from .image_impl_ops import convert_image_dtype
        out = convert_image_dtype(out, dtype)
    return out


def _encode_shape(image, **_):
    image.shape.with_rank(3)
    return TensorShape([])


def _encode_op(op_type, fmt):
    def kernel(xp, image, **attrs):
        return image_kernels.encode(xp, image, fmt, **attrs)
    return register_op(op_type, shape=_encode_shape, kernel=kernel, same_dtype=False,
                       dtype=dtypes.string, differentiable=False)


ENCODE_PNG = _encode_op("EncodePng", "png")
ENCODE_JPEG = _encode_op("EncodeJpeg", "jpeg")


def encode_png(image, compression=-1, name=None):
    """Encodes a uint8 or uint16 [height, width, channels] tensor as PNG bytes (TF1
    `tf.image.encode_png`). Differs from TF: through Pillow; uint16 images need 1 channel."""
    _check_pillow()
    image = convert_to_tensor(image, name="image")
    if image.dtype not in (dtypes.uint8, dtypes.uint16):
        raise TypeError(f"encode_png needs a uint8 or uint16 image, got {image.dtype.name}")
    return ENCODE_PNG(image, compression=int(compression), name=name)


def encode_jpeg(image, format="", quality=95, progressive=False, optimize_size=False,  # noqa: A002
                chroma_downsampling=True, density_unit="in", x_density=300, y_density=300,
                xmp_metadata="", name=None):
    """Encodes a uint8 [height, width, 1 or 3] tensor as JPEG bytes (TF1
    `tf.image.encode_jpeg`). Differs from TF: through Pillow; only `quality` is honoured."""
    _check_pillow()
    image = convert_to_tensor(image, dtype=dtypes.uint8, name="image")
    return ENCODE_JPEG(image, quality=int(quality), name=name)
