"""Convolution, pooling and normalization semantics TF1 programs rely on: SAME padding
placement, border averaging, tie routing, adjointness, and batch-norm statistics."""
import numpy as np
import pytest

import graphgrad as tf
from graphgrad.kernels import conv as conv_kernels
from graphgrad.kernels import pool as pool_kernels

from .helpers import run as _run
from .ops.cases_conv import (
    np_avg_pool,
    np_avg_pool_grad,
    np_conv2d,
    np_conv2d_filter_grad,
    np_conv2d_input_grad,
    np_depthwise,
    np_max_pool,
    np_max_pool_grad,
    np_max_pool_grad_grad,
)


def _grid(h, w):
    return np.arange(1, h * w + 1, dtype=np.float64).reshape(1, h, w, 1)


@pytest.mark.parametrize("shape,fshape,strides,padding,dilations", [
    ((3, 9, 8, 2), (3, 3, 2, 5), [1, 1, 1, 1], "SAME", [1, 1, 1, 1]),
    ((2, 10, 7, 3), (4, 2, 3, 2), [1, 3, 2, 1], "SAME", [1, 1, 1, 1]),
    ((2, 10, 7, 3), (2, 4, 3, 2), [1, 2, 3, 1], "VALID", [1, 1, 1, 1]),
    ((2, 11, 9, 1), (3, 2, 1, 4), [1, 1, 1, 1], "SAME", [1, 3, 2, 1]),
])
def test_conv2d_matches_a_naive_loop_reference(shape, fshape, strides, padding, dilations):
    rng = np.random.default_rng(5)
    x, f = rng.normal(size=shape), rng.normal(size=fshape)
    y = _run(tf.nn.conv2d(x, f, strides, padding, dilations=dilations))
    expected = np_conv2d(x, f, strides[1:3], padding, dilations[1:3])
    np.testing.assert_allclose(y, expected, rtol=1e-10, atol=1e-10)


def test_same_padding_with_an_even_kernel_puts_the_extra_cell_at_the_end():
    x = _grid(4, 4)
    y = _run(tf.nn.conv2d(x, np.ones((2, 2, 1, 1)), [1, 1, 1, 1], "SAME"))[0, :, :, 0]
    padded = np.pad(x[0, :, :, 0], ((0, 1), (0, 1)))
    expected = padded[:-1, :-1] + padded[1:, :-1] + padded[:-1, 1:] + padded[1:, 1:]
    np.testing.assert_array_equal(y, expected)
    assert y[0, 0] == 1 + 2 + 5 + 6 and y[3, 3] == 16


def test_same_padding_with_stride_2_splits_the_padding_as_tf_does():
    # Width 4, kernel 3, stride 2: 2 outputs, 1 padding cell, placed after the input.
    y = _run(tf.nn.conv2d(_grid(1, 4), np.ones((1, 3, 1, 1)), [1, 1, 2, 1], "SAME"))
    np.testing.assert_array_equal(y.ravel(), [1 + 2 + 3, 3 + 4])
    # Width 5: 3 outputs, 2 padding cells, one on each side.
    y = _run(tf.nn.conv2d(_grid(1, 5), np.ones((1, 3, 1, 1)), [1, 1, 2, 1], "SAME"))
    np.testing.assert_array_equal(y.ravel(), [1 + 2, 2 + 3 + 4, 4 + 5])


def test_valid_padding_drops_cells_the_stride_cannot_reach():
    y = tf.nn.conv2d(np.zeros((1, 8, 7, 1)), np.zeros((3, 3, 1, 2)), [1, 2, 2, 1], "VALID")
    assert y.shape.as_list() == [1, 3, 3, 2]
    assert _run(y).shape == (1, 3, 3, 2)


