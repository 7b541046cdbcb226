"""Rows for ops/image_ops.py and ops/string_ops.py. The resize references are per-pixel loops
over TF's formulas (float32 coordinates, legacy or half-pixel mapping), written independently of
graphgrad's weight-matrix kernels; the gradient ops are checked against the references'
transposed Jacobians. Decoders and encoders are driven by tests/test_image.py, the string and
file ops by tests/test_strings.py."""
import colorsys

import numpy as np

import graphgrad.image  # noqa: F401 - registers the image ops
from graphgrad.ops import image_ops

from .harness import Case

IMAGE = "tests/test_image.py"
STRINGS = "tests/test_strings.py"
F32 = np.float32


def _scale(n_in, n_out, align_corners):
    if align_corners and n_out > 1:
        return F32(n_in - 1) / F32(n_out - 1)
    return F32(n_in) / F32(n_out)


def _coord(i, scale, half_pixel, offset=F32(0.5)):
    return (F32(i) + F32(0.5)) * scale - offset if half_pixel else F32(i) * scale


def np_resize_bilinear(x, size, align_corners=False, half_pixel=False):
    b, h, w, c = x.shape
    sh, sw = _scale(h, size[0], align_corners), _scale(w, size[1], align_corners)
    out = np.zeros((b, size[0], size[1], c), np.float64)
    for i in range(size[0]):
        fy = _coord(i, sh, half_pixel)
        y0, y1, ly = max(int(np.floor(fy)), 0), min(int(np.ceil(fy)), h - 1), fy - np.floor(fy)
        for j in range(size[1]):
            fx = _coord(j, sw, half_pixel)
            x0, x1 = max(int(np.floor(fx)), 0), min(int(np.ceil(fx)), w - 1)
            lx = fx - np.floor(fx)
            top = x[:, y0, x0] + (x[:, y0, x1] - x[:, y0, x0]) * lx
            bottom = x[:, y1, x0] + (x[:, y1, x1] - x[:, y1, x0]) * lx
            out[:, i, j] = top + (bottom - top) * ly
    return out.astype(np.float32)


def _nearest(i, scale, n_in, align_corners, half_pixel):
    src = _coord(i, scale, half_pixel, offset=F32(0))
    k = int(np.floor(src + F32(0.5))) if align_corners else int(np.floor(src))
    return max(min(k, n_in - 1), 0)


def np_resize_nearest(x, size, align_corners=False, half_pixel=False):
    b, h, w, c = x.shape
    sh, sw = _scale(h, size[0], align_corners), _scale(w, size[1], align_corners)
    rows = [_nearest(i, sh, h, align_corners, half_pixel) for i in range(size[0])]
    cols = [_nearest(j, sw, w, align_corners, half_pixel) for j in range(size[1])]
    return np.stack([np.stack([x[:, r, q] for q in cols], 1) for r in rows], 1)


def _keys(t, a=-0.75):
    t = abs(t)
    if t <= 1:
        return ((a + 2) * t - (a + 3)) * t * t + 1
    if t < 2:
        return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a
    return 0.0


def np_resize_bicubic(x, size, align_corners=False):
    """TF1's legacy bicubic: Keys' kernel (a=-0.75) at the 1/1024-quantised offset, taps clamped
    to the border."""
    b, h, w, c = x.shape
    sh, sw = _scale(h, size[0], align_corners), _scale(w, size[1], align_corners)

    def taps(i, scale, n):
        src = _coord(i, scale, False)
        base = int(np.floor(src))
        t = np.rint((src - base) * 1024) / 1024
        return [(min(max(base + k, 0), n - 1), _keys(k - t)) for k in (-1, 0, 1, 2)]
    out = np.zeros((b, size[0], size[1], c))
    for i in range(size[0]):
        for j in range(size[1]):
            for r, wr in taps(i, sh, h):
                for q, wq in taps(j, sw, w):
                    out[:, i, j] += wr * wq * x[:, r, q]
    return out.astype(np.float32)


def np_resize_area(x, size):
    """Each output pixel is the mean of the input area it covers (fractional pixels weighted)."""
    b, h, w, c = x.shape
    sh, sw = F32(h) / F32(size[0]), F32(w) / F32(size[1])

    def cover(i, scale):
        lo, hi = i * scale, (i + 1) * scale
        return [(k, min(k + 1, hi) - max(k, lo)) for k in range(int(np.floor(lo)),
                                                                int(np.ceil(hi)))]
    out = np.zeros((b, size[0], size[1], c))
    for i in range(size[0]):
        for j in range(size[1]):
            for r, wr in cover(i, sh):
                for q, wq in cover(j, sw):
                    out[:, i, j] += wr * wq * x[:, min(r, h - 1), min(q, w - 1)]
    return (out / (sh * sw)).astype(np.float32)


def adjoint(forward, in_shape, grads):
    """The transpose of the linear map `forward` (input shape `in_shape`) applied to grads."""
    n = int(np.prod(in_shape))
    basis = np.eye(n).reshape((n,) + tuple(in_shape))
    jac = np.stack([np.asarray(forward(e), np.float64).reshape(-1) for e in basis], 1)
    return (jac.T @ grads.reshape(-1)).reshape(in_shape)


