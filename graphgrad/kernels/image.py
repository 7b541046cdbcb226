"""Image kernels: resizing as two 1-D weight matrices (TF's ResizeBilinear, Bicubic, Area and
NearestNeighbor coordinate rules, in float32 as TF computes them), and decoding and encoding
through Pillow (imported on first use)."""
import io

import numpy as np

from .strings import as_bytes

PILLOW_HINT = "Install the optional extra: pip install 'graphgrad[image]' (Pillow)."

# --- resizing -------------------------------------------------------------------------------


def _scale(in_size, out_size, align_corners):
    """TF's CalculateResizeScale, in float32."""
    if align_corners and out_size > 1:
        return np.float32(in_size - 1) / np.float32(out_size - 1)
    return np.float32(in_size) / np.float32(out_size)


def _source(out_size, scale, half_pixel_centers, offset=np.float32(0.5)):
    """Where each output index samples the input (TF's LegacyScaler / HalfPixelScaler)."""
    x = np.arange(out_size, dtype=np.float32)
    if half_pixel_centers:
        return (x + np.float32(0.5)) * scale - offset
    return x * scale


def _nearest_index(in_size, out_size, align_corners, half_pixel_centers):
    scale = _scale(in_size, out_size, align_corners)
    src = _source(out_size, scale, half_pixel_centers, offset=np.float32(0))
    idx = np.floor(src)
    if align_corners:
        # C's roundf: halves away from zero (the coordinates are never negative here).
        idx = idx + (src - idx >= np.float32(0.5))
    idx = np.minimum(idx.astype(np.int64), in_size - 1)
    return np.maximum(idx, 0)


def _bilinear_weights(in_size, out_size, align_corners, half_pixel_centers):
    src = _source(out_size, _scale(in_size, out_size, align_corners), half_pixel_centers)
    floor = np.floor(src)
    lerp = src - floor
    lower = np.maximum(floor, 0).astype(np.int64)
    upper = np.minimum(np.ceil(src), in_size - 1).astype(np.int64)
    w = np.zeros((out_size, in_size), np.float32)
    rows = np.arange(out_size)
    np.add.at(w, (rows, lower), np.float32(1) - lerp)
    np.add.at(w, (rows, upper), lerp)
    return w


def _cubic_table(a=-0.75, size=1024):
    """TF's 1025-entry coefficient table of Keys' cubic kernel (a = -0.75 for legacy resizes)."""
    x = (np.arange(size + 1) / size).astype(np.float32)
    near = ((a + 2) * x - (a + 3)) * x * x + 1
    x1 = x + np.float32(1)
    far = ((a * x1 - 5 * a) * x1 + 8 * a) * x1 - 4 * a
    return near.astype(np.float32), far.astype(np.float32)


def _bicubic_weights(in_size, out_size, align_corners, half_pixel_centers):
    src = _source(out_size, _scale(in_size, out_size, align_corners), half_pixel_centers)
    base = np.floor(src).astype(np.int64)
    # lrintf: round to nearest, ties to even, as np.rint does.
    offset = np.rint((src - base) * np.float32(1024)).astype(np.int64)
    # TF's half-pixel bicubic is Keys' kernel (a = -0.5); the legacy one uses a = -0.75.
    near, far = _cubic_table(-0.5 if half_pixel_centers else -0.75)
    taps = [(base - 1, far[offset]), (base, near[offset]),
            (base + 1, near[1024 - offset]), (base + 2, far[1024 - offset])]
    w = np.zeros((out_size, in_size), np.float32)
    rows = np.arange(out_size)
    for index, weight in taps:
        in_range = (index >= 0) & (index < in_size)
        if half_pixel_centers:
            # The half-pixel kernel drops taps outside the image and renormalises.
            weight = np.where(in_range, weight, np.float32(0))
        np.add.at(w, (rows, np.clip(index, 0, in_size - 1)), weight)
    if half_pixel_centers:
        w /= w.sum(axis=1, keepdims=True)
    return w


def _area_weights(in_size, out_size, align_corners, half_pixel_centers):
    scale = _scale(in_size, out_size, align_corners)
    w = np.zeros((out_size, in_size), np.float32)
    for y in range(out_size):
        lo, hi = np.float32(y) * scale, np.float32(y + 1) * scale
        for i in range(int(np.floor(lo)), int(np.ceil(hi))):
            if i < lo:
                part = scale if i + 1 > hi else np.float32(i + 1) - lo
            else:
                part = hi - np.float32(i) if i + 1 > hi else np.float32(1)
            w[y, min(max(i, 0), in_size - 1)] += part
    return w / scale