def test_conv2d_transpose_is_the_adjoint_of_conv2d():
    rng = np.random.default_rng(1)
    x, f, g = rng.normal(size=(2, 9, 6, 3)), rng.normal(size=(3, 4, 3, 5)), None
    y = tf.nn.conv2d(x, f, [1, 2, 2, 1], "SAME")
    g = rng.normal(size=y.shape.as_list())
    xt = tf.nn.conv2d_transpose(g, f, [2, 9, 6, 3], [1, 2, 2, 1], "SAME")
    y_value, xt_value = _run([y, xt])
    assert xt.shape.as_list() == [2, 9, 6, 3]
    np.testing.assert_allclose(np.sum(y_value * g), np.sum(x * xt_value), rtol=1e-10)


def test_conv2d_transpose_rejects_a_filter_with_the_wrong_channels():
    with pytest.raises(ValueError, match="filter's input channels"):
        tf.nn.conv2d_transpose(np.zeros((1, 4, 4, 3)), np.zeros((3, 3, 2, 4)), [1, 8, 8, 2],
                               [1, 2, 2, 1])


def test_conv2d_rejects_mismatched_channels_and_bad_padding():
    with pytest.raises(ValueError, match="Dimensions must be equal, but are 3 and 2"):
        tf.nn.conv2d(tf.zeros([1, 5, 5, 3]), tf.zeros([3, 3, 2, 4]), [1, 1, 1, 1], "SAME")
    with pytest.raises(ValueError, match="padding must be 'SAME' or 'VALID'"):
        tf.nn.conv2d(tf.zeros([1, 5, 5, 3]), tf.zeros([3, 3, 3, 4]), [1, 1, 1, 1], "FULL")
    with pytest.raises(ValueError, match="batch and depth"):
        tf.nn.conv2d(tf.zeros([1, 5, 5, 3]), tf.zeros([3, 3, 3, 4]), [2, 1, 1, 1], "SAME")


def test_conv2d_nchw_equals_nhwc_transposed():
    rng = np.random.default_rng(2)
    x, f = rng.normal(size=(2, 7, 6, 3)), rng.normal(size=(3, 2, 3, 4))
    nhwc = tf.nn.conv2d(x, f, [1, 2, 1, 1], "SAME")
    nchw = tf.nn.conv2d(np.transpose(x, (0, 3, 1, 2)), f, [1, 1, 2, 1], "SAME",
                        data_format="NCHW")
    a, b = _run([nhwc, nchw])
    np.testing.assert_allclose(np.transpose(b, (0, 2, 3, 1)), a, rtol=1e-12)


def test_conv2d_gradients_are_the_backprop_ops_and_have_second_derivatives():
    x = tf.placeholder(tf.float64, [2, 5, 7, 3])
    f = tf.placeholder(tf.float64, [3, 2, 3, 4])
    loss = tf.reduce_sum(tf.square(tf.nn.conv2d(x, f, [1, 2, 1, 1], "SAME")))
    dx, df = tf.gradients(loss, [x, f])
    assert dx.op.type == "Conv2DBackpropInput" and df.op.type == "Conv2DBackpropFilter"
    assert dx.name.startswith("gradients/Conv2D_grad/")
    # d/dx of sum(dx) exists and is finite: the backprop ops have gradients of their own.
    ddx, ddf = tf.gradients(tf.reduce_sum(dx), [x, f])
    rng = np.random.default_rng(3)
    values = _run([ddx, ddf], {x: rng.normal(size=(2, 5, 7, 3)), f: rng.normal(size=(3, 2, 3, 4))})
    assert all(np.all(np.isfinite(v)) for v in values)


def test_large_batches_are_convolved_in_slices_with_the_same_result(monkeypatch):
    from graphgrad.kernels import conv
    rng = np.random.default_rng(4)
    x, f = rng.normal(size=(7, 6, 5, 2)).astype(np.float32), rng.normal(size=(3, 3, 2, 3))
    whole = _run(tf.nn.conv2d(x, f.astype(np.float32), [1, 1, 1, 1], "SAME"))
    monkeypatch.setattr(conv, "COLS_BYTES", 1)
    sliced = _run(tf.nn.conv2d(x, f.astype(np.float32), [1, 1, 1, 1], "SAME"))
    np.testing.assert_array_equal(whole, sliced)