def _modes(align_corners=False, half_pixel=False):
    return dict(align_corners=align_corners, half_pixel_centers=half_pixel)


SHAPES = [[(2, 4, 5, 3)], [(1, 3, 2, 1)], [(1, 1, 1, 2)], [(0, 4, 5, 3)]]


def _resize_rows(op_type, fn, ref, modes, sizes, order=0):
    rows = []
    for mode in modes:
        for size in sizes:
            tag = "-".join(k for k, v in mode.items() if v) or "legacy"
            rows.append(Case(op_type, lambda x, s=size, m=mode: fn(x, s, **m),
                             lambda x, s=size, m=mode: ref(x, s, *m.values()),
                             shapes=SHAPES, order=order, name=f"{op_type}-{tag}-{size}"))
    return rows


def _grad_row(op_type, opdef, ref, mode, shapes):
    """A gradient op checked against the reference's transposed Jacobian."""
    def build(g, img):
        return opdef(g, img, **_modes(*mode))

    def reference(g, img):
        size = g.shape[1:3]
        return np.stack([adjoint(lambda e: ref(e[None], size, *mode)[0], img.shape[1:], g[k])
                         for k in range(g.shape[0])])
    return Case(op_type, build, reference, shapes=shapes, grad=(0,), order=1,
                name=f"{op_type}-{mode}")


def _per_pixel(fn):
    """A colorsys conversion applied to every pixel of an [..., 3] array."""
    def ref(x):
        flat = x.reshape(-1, 3)
        out = np.array([fn(*p) for p in flat], np.float64).reshape(x.shape)
        return out.astype(x.dtype)
    return ref


BOTH = [_modes(), _modes(align_corners=True), _modes(half_pixel=True)]
GRAD_SHAPES = [[(2, 3, 7, 3), (2, 4, 5, 3)], [(1, 2, 3, 1), (1, 4, 5, 1)]]


def _nearest_grad_build(mode, size):
    return lambda g: image_ops.RESIZE_NEAREST_GRAD(g, list(size), **_modes(*mode))


def _nearest_grad_ref(mode, size):
    def ref(g):
        return np.stack([adjoint(lambda e: np_resize_nearest(e[None], g.shape[1:3], *mode)[0],
                                 tuple(size) + (g.shape[3],), g[k])
                         for k in range(g.shape[0])]).astype(g.dtype)
    return ref


IMAGE_CASES = (
    _resize_rows("ResizeBilinear", image_ops.resize_bilinear, np_resize_bilinear, BOTH,
                 [(5, 7), (2, 3)])
    + _resize_rows("ResizeNearestNeighbor", image_ops.resize_nearest_neighbor,
                   np_resize_nearest, BOTH, [(5, 7), (3, 2)], order=2)
    + _resize_rows("ResizeBicubic", image_ops.resize_bicubic,
                   lambda x, s, a, _: np_resize_bicubic(x, s, a), BOTH[:2], [(6, 8), (2, 3)])
    + _resize_rows("ResizeArea", lambda x, s, **m: image_ops.resize_area(x, s),
                   lambda x, s, *_: np_resize_area(x, s), [_modes()], [(2, 3), (6, 7), (3, 4)])
    + [_grad_row("ResizeBilinearGrad", image_ops.RESIZE_BILINEAR_GRAD, np_resize_bilinear,
                 mode, GRAD_SHAPES) for mode in [(False, False), (True, False),
                                                       (False, True)]]
    + [_grad_row("ResizeBicubicGrad", image_ops.RESIZE_BICUBIC_GRAD,
                 lambda x, s, a, _: np_resize_bicubic(x, s, a), mode, GRAD_SHAPES)
       for mode in [(False, False), (True, False)]]
    + [Case("ResizeNearestNeighborGrad", _nearest_grad_build(mode, (4, 5)),
            _nearest_grad_ref(mode, (4, 5)), shapes=[[(2, 3, 7, 3)], [(1, 8, 9, 2)]],
            name=f"ResizeNearestNeighborGrad-{mode}")
       for mode in [(False, False), (True, False), (False, True)]]
    + [Case(op, fn, _per_pixel(ref), shapes=[[(4, 5, 3)], [(2, 3, 4, 3)], [(0, 3)], [(3,)]],
            domain=(0.0, 1.0), order=0)
       for op, fn, ref in (("RGBToHSV", image_ops.rgb_to_hsv, colorsys.rgb_to_hsv),
                           ("HSVToRGB", image_ops.hsv_to_rgb, colorsys.hsv_to_rgb))]
    + [Case(op, tested_by=IMAGE) for op in ("DecodeJpeg", "DecodePng", "DecodeGif", "DecodeBmp",
                                            "DecodeImage", "EncodePng", "EncodeJpeg")]
    + [Case(op, tested_by=STRINGS) for op in ("ReadFile", "WriteFile", "DecodeRaw", "StringJoin",
                                              "FixedLengthRecordRead")]
)