def _nearest_weights(in_size, out_size, align_corners, half_pixel_centers):
    w = np.zeros((out_size, in_size), np.float32)
    w[np.arange(out_size), _nearest_index(in_size, out_size, align_corners, half_pixel_centers)] = 1
    return w


WEIGHTS = {"bilinear": _bilinear_weights, "bicubic": _bicubic_weights, "area": _area_weights,
           "nearest": _nearest_weights}


def _check_4d(images, what="input"):
    if images.ndim != 4:
        raise ValueError(f"{what} must be 4-dimensional, got shape {list(images.shape)}")


def _out_size(size):
    size = np.reshape(np.asarray(size), (-1,))
    if size.shape != (2,):
        raise ValueError(f"size must be a 1-D tensor of 2 elements, got {size.tolist()}")
    out_h, out_w = int(size[0]), int(size[1])
    if out_h <= 0 or out_w <= 0:
        raise ValueError(f"output dimensions must be positive, got size {[out_h, out_w]}")
    return out_h, out_w


def _taps(w):
    """Each row's nonzero entries of `w` as (index, weight) arrays of shape (rows, K)."""
    nonzero = w != 0
    k = max(int(nonzero.sum(axis=1).max()), 1)
    index = np.argsort(~nonzero, axis=1, kind="stable")[:, :k]
    return index, np.take_along_axis(w, index, axis=1)


def _along(xp, x, w, axis, dtype):
    """sum_q w[i, q] x[..., q, ...] on `axis`, gathering only the few taps each row has (two
    for bilinear), so a resize costs a few passes over its output, not a dense product."""
    index, weight = _taps(w)
    shape = [1] * x.ndim
    shape[axis] = -1
    out = None
    for k in range(index.shape[1]):
        term = xp.take(x, xp.asarray(index[:, k]), axis=axis) * \
            xp.asarray(weight[:, k].astype(dtype)).reshape(shape)
        out = term if out is None else out + term
    return out


def _apply(xp, wh, ww, x, dtype):
    """y[b, i, j, c] = sum_pq wh[i, p] ww[j, q] x[b, p, q, c], one axis at a time."""
    x = x.astype(dtype, copy=False)
    return _along(xp, _along(xp, x, wh, 1, dtype), ww, 2, dtype)


def resize(xp, images, size, method, align_corners=False, half_pixel_centers=False):
    """ResizeBilinear/Bicubic/Area (float32 out) and ResizeNearestNeighbor (input dtype out)."""
    _check_4d(images)
    if half_pixel_centers and align_corners:
        raise ValueError("If half_pixel_centers is True, align_corners must be False.")
    out_h, out_w = _out_size(size)
    _, h, w, c = images.shape
    if h == 0 or w == 0:
        raise ValueError("input image must be of non-zero size")
    if method == "nearest":
        iy = _nearest_index(h, out_h, align_corners, half_pixel_centers)
        ix = _nearest_index(w, out_w, align_corners, half_pixel_centers)
        return xp.take(xp.take(images, xp.asarray(iy), axis=1), xp.asarray(ix), axis=2)
    weights = WEIGHTS[method]
    wh = weights(h, out_h, align_corners, half_pixel_centers)
    ww = weights(w, out_w, align_corners, half_pixel_centers)
    return _apply(xp, wh, ww, images, np.float32)


def resize_grad(xp, grads, original, method, align_corners=False, half_pixel_centers=False):
    """The adjoint of `resize`: grads [b, oh, ow, c] back to the original [b, h, w, c]; for
    "nearest" `original` is the size [h, w] (TF's ResizeNearestNeighborGrad), else the image."""
    _check_4d(grads, "input_grad")
    if method == "nearest":
        h, w = _out_size(original)
        dtype = grads.dtype
    else:
        _check_4d(original, "original_image")
        h, w = original.shape[1:3]
        dtype = original.dtype
    out_h, out_w = grads.shape[1:3]
    weights = WEIGHTS[method]
    wh = weights(h, out_h, align_corners, half_pixel_centers)
    ww = weights(w, out_w, align_corners, half_pixel_centers)
    compute = dtype if np.dtype(dtype).kind == "f" else np.float64
    out = _apply(xp, wh.T, ww.T, grads, compute)
    return out.astype(dtype, copy=False)