def test_depthwise_conv2d_convolves_each_channel_with_its_own_filters():
    rng = np.random.default_rng(6)
    x, f = rng.normal(size=(2, 6, 5, 3)), rng.normal(size=(3, 3, 3, 2))
    y = _run(tf.nn.depthwise_conv2d(x, f, [1, 1, 1, 1], "SAME"))
    for c in range(3):
        per_channel = np_conv2d(x[..., c:c + 1], f[:, :, c:c + 1, :], (1, 1), "SAME")
        np.testing.assert_allclose(y[..., 2 * c:2 * c + 2], per_channel, rtol=1e-10)
    np.testing.assert_allclose(y, np_depthwise(x, f), rtol=1e-10)


def test_avg_pool_same_averages_only_the_cells_inside_the_input():
    x = _grid(3, 3)
    y = _run(tf.nn.avg_pool(x, [1, 2, 2, 1], [1, 2, 2, 1], "SAME"))[0, :, :, 0]
    np.testing.assert_array_equal(y, [[(1 + 2 + 4 + 5) / 4, (3 + 6) / 2], [(7 + 8) / 2, 9]])


def test_avg_pool_gradient_spreads_over_the_cells_each_window_averaged():
    x = tf.constant(_grid(3, 3))
    dx = _run(tf.gradients(tf.nn.avg_pool(x, [1, 2, 2, 1], [1, 2, 2, 1], "SAME"), x)[0])
    np.testing.assert_array_equal(dx[0, :, :, 0], [[.25, .25, .5], [.25, .25, .5], [.5, .5, 1]])


def test_max_pool_same_ignores_padding_even_for_negative_inputs():
    x = -_grid(3, 3)
    y = _run(tf.nn.max_pool(x, [1, 2, 2, 1], [1, 2, 2, 1], "SAME"))[0, :, :, 0]
    np.testing.assert_array_equal(y, [[-1, -3], [-7, -9]])


def test_max_pool_gradient_goes_to_the_first_of_tied_maxima():
    x = tf.constant(np.full((1, 2, 2, 1), 5.0))
    dx = _run(tf.gradients(tf.nn.max_pool(x, [1, 2, 2, 1], [1, 1, 1, 1], "VALID"), x)[0])
    np.testing.assert_array_equal(dx[0, :, :, 0], [[1, 0], [0, 0]])
    # Overlapping windows over [5, 5, 5]: each window picks its own first maximum.
    x = tf.constant(np.full((1, 1, 3, 1), 5.0))
    dx = _run(tf.gradients(tf.nn.max_pool(x, [1, 1, 2, 1], [1, 1, 1, 1], "VALID"), x)[0])
    np.testing.assert_array_equal(dx.ravel(), [1, 1, 0])


def test_max_pool_gradient_sums_where_windows_share_a_maximum():
    x = tf.constant(np.array([1.0, 9.0, 2.0]).reshape(1, 1, 3, 1))
    dx = _run(tf.gradients(tf.nn.max_pool(x, [1, 1, 2, 1], [1, 1, 1, 1], "VALID"), x)[0])
    np.testing.assert_array_equal(dx.ravel(), [0, 2, 0])


def test_lrn_defaults_are_tf1s():
    x = np.arange(1.0, 8.0).reshape(1, 1, 1, 7)
    y = _run(tf.nn.lrn(x))
    # depth_radius 5, bias 1, alpha 1, beta 0.5: channel 0 sees channels 0..5.
    assert y[0, 0, 0, 0] == pytest.approx(1 / np.sqrt(1 + np.sum(x[..., :6] ** 2)))
    assert tf.nn.local_response_normalization is tf.nn.lrn


def test_fused_batch_norm_training_returns_batch_mean_and_unbiased_variance():
    rng = np.random.default_rng(7)
    x = rng.normal(2.0, 3.0, size=(4, 3, 5, 2))
    y, mean, variance = _run(tf.nn.fused_batch_norm(x, np.ones(2), np.zeros(2)))
    flat = x.reshape(-1, 2)
    np.testing.assert_allclose(mean, flat.mean(0), rtol=1e-12)
    np.testing.assert_allclose(variance, flat.var(0, ddof=1), rtol=1e-12)
    np.testing.assert_allclose(y.reshape(-1, 2), (flat - flat.mean(0)) /
                               np.sqrt(flat.var(0) + 0.001), rtol=1e-10)


