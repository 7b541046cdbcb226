"""Image decoding and encoding (Pillow) and tf.image's resizes, flips, standardization, dtype
conversion and crops, checked against hand-derived values and NumPy; an input pipeline from
filenames to standardized batches."""
import sys

import numpy as np
import pytest
from PIL import Image

import graphgrad as tf

from .helpers import run
from .ops.cases_image import adjoint, np_resize_bicubic, np_resize_bilinear


def smooth_image(h=12, w=16, seed=0):
    """A low-frequency RGB image: JPEG keeps it within a few levels."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w]
    base = [np.sin(xx / w * np.pi * f) * np.cos(yy / h * np.pi) for f in rng.uniform(.5, 1.5, 3)]
    return ((np.stack(base, -1) + 1) * 100 + 20).astype(np.uint8)


# --- decoding and encoding --------------------------------------------------------------------

def _png(tmp_path, array, name="img.png", **kw):
    path = tmp_path / name
    Image.fromarray(array).save(path, **kw)
    return str(path)


def test_decode_png_gives_the_written_pixels_for_each_channel_count(tmp_path):
    rgb = np.random.default_rng(1).integers(0, 256, (5, 7, 3), dtype=np.uint8)
    rgba = np.concatenate([rgb, rgb[..., :1]], -1)
    gray = rgb[..., 0]
    for array, channels in ((rgb, 3), (rgba, 4), (gray, 1)):
        raw = tf.read_file(_png(tmp_path, array))
        native, forced = tf.image.decode_png(raw), tf.image.decode_png(raw, channels=channels)
        assert native.op.type == "DecodePng" and forced.shape.as_list() == [None, None, channels]
        a, b = run([native, forced])
        assert a.dtype == np.uint8 and a.shape == (5, 7, channels)
        np.testing.assert_array_equal(a.reshape(array.shape), array)
        np.testing.assert_array_equal(b, a)
    as_rgb = run(tf.image.decode_png(tf.read_file(_png(tmp_path, gray)), channels=3))
    np.testing.assert_array_equal(as_rgb, np.repeat(gray[..., None], 3, -1))


def test_decode_png_reads_16_bit_grey_exactly_as_uint16(tmp_path):
    deep = (np.arange(20, dtype=np.uint16).reshape(4, 5) * 3000 + 7)
    raw = tf.read_file(_png(tmp_path, deep))
    wide, narrow = run([tf.image.decode_png(raw, dtype=tf.uint16), tf.image.decode_png(raw)])
    assert wide.dtype == np.uint16 and narrow.dtype == np.uint8
    np.testing.assert_array_equal(wide[..., 0], deep)
    np.testing.assert_array_equal(narrow[..., 0], deep >> 8)


def test_decode_jpeg_matches_the_pixels_within_jpeg_tolerance(tmp_path):
    image = smooth_image()
    path = tmp_path / "img.jpg"
    Image.fromarray(image).save(path, quality=95)
    raw = tf.read_file(str(path))
    rgb, grey = tf.image.decode_jpeg(raw, channels=3), tf.image.decode_jpeg(raw, channels=1)
    assert rgb.op.type == "DecodeJpeg" and rgb.shape.as_list() == [None, None, 3]
    half = tf.image.decode_jpeg(raw, ratio=2)
    a, g, h = run([rgb, grey, half])
    assert a.shape == image.shape and g.shape == image.shape[:2] + (1,)
    assert h.shape == (6, 8, 3)  # libjpeg's DCT scaling, as TF's ratio
    blocks = image.reshape(6, 2, 8, 2, 3).mean(axis=(1, 3))
    assert np.abs(h - blocks).mean() < 4
    np.testing.assert_array_equal(a, np.asarray(Image.open(path)))  # the same libjpeg decode
    assert np.abs(a.astype(int) - image).mean() < 3.0 and np.abs(a.astype(int) - image).max() < 24


def test_decode_image_finds_the_format_and_gifs_keep_their_frames(tmp_path):
    image = smooth_image(6, 8)
    frames = [Image.fromarray(image), Image.fromarray(255 - image)]
    gif = tmp_path / "anim.gif"
    frames[0].save(gif, save_all=True, append_images=frames[1:])
    bmp = _png(tmp_path, image, "img.bmp")
    png = _png(tmp_path, image)
    anim = tf.image.decode_image(tf.read_file(str(gif)))
    assert anim.op.type == "DecodeImage" and anim.shape.ndims is None  # as TF1's cond
    first = tf.image.decode_image(tf.read_file(str(gif)), expand_animations=False)
    assert first.shape.ndims == 3
    all_frames = tf.image.decode_gif(tf.read_file(str(gif)))
    assert all_frames.op.type == "DecodeGif"
    from_bmp = tf.image.decode_bmp(tf.read_file(bmp))
    assert from_bmp.op.type == "DecodeBmp"
    as_float = tf.image.decode_image(tf.read_file(png), dtype=tf.float32)
    a, f, g, b, p = run([anim, first, all_frames, from_bmp, as_float])
    assert a.shape == (2, 6, 8, 3) and f.shape == (6, 8, 3) and g.shape == a.shape
    np.testing.assert_array_equal(b, image)
    np.testing.assert_allclose(p, image / 255.0, rtol=1e-6)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Number of frames must be 1"):
        run(tf.image.decode_png(tf.read_file(str(gif))))


def test_images_of_unknown_rank_standardize_and_flip_but_need_a_shape_to_resize(tmp_path):
    image = smooth_image(4, 5)
    decoded = tf.image.decode_image(tf.read_file(_png(tmp_path, image)))
    flipped = tf.image.random_flip_left_right(decoded, seed=1)
    standardized = tf.image.per_image_standardization(flipped)
    out = run(standardized)
    assert out.shape == image.shape
    assert np.allclose(out, np_standardize(image)) or np.allclose(out, np_standardize(
        image[:, ::-1]))
    with pytest.raises(ValueError, match="'images' contains no shape"):
        tf.image.resize_images(decoded, [2, 2])
    decoded.set_shape([None, None, 3])
    assert tf.image.resize_images(decoded, [2, 2]).shape.as_list() == [2, 2, 3]


def test_bytes_that_are_not_an_image_raise_invalid_argument_naming_the_op():
    bad = tf.image.decode_png(tf.constant(b"definitely not a png"), name="decoder")
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=r"(?s)Expected image \(JPEG, PNG, or GIF\).*'definitely not a'.*"
                             r"'decoder' \(DecodePng"):
        run(bad)
    truncated = tf.image.decode_jpeg(tf.constant(b"\xff\xd8\xff\xe0 cut short"))
    with pytest.raises(tf.errors.InvalidArgumentError, match="Invalid JPEG data"):
        run(truncated)


def test_encode_png_and_jpeg_round_trip_through_the_decoders():
    image = smooth_image(7, 9)
    png, jpeg = tf.image.encode_png(image), tf.image.encode_jpeg(image, quality=98)
    assert png.op.type == "EncodePng" and jpeg.op.type == "EncodeJpeg" and png.dtype == tf.string
    back_png, back_jpeg, raw = run([tf.image.decode_png(png), tf.image.decode_jpeg(jpeg), jpeg])
    np.testing.assert_array_equal(back_png, image)
    assert raw[:3] == b"\xff\xd8\xff" and np.abs(back_jpeg.astype(int) - image).max() < 24


def test_decoding_without_pillow_names_the_image_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "PIL", None)
    with pytest.raises(ImportError, match=r"graphgrad\[image\]"):
        tf.image.decode_jpeg(tf.constant(b"\xff\xd8\xff"))


# --- resizing ---------------------------------------------------------------------------------

GRID = np.array([[0.0, 3.0], [6.0, 9.0]], np.float32)[None, :, :, None]


@pytest.mark.parametrize("kwargs,expected", [
    # Legacy mapping (TF1's default): output i samples input i * 2/3.
    (dict(), [[0, 2, 3], [4, 6, 7], [6, 8, 9]]),
    (dict(align_corners=True), [[0, 1.5, 3], [3, 4.5, 6], [6, 7.5, 9]]),
    # Half-pixel centres: samples at -1/6 (clamped), 1/2, 7/6 (clamped).
    (dict(half_pixel_centers=True), [[0, 1.5, 3], [3, 4.5, 6], [6, 7.5, 9]]),
])
def test_resize_bilinear_2x2_to_3x3_matches_hand_derived_values(kwargs, expected):
    out = run(tf.image.resize_bilinear(GRID, [3, 3], **kwargs))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out[0, :, :, 0], expected, rtol=1e-6)


@pytest.mark.parametrize("align,expected", [
    (False, [[0, 0, 3], [0, 0, 3], [6, 6, 9]]),  # floor(i * 2/3)
    (True, [[0, 3, 3], [6, 9, 9], [6, 9, 9]]),   # round(i * 1/2), halves away from zero
])
def test_resize_nearest_2x2_to_3x3_matches_hand_derived_values(align, expected):
    out = run(tf.image.resize_nearest_neighbor(GRID.astype(np.int32), [3, 3],
                                               align_corners=align))
    assert out.dtype == np.int32
    np.testing.assert_array_equal(out[0, :, :, 0], expected)


def test_halving_4x4_samples_every_other_pixel_bilinear_and_averages_blocks_by_area():
    x = np.arange(16, dtype=np.float32).reshape(1, 4, 4, 1)
    bilinear, area = run([tf.image.resize_bilinear(x, [2, 2]), tf.image.resize_area(x, [2, 2])])
    np.testing.assert_allclose(bilinear[0, :, :, 0], [[0, 2], [8, 10]])
    np.testing.assert_allclose(area[0, :, :, 0], [[2.5, 4.5], [10.5, 12.5]])


def test_resize_bicubic_matches_the_numpy_reference():
    x = np.random.default_rng(3).uniform(0, 1, (2, 4, 5, 3)).astype(np.float32)
    out = run(tf.image.resize_bicubic(x, [7, 9]))
    np.testing.assert_allclose(out, np_resize_bicubic(x, (7, 9)), rtol=1e-5, atol=1e-5)


def test_resize_images_handles_3d_and_4d_dtypes_and_same_size():
    image = np.random.default_rng(4).integers(0, 256, (4, 6, 3), dtype=np.uint8)
    bil = tf.image.resize_images(image, [8, 9])
    near = tf.image.resize_images(image, [2, 3], method=tf.image.ResizeMethod.NEAREST_NEIGHBOR)
    same = tf.image.resize_images(image, [4, 6])
    batch = tf.image.resize_images(np.stack([image, image]), [5, 5],
                                   method=tf.image.ResizeMethod.BICUBIC)
    assert bil.dtype == tf.float32 and bil.shape.as_list() == [8, 9, 3]
    assert near.dtype == tf.uint8 and same.dtype == tf.uint8 and batch.shape.as_list()[0] == 2
    b, n, s = run([bil, near, same])
    np.testing.assert_allclose(b, np_resize_bilinear(image[None].astype(np.float32), (8, 9))[0],
                               rtol=1e-5)
    np.testing.assert_array_equal(n, image[::2, ::2])
    np.testing.assert_array_equal(s, image)
    with pytest.raises(ValueError, match="contains no shape"):
        tf.image.resize_images(tf.placeholder(tf.float32), [2, 2])
    with pytest.raises(ValueError, match="3 or 4 dimensions"):
        tf.image.resize_images(np.zeros((2, 2), np.float32), [2, 2])


def test_resize_images_can_preserve_the_aspect_ratio():
    out = tf.image.resize_images(np.ones((4, 8, 1), np.float32), [4, 4],
                                 preserve_aspect_ratio=True)
    assert run(out).shape == (2, 4, 1)


def _bicubic_ref(x, size, align_corners, half_pixel):
    return np_resize_bicubic(x, size, align_corners)


MODES = [dict(), dict(align_corners=True), dict(half_pixel_centers=True)]


# The bicubic reference is TF1's legacy kernel only (no half-pixel row).
@pytest.mark.parametrize("op,ref,mode",
                         [(tf.image.resize_bilinear, np_resize_bilinear, m) for m in MODES]
                         + [(tf.image.resize_bicubic, _bicubic_ref, m) for m in MODES[:2]])
def test_resize_gradient_is_the_transposed_numpy_jacobian(op, ref, mode):
    rng = np.random.default_rng(5)
    x = rng.normal(size=(2, 3, 4, 2)).astype(np.float32)
    w = rng.normal(size=(2, 5, 7, 2)).astype(np.float32)
    xt = tf.constant(x)
    wt = tf.placeholder(tf.float32, w.shape)
    dx = tf.gradients(tf.reduce_sum(op(xt, [5, 7], **mode) * wt), xt)[0]
    # The gradient is linear in w; its own gradient w.r.t. w is the forward resize again.
    v = rng.normal(size=x.shape).astype(np.float32)
    dw = tf.gradients(tf.reduce_sum(dx * v), wt)[0]
    got_dx, got_dw = run([dx, dw], {wt: w})
    flags = (mode.get("align_corners", False), mode.get("half_pixel_centers", False))
    for k in range(2):
        want = adjoint(lambda e: ref(e[None], (5, 7), *flags)[0], x.shape[1:], w[k])
        np.testing.assert_allclose(got_dx[k], want, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(got_dw, ref(v, (5, 7), *flags), rtol=1e-4, atol=1e-5)


def test_resize_area_has_no_gradient_as_in_tf():
    x = tf.constant(np.ones((1, 4, 4, 1), np.float32))
    with pytest.raises(LookupError, match="ResizeArea"):
        tf.gradients(tf.image.resize_area(x, [2, 2]), x)


# --- standardization, flips, dtypes, crops ----------------------------------------------------

def np_standardize(x):
    x = x.astype(np.float64)
    axes = (-1, -2, -3)
    n = np.prod(x.shape[-3:])
    mean = x.mean(axis=axes, keepdims=True)
    std = np.maximum(x.std(axis=axes, keepdims=True), 1 / np.sqrt(n))
    return (x - mean) / std


def test_per_image_standardization_matches_numpy_with_tf_adjusted_stddev():
    rng = np.random.default_rng(6)
    image = rng.integers(0, 256, (5, 4, 3), dtype=np.uint8)
    batch = rng.normal(size=(2, 3, 5, 2)).astype(np.float32)
    flat = np.full((3, 2, 2), 7, np.uint8)  # stddev 0: divided by 1/sqrt(12) instead
    outs = run([tf.image.per_image_standardization(v) for v in (image, batch, flat)])
    assert all(o.dtype == np.float32 for o in outs)
    np.testing.assert_allclose(outs[0], np_standardize(image), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(outs[1], np_standardize(batch), rtol=1e-4, atol=1e-5)
    np.testing.assert_array_equal(outs[2], np.zeros((3, 2, 2)))


def test_per_image_standardization_gradient_matches_the_analytic_one():
    rng = np.random.default_rng(7)
    x, w = rng.normal(size=(4, 3, 2)), rng.normal(size=(4, 3, 2))
    xt = tf.constant(x.astype(np.float32))
    dx = run(tf.gradients(tf.reduce_sum(tf.image.per_image_standardization(xt) * w), xt)[0])
    c = x - x.mean()
    s = x.std()
    want = (w - w.mean()) / s - c * (w * c).mean() / s ** 3
    np.testing.assert_allclose(dx, want, rtol=1e-3, atol=1e-4)


def test_flips_reverse_the_width_or_height_axis_for_3d_and_4d():
    image = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    batch = np.stack([image, image + 100])
    lr3, ud3, lr4, ud4 = run([tf.image.flip_left_right(image), tf.image.flip_up_down(image),
                              tf.image.flip_left_right(batch), tf.image.flip_up_down(batch)])
    np.testing.assert_array_equal(lr3, image[:, ::-1])
    np.testing.assert_array_equal(ud3, image[::-1])
    np.testing.assert_array_equal(lr4, batch[:, :, ::-1])
    np.testing.assert_array_equal(ud4, batch[:, ::-1])


def test_rot90_turns_counter_clockwise_like_numpy():
    image = np.arange(2 * 3 * 2, dtype=np.float32).reshape(2, 3, 2)
    outs = run([tf.image.rot90(image, k) for k in range(4)] + [tf.image.rot90(image[None], 1)])
    for k in range(4):
        np.testing.assert_array_equal(outs[k], np.rot90(image, k))
    np.testing.assert_array_equal(outs[4][0], np.rot90(image))


def _flip_draws(fn, image, seed, runs=40):
    tf.reset_default_graph()
    tf.set_random_seed(seed)
    out = fn(tf.constant(image), seed=3)
    with tf.Session() as sess:
        return [sess.run(out) for _ in range(runs)]


@pytest.mark.parametrize("fn,axis", [(tf.image.random_flip_left_right, 1),
                                     (tf.image.random_flip_up_down, 0)])
def test_random_flips_are_seeded_and_give_both_outcomes(fn, axis):
    image = np.random.default_rng(8).normal(size=(3, 4, 2)).astype(np.float32)
    first, again = _flip_draws(fn, image, 11), _flip_draws(fn, image, 11)
    flipped = [bool(np.array_equal(o, np.flip(image, axis))) for o in first]
    assert all(f or np.array_equal(o, image) for f, o in zip(flipped, first))
    assert 5 < sum(flipped) < 35
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
    batch = np.stack([image] * 16)
    per_image = _flip_draws(fn, batch, 12, runs=1)[0]
    kinds = {bool(np.array_equal(p, np.flip(image, axis))) for p in per_image}
    assert kinds == {True, False}  # each image of the batch draws its own coin


def test_convert_image_dtype_scales_between_ranges_as_tf():
    u8 = np.array([[[0, 1, 128, 255]]], np.uint8)
    floats = np.array([[[0.0, 0.5, 1.0, 1.2]]], np.float32)
    u16 = np.array([[[0, 255, 65535]]], np.uint16)
    outs = run([tf.image.convert_image_dtype(u8, tf.float32),
                tf.image.convert_image_dtype(floats, tf.uint8, saturate=True),
                tf.image.convert_image_dtype(u8, tf.uint16),
                tf.image.convert_image_dtype(u16, tf.uint8),
                tf.image.convert_image_dtype(u8, tf.uint8)])
    np.testing.assert_allclose(outs[0], u8 / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(outs[1], [[[0, 127, 255, 255]]])  # x * 255.5, truncated
    np.testing.assert_array_equal(outs[2], u8.astype(np.uint16) * 256)
    np.testing.assert_array_equal(outs[3], [[[0, 0, 255]]])
    np.testing.assert_array_equal(outs[4], u8)


def test_crops_and_pads_match_numpy_slicing():
    image = np.arange(6 * 8 * 2, dtype=np.float32).reshape(6, 8, 2)
    outs = run([tf.image.crop_to_bounding_box(image, 1, 2, 3, 4),
                tf.image.pad_to_bounding_box(image, 1, 2, 8, 11),
                tf.image.resize_image_with_crop_or_pad(image, 4, 10),
                tf.image.central_crop(image, 0.5),
                tf.image.central_crop(np.stack([image]), 0.5)])
    np.testing.assert_array_equal(outs[0], image[1:4, 2:6])
    np.testing.assert_array_equal(outs[1], np.pad(image, ((1, 1), (2, 1), (0, 0))))
    np.testing.assert_array_equal(outs[2], np.pad(image[1:5], ((0, 0), (1, 1), (0, 0))))
    np.testing.assert_array_equal(outs[3], image[1:5, 2:6])
    np.testing.assert_array_equal(outs[4][0], image[1:5, 2:6])
    with pytest.raises(ValueError, match="central_fraction"):
        tf.image.central_crop(image, 0.0)


def test_random_crop_takes_a_seeded_block_of_the_input():
    image = np.arange(6 * 7, dtype=np.float32).reshape(6, 7, 1)
    tf.set_random_seed(1)
    assert tf.random_crop is tf.image.random_crop  # TF1's top-level name
    crop = tf.random_crop(image, [3, 4, 1], seed=2)
    assert crop.shape.as_list() == [3, 4, 1]
    with tf.Session() as sess:
        outs = [sess.run(crop) for _ in range(10)]
    starts = set()
    for o in outs:
        r, c = divmod(int(o[0, 0, 0]), 7)
        np.testing.assert_array_equal(o, image[r:r + 3, c:c + 4])
        starts.add((r, c))
    assert len(starts) > 1


def test_grayscale_brightness_and_contrast_follow_tf_formulas():
    rgb = np.random.default_rng(9).uniform(0, 1, (3, 4, 3)).astype(np.float32)
    gray, back, bright, contrast = run([
        tf.image.rgb_to_grayscale(rgb), tf.image.grayscale_to_rgb(rgb[..., :1]),
        tf.image.adjust_brightness(rgb, 0.1), tf.image.adjust_contrast(rgb, 2.0)])
    np.testing.assert_allclose(gray[..., 0], rgb @ [0.2989, 0.5870, 0.1140], rtol=1e-5)
    np.testing.assert_array_equal(back, np.repeat(rgb[..., :1], 3, -1))
    np.testing.assert_allclose(bright, rgb + 0.1, rtol=1e-6)
    mean = rgb.mean(axis=(0, 1))
    np.testing.assert_allclose(contrast, (rgb - mean) * 2 + mean, rtol=1e-5, atol=1e-6)


def _colorsys_adjust(rgb, fn):
    import colorsys
    flat = [colorsys.hsv_to_rgb(*fn(*colorsys.rgb_to_hsv(*p))) for p in rgb.reshape(-1, 3)]
    return np.array(flat).reshape(rgb.shape)


def test_hue_saturation_and_gamma_adjustments_follow_colorsys_and_tf_formulas():
    rgb = np.random.default_rng(12).uniform(0, 1, (3, 4, 3)).astype(np.float32)
    u8 = (rgb * 255).astype(np.uint8)
    outs = run([tf.image.adjust_hue(rgb, 0.3), tf.image.adjust_saturation(rgb, 1.7),
                tf.image.adjust_gamma(rgb, 2.0, gain=0.5), tf.image.adjust_hue(u8, -0.2),
                tf.image.random_hue(rgb, 0.1, seed=1), tf.image.random_saturation(rgb, .5, 1.5)])
    np.testing.assert_allclose(outs[0], _colorsys_adjust(rgb, lambda h, s, v: ((h + .3) % 1, s, v)),
                               atol=1e-5)
    np.testing.assert_allclose(
        outs[1], _colorsys_adjust(rgb, lambda h, s, v: (h, min(s * 1.7, 1.0), v)), atol=1e-5)
    np.testing.assert_allclose(outs[2], 0.5 * rgb ** 2, rtol=1e-5)
    assert outs[3].dtype == np.uint8 and outs[3].shape == u8.shape
    assert all(o.shape == rgb.shape for o in outs[4:])
    with pytest.raises(ValueError, match="max_delta"):
        tf.image.random_hue(rgb, 0.7)


def test_total_variation_sums_neighbour_differences_per_image():
    images = np.random.default_rng(11).normal(size=(2, 3, 4, 2))
    def np_tv(x):
        return np.abs(np.diff(x, axis=0)).sum() + np.abs(np.diff(x, axis=1)).sum()
    single, batch = run([tf.image.total_variation(images[0]), tf.image.total_variation(images)])
    np.testing.assert_allclose(single, np_tv(images[0]))
    np.testing.assert_allclose(batch, [np_tv(images[0]), np_tv(images[1])])


# --- an input pipeline ------------------------------------------------------------------------

def test_filenames_to_standardized_batches_in_a_session(tmp_path):
    rng = np.random.default_rng(10)
    images = [rng.integers(0, 256, shape, dtype=np.uint8)
              for shape in ((5, 7, 3), (8, 6, 3), (4, 4, 3))]
    names = [_png(tmp_path, im, f"img{k}.png") for k, im in enumerate(images)]

    def parse(filename):
        image = tf.image.decode_png(tf.read_file(filename), channels=3)
        image = tf.image.resize_images(image, [4, 6])
        return tf.image.per_image_standardization(image)

    batches = tf.data.Dataset.from_tensor_slices(names).map(parse).batch(2)
    nxt = batches.make_one_shot_iterator().get_next()
    assert nxt.shape.as_list() == [None, 4, 6, 3]
    with tf.Session() as sess:
        got = np.concatenate([sess.run(nxt), sess.run(nxt)])
        with pytest.raises(tf.errors.OutOfRangeError):
            sess.run(nxt)
    for k, image in enumerate(images):
        resized = np_resize_bilinear(image[None].astype(np.float32), (4, 6))[0]
        np.testing.assert_allclose(got[k], np_standardize(resized), rtol=1e-4, atol=1e-4)