# --- decoding and encoding ------------------------------------------------------------------

_MAGIC = (("jpeg", b"\xff\xd8\xff"), ("png", b"\x89PNG\r\n\x1a\n"), ("gif", b"GIF8"),
          ("bmp", b"BM"))


def _pillow():
    try:
        from PIL import Image
    except ImportError:
        raise ImportError(f"graphgrad's image decoding and encoding need Pillow. {PILLOW_HINT}"
                          ) from None
    return Image


def image_format(data):
    for name, magic in _MAGIC:
        if data.startswith(magic):
            return name
    return None


def _escape(data):
    """The first 16 bytes as C escapes, as TF quotes unknown input."""
    out = []
    for b in data[:16]:
        ch = chr(b)
        out.append(ch if 32 <= b < 127 and ch not in "\\'\"" else
                   {"\\": "\\\\", "'": "\\'", '"': '\\"'}.get(ch, f"\\{b:03o}"))
    return "".join(out)


def _frames(image):
    """Every frame of a (possibly animated) Pillow image."""
    frames = []
    for k in range(getattr(image, "n_frames", 1)):
        image.seek(k)
        frames.append(image.convert("RGB"))
    return frames


_MODES = {1: "L", 2: "LA", 3: "RGB", 4: "RGBA"}
_CHANNELS = {"jpeg": (0, 1, 3), "png": (0, 1, 2, 3, 4), "gif": (0, 3), "bmp": (0, 1, 3, 4)}


def _pixels(image, channels, dtype):
    """A decoded Pillow image as an [h, w, channels] array (channels 0: the image's own)."""
    sixteen = image.mode.startswith("I")
    if channels == 0:
        bands = len(image.getbands()) if image.mode not in ("P", "1") else 0
        if image.mode == "P":
            bands = 4 if "transparency" in image.info else 3
        elif image.mode in ("CMYK", "YCbCr", "RGBX"):
            bands = 3
        channels = bands or 1
    if sixteen:
        grey = np.asarray(image, dtype=np.int64).astype(np.uint16)
        if dtype == "uint16" and channels == 1:
            return grey[..., None]
        # Down to 8 bits by dropping the low byte, as libpng's strip_16 does.
        image = _pillow().fromarray((grey >> 8).astype(np.uint8))
    arr = np.asarray(image.convert(_MODES[channels]), dtype=np.uint8)
    arr = arr.reshape(arr.shape[0], arr.shape[1], channels)
    # libpng widens 8-bit samples to 16 bits by repeating the byte (v * 257).
    return arr.astype(np.uint16) * 257 if dtype == "uint16" else arr


def decode(xp, contents, op_type, channels=0, dtype="uint8", expand_animations=True, ratio=1,
           **_):
    """DecodeJpeg/DecodePng/DecodeGif/DecodeBmp/DecodeImage: bytes to a uint8 (or uint16 for
    PNG) array [h, w, channels], or [frames, h, w, 3] for GIFs where TF gives frames."""
    data = as_bytes(contents)
    fmt = image_format(data)
    allowed = {"DecodeBmp": ("bmp",), "DecodeImage": ("jpeg", "png", "gif", "bmp")}.get(
        op_type, ("jpeg", "png", "gif"))
    if fmt not in allowed:
        what = "unknown format" if fmt is None else f"{fmt.upper()}"
        kinds = ", ".join(k.upper() for k in allowed[:-1]) + f", or {allowed[-1].upper()}" \
            if len(allowed) > 1 else allowed[0].upper()
        raise ValueError(f"Expected image ({kinds}), got {what} starting with "
                         f"'{_escape(data)}'")
    if dtype == "uint16" and fmt != "png":
        raise ValueError(f"{fmt.upper()} does not support uint16 output")
    if channels not in _CHANNELS[fmt]:
        raise ValueError(f"channels must be one of {_CHANNELS[fmt]} for {fmt.upper()}, got "
                         f"{channels}")
    image = _open(data, fmt, channels, ratio)
    if fmt == "gif":
        frames = _frames(image)
        if op_type in ("DecodeJpeg", "DecodePng") and len(frames) > 1:
            raise ValueError(f"Number of frames must be 1 when decoding a GIF with {op_type}, "
                             f"got {len(frames)}")
        arrays = [np.asarray(f, dtype=np.uint8) for f in frames]
        if op_type == "DecodeGif" or (op_type == "DecodeImage" and expand_animations):
            return xp.asarray(np.stack(arrays))
        return xp.asarray(arrays[0])
    return xp.asarray(_pixels(image, channels, dtype))