def test_fused_batch_norm_inference_uses_the_given_statistics():
    x = np.arange(8.0).reshape(1, 2, 2, 2)
    y, mean, variance = _run(tf.nn.fused_batch_norm(
        x, [2.0, 1.0], [0.5, 0.0], mean=[1.0, 2.0], variance=[4.0, 1.0], epsilon=0.0,
        is_training=False))
    # epsilon is raised to TF's minimum, 1.001e-5.
    expected = (x - [1, 2]) / np.sqrt(np.array([4.0, 1.0]) + 1.001e-5) * [2, 1] + [0.5, 0]
    np.testing.assert_allclose(y, expected, rtol=1e-12)
    np.testing.assert_array_equal(mean, [1, 2])
    np.testing.assert_array_equal(variance, [4, 1])


def test_fused_batch_norm_rejects_statistics_when_training():
    with pytest.raises(ValueError, match="must be None"):
        tf.nn.fused_batch_norm(tf.zeros([1, 2, 2, 3]), tf.ones([3]), tf.zeros([3]),
                               mean=tf.zeros([3]), variance=tf.ones([3]))


def test_batch_normalization_with_moments_on_4d_matches_fused_batch_norm():
    rng = np.random.default_rng(8)
    x = tf.constant(rng.normal(size=(3, 4, 5, 6)))
    scale, offset = tf.constant(rng.uniform(0.5, 2, 6)), tf.constant(rng.normal(size=6))
    mean, variance = tf.nn.moments(x, [0, 1, 2])
    unfused = tf.nn.batch_normalization(x, mean, variance, offset, scale, 0.001)
    fused = tf.nn.fused_batch_norm(x, scale, offset, epsilon=0.001)[0]
    loss_u, loss_f = tf.reduce_sum(unfused ** 3), tf.reduce_sum(fused ** 3)
    grads = tf.gradients(loss_u, [x, scale, offset]) + tf.gradients(loss_f, [x, scale, offset])
    values = _run([unfused, fused] + grads)
    np.testing.assert_allclose(values[0], values[1], rtol=1e-10, atol=1e-12)
    for a, b in zip(values[2:5], values[5:]):
        np.testing.assert_allclose(a, b, rtol=1e-8, atol=1e-10)


def test_separable_conv2d_is_depthwise_then_pointwise():
    rng = np.random.default_rng(9)
    x, dw, pw = rng.normal(size=(2, 6, 5, 3)), rng.normal(size=(3, 3, 3, 2)), \
        rng.normal(size=(1, 1, 6, 4))
    y = _run(tf.nn.separable_conv2d(x, dw, pw, [1, 1, 1, 1], "SAME"))
    np.testing.assert_allclose(y, np_conv2d(np_depthwise(x, dw), pw), rtol=1e-10)


def test_conv2d_accepts_tf_argument_names_and_records_its_op_type():
    y = tf.nn.conv2d(input=tf.zeros([1, 4, 4, 2]), filters=tf.zeros([2, 2, 2, 3]),
                     strides=[1, 1, 1, 1], padding="VALID", name="c1")
    assert (y.op.name, y.op.type, y.shape.as_list()) == ("c1", "Conv2D", [1, 3, 3, 3])
    pooled = tf.nn.max_pool(value=y, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="SAME")
    assert pooled.op.type == "MaxPool" and pooled.shape.as_list() == [1, 2, 2, 3]


# --- the kernels' fast paths, against naive loops in float32 ----------------------------------
CONV_GEOMETRIES = [  # x shape, filter shape, strides, padding, dilations
    ((5, 9, 7, 3), (3, 3, 3, 4), (1, 1), "SAME", (1, 1)),  # input grad: rotated-filter GEMM
    ((5, 9, 7, 3), (2, 4, 3, 2), (1, 1), "VALID", (1, 1)),
    ((5, 11, 8, 2), (3, 2, 2, 3), (1, 1), "SAME", (2, 3)),
    ((5, 9, 7, 3), (3, 3, 3, 4), (2, 2), "SAME", (1, 1)),  # input grad: col2im
    ((5, 10, 7, 3), (4, 3, 3, 2), (2, 3), "VALID", (1, 1)),
    ((5, 12, 9, 2), (3, 3, 2, 2), (2, 1), "SAME", (2, 2)),
    ((5, 6, 5, 4), (1, 1, 4, 3), (1, 1), "SAME", (1, 1)),  # the input is its own im2col
    ((5, 6, 5, 4), (1, 1, 4, 3), (2, 2), "VALID", (1, 1)),
    ((5, 2, 6, 1), (3, 3, 1, 2), (1, 1), "VALID", (1, 1)),  # kernel taller than the input
]


@pytest.mark.parametrize("cols_bytes", [1, 1 << 30], ids=["image-blocks", "one-block"])
@pytest.mark.parametrize("shape,fshape,s,padding,d", CONV_GEOMETRIES)
def test_conv_kernels_match_naive_loops_in_float32(monkeypatch, cols_bytes, shape, fshape, s,
                                                   padding, d):
    monkeypatch.setattr(conv_kernels, "COLS_BYTES", cols_bytes)
    rng = np.random.default_rng(11)
    x, f = rng.normal(size=shape), rng.normal(size=fshape)
    strides, dilations = [1, *s, 1], [1, *d, 1]
    args = (strides, padding, "NHWC", dilations)
    y = conv_kernels.conv2d(np, x.astype(np.float32), f.astype(np.float32), *args)
    g = rng.normal(size=y.shape)
    dx = conv_kernels.conv2d_backprop_input(np, np.array(shape), f.astype(np.float32),
                                            g.astype(np.float32), *args)
    df = conv_kernels.conv2d_backprop_filter(np, x.astype(np.float32), np.array(fshape),
                                             g.astype(np.float32), *args)
    for got, want in [(y, np_conv2d(x, f, s, padding, d)),
                      (dx, np_conv2d_input_grad(shape, f, g, s, padding, d)),
                      (df, np_conv2d_filter_grad(x, fshape, g, s, padding, d))]:
        assert got.dtype == np.float32 and got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("strides", [[1, 1, 1, 1], [1, 2, 1, 1]])
def test_conv_backprop_kernels_in_nchw_equal_nhwc_transposed(strides):
    rng = np.random.default_rng(12)
    x, f = rng.normal(size=(2, 7, 6, 3)), rng.normal(size=(3, 2, 3, 4))
    g = rng.normal(size=conv_kernels.conv2d(np, x, f, strides, "SAME", "NHWC", [1] * 4).shape)
    nchw = [1, strides[3], strides[1], strides[2]]
    to_nchw, to_nhwc = (0, 3, 1, 2), (0, 2, 3, 1)
    dx = conv_kernels.conv2d_backprop_input(np, x.shape, f, g, strides, "SAME", "NHWC", [1] * 4)
    dx_t = conv_kernels.conv2d_backprop_input(np, np.transpose(x, to_nchw).shape, f,
                                              np.transpose(g, to_nchw), nchw, "SAME", "NCHW",
                                              [1] * 4)
    df = conv_kernels.conv2d_backprop_filter(np, x, f.shape, g, strides, "SAME", "NHWC", [1] * 4)
    df_t = conv_kernels.conv2d_backprop_filter(np, np.transpose(x, to_nchw), f.shape,
                                               np.transpose(g, to_nchw), nchw, "SAME", "NCHW",
                                               [1] * 4)
    np.testing.assert_allclose(np.transpose(dx_t, to_nhwc), dx, rtol=1e-12)
    np.testing.assert_allclose(df_t, df, rtol=1e-12)