def _open(data, fmt, channels=0, ratio=1):
    image_module = _pillow()
    try:
        image = image_module.open(io.BytesIO(data))
        if fmt == "jpeg" and (channels == 1 or ratio > 1):
            # As TF asks libjpeg: grey straight from the luma channel, and DCT downscaling to
            # ceil(size / ratio) (Pillow picks the largest scale that fits size // ratio).
            w, h = image.size
            image.draft("L" if channels == 1 else image.mode,
                        (max(w // ratio, 1), max(h // ratio, 1)))
        image.load()
    except Exception as e:  # noqa: BLE001 - any decoder failure is bad data to TF
        raise ValueError(f"Invalid {fmt.upper()} data, size {len(data)}: {e}") from None
    return image


def encode(xp, image, fmt, compression=-1, quality=95, **_):
    """EncodePng / EncodeJpeg: an [h, w, channels] uint8 (or uint16 PNG) array to bytes."""
    arr = np.asarray(image)
    if arr.ndim != 3 or arr.shape[2] not in (1, 2, 3, 4):
        raise ValueError(f"image must be 3-dimensional [height, width, channels] with 1 to 4 "
                         f"channels, got shape {list(arr.shape)}")
    image_module = _pillow()
    if arr.dtype == np.uint16:
        if arr.shape[2] != 1:
            raise ValueError("graphgrad encodes uint16 PNGs with one channel only")
        pil = image_module.fromarray(np.ascontiguousarray(arr[..., 0], dtype=np.uint16))
    else:
        pil = image_module.fromarray(arr[..., 0] if arr.shape[2] == 1 else arr)
    out = io.BytesIO()
    if fmt == "png":
        level = 6 if compression < 0 else int(compression)
        pil.save(out, format="PNG", compress_level=level)
    else:
        pil.save(out, format="JPEG", quality=int(quality))
    return xp.asarray(np.array(out.getvalue(), dtype=object))


# --- colour spaces --------------------------------------------------------------------------

def rgb_to_hsv(xp, images):
    """RGBToHSV on the last axis: hue in [0, 1), saturation and value, as TF's kernel."""
    r, g, b = images[..., 0], images[..., 1], images[..., 2]
    value = xp.maximum(xp.maximum(r, g), b)
    spread = value - xp.minimum(xp.minimum(r, g), b)
    with np.errstate(divide="ignore", invalid="ignore"):
        saturation = xp.where(value > 0, spread / value, 0)
        norm = 1 / (6 * spread)
        hue = xp.where(value == r, norm * (g - b),
                       xp.where(value == g, norm * (b - r) + 2 / 6, norm * (r - g) + 4 / 6))
    hue = xp.where(spread > 0, hue, 0)
    hue = xp.where(hue < 0, hue + 1, hue)
    return xp.stack([hue, saturation, value], axis=-1).astype(images.dtype, copy=False)


def hsv_to_rgb(xp, images):
    """HSVToRGB on the last axis, TF's piecewise rule (hue outside [0, 1) gives grey m)."""
    h, s, v = images[..., 0], images[..., 1], images[..., 2]
    c = s * v
    m = v - c
    dh = h * 6
    x = c * (1 - xp.abs(xp.mod(dh, 2) - 1))
    zero = xp.zeros_like(c)
    sector = xp.where((dh >= 0) & (dh < 6), xp.floor(dh), -1)
    pattern = [(c, x, zero), (x, c, zero), (zero, c, x), (zero, x, c), (x, zero, c),
               (c, zero, x)]
    channels = []
    for k in range(3):
        out = zero
        for i, rgb in enumerate(pattern):
            out = xp.where(sector == i, rgb[k], out)
        channels.append(out + m)
    return xp.stack(channels, axis=-1).astype(images.dtype, copy=False)