POOL_GEOMETRIES = [  # x shape, ksize, strides, padding, tiled (strided slices, no padding)
    ((3, 8, 6, 4), (2, 2), (2, 2), "SAME", True),
    ((3, 7, 9, 2), (2, 2), (2, 2), "VALID", True),  # the last row and column are in no window
    ((3, 9, 6, 2), (3, 2), (3, 2), "VALID", True),
    ((3, 7, 5, 2), (2, 2), (2, 2), "SAME", False),  # padded at the end
    ((3, 7, 6, 2), (3, 3), (2, 2), "SAME", False),  # overlapping windows
]


def _pool_all(x, g, gg, k, s, padding):
    ksize, strides = [1, *k, 1], [1, *s, 1]
    attrs = (ksize, strides, padding, "NHWC")
    return [pool_kernels.max_pool(np, x, *attrs),
            pool_kernels.max_pool_grad(np, x, None, g, *attrs),
            pool_kernels.max_pool_grad_grad(np, x, None, gg, *attrs),
            pool_kernels.avg_pool(np, x, *attrs),
            pool_kernels.avg_pool_grad(np, x.shape, g, *attrs)]


def _pool_inputs(shape, k, s, padding, seed=13):
    rng = np.random.default_rng(seed)
    x = rng.integers(-2, 3, size=shape).astype(np.float32)  # few values: many tied maxima
    out_shape = conv_kernels.conv2d(np, x, np.zeros((*k, shape[3], 1), np.float32),
                                    [1, *s, 1], padding, "NHWC", [1] * 4).shape[:3]
    g = rng.normal(size=(*out_shape, shape[3])).astype(np.float32)
    return x, g, rng.normal(size=shape).astype(np.float32)


@pytest.mark.parametrize("shape,k,s,padding,tiled", POOL_GEOMETRIES)
def test_pool_kernels_match_naive_loops_with_tied_maxima(shape, k, s, padding, tiled):
    assert bool(pool_kernels.tiles(shape, *k, [1, *s, 1], padding)) == tiled
    x, g, gg = _pool_inputs(shape, k, s, padding)
    x64, g64, gg64 = (a.astype(np.float64) for a in (x, g, gg))
    expected = [np_max_pool(x64, k, s, padding), np_max_pool_grad(x64, g64, k, s, padding),
                np_max_pool_grad_grad(x64, gg64, k, s, padding), np_avg_pool(x64, k, s, padding),
                np_avg_pool_grad(shape, g64, k, s, padding)]
    for got, want in zip(_pool_all(x, g, gg, k, s, padding), expected):
        assert got.dtype == np.float32 and got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("shape,k,s,padding", [g[:4] for g in POOL_GEOMETRIES if g[4]])
def test_pool_strided_slice_path_equals_the_general_window_path(monkeypatch, shape, k, s,
                                                                padding):
    x, g, gg = _pool_inputs(shape, k, s, padding, seed=14)
    fast = _pool_all(x, g, gg, k, s, padding)
    monkeypatch.setattr(pool_kernels, "tiles", lambda *args: None)
    general = _pool_all(x, g, gg, k, s, padding)
    for a, b in zip(fast, general):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=0)
    np.testing.assert_array_equal(fast[1], general[1])


@pytest.mark.parametrize("tiled", [True, False])
def test_max_pool_gradient_keeps_nan_and_inf_on_the_chosen_cell_only(monkeypatch, tiled):
    if not tiled:
        monkeypatch.setattr(pool_kernels, "tiles", lambda *args: None)
    # Windows: [nan, 1 | 2, 3], [1, nan | 3, 2]: a NaN first cell is kept (nothing compares
    # greater), a later NaN is skipped, as TF1's CPU kernel does.
    x = np.array([[np.nan, 1, 1, np.nan], [2, 3, 3, 2]], np.float32).reshape(1, 2, 4, 1)
    g = np.array([np.inf, np.nan], np.float32).reshape(1, 1, 2, 1)
    dx = pool_kernels.max_pool_grad(np, x, None, g, [1, 2, 2, 1], [1, 2, 2, 1], "VALID", "NHWC")
    np.testing.assert_array_equal(dx.reshape(2, 4), [[np.inf, 0, 0, 0], [0, 0, np.nan, 0]])
