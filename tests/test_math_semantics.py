"""TF1 semantics of the math family that the per-op rows cannot state: argument aliases, dtypes,
empty inputs, integer division rules, tie-breaking, composite functions and build-time errors."""
import math

import numpy as np
import pytest

import graphgrad as tf

from .helpers import run

A = np.array([[1.0, 5.0, 3.0], [4.0, 2.0, 6.0]], dtype=np.float32)


# --- reduction arguments -----------------------------------------------------------------------
def test_reduction_axis_aliases_and_keepdims_aliases_agree():
    outs = [tf.reduce_sum(A, axis=1), tf.reduce_sum(A, reduction_indices=1),
            tf.reduce_sum(A, 1, keepdims=True), tf.reduce_sum(A, 1, keep_dims=True),
            tf.reduce_sum(A, axis=tf.constant([1]))]
    got = run(outs)
    np.testing.assert_allclose(got[0], [9.0, 12.0])
    np.testing.assert_allclose(got[1], got[0])
    assert got[2].shape == got[3].shape == (2, 1)
    np.testing.assert_allclose(got[4], got[0])


@pytest.mark.parametrize("kwargs,match", [
    (dict(axis=0, reduction_indices=0), "reduction_indices"),
    (dict(keepdims=True, keep_dims=True), "keep_dims")])
def test_reduction_rejects_both_a_name_and_its_alias(kwargs, match):
    with pytest.raises(ValueError, match=match):
        tf.reduce_mean(A, **kwargs)


def test_negative_axes_and_axis_none():
    x = np.arange(24.0).reshape(2, 3, 4)
    outs = [tf.reduce_max(x, -1), tf.reduce_min(x, [-1, 0]), tf.reduce_prod(x[:1, :1] + 1),
            tf.reduce_mean(x), tf.reduce_sum(x, axis=[])]
    assert outs[3].shape == () and outs[1].shape == (3,)
    got = run(outs)
    np.testing.assert_allclose(got[0], x.max(-1))
    np.testing.assert_allclose(got[1], x.min((0, 2)))
    np.testing.assert_allclose(got[2], np.prod(x[:1, :1] + 1))
    np.testing.assert_allclose(got[3], x.mean())
    np.testing.assert_allclose(got[4], x)


@pytest.mark.parametrize("value,axis", [(A, 2), (A, -3), (3.0, 0)])
def test_out_of_range_reduction_axis_fails_at_build_time(value, axis):
    with pytest.raises(ValueError, match="Invalid reduction dimension"):
        tf.reduce_sum(value, axis)


def test_integer_mean_truncates_toward_zero():
    x = tf.constant([[-1, -2], [3, 4], [-7, 0]])
    got = run(tf.reduce_mean(x, 1))
    assert got.dtype == np.int32
    np.testing.assert_array_equal(got, [-1, 3, -3])


def test_empty_reductions_give_the_identity():
    e = tf.zeros([0, 3])
    got = run([tf.reduce_sum(e, 0), tf.reduce_prod(e, 0), tf.reduce_max(e, 0),
               tf.reduce_min(e, 0), tf.reduce_max(tf.zeros([0], tf.int32)),
               tf.reduce_all(tf.zeros([0], tf.bool)), tf.reduce_any(tf.zeros([0], tf.bool)),
               tf.reduce_mean(e, 0), tf.reduce_logsumexp(e, 0)])
    np.testing.assert_array_equal(got[0], [0, 0, 0])
    np.testing.assert_array_equal(got[1], [1, 1, 1])
    np.testing.assert_array_equal(got[2], [-np.inf] * 3)
    np.testing.assert_array_equal(got[3], [np.inf] * 3)
    assert got[4] == np.iinfo(np.int32).min
    assert got[5] and not got[6]
    assert np.isnan(got[7]).all()
    np.testing.assert_array_equal(got[8], [-np.inf] * 3)


@pytest.mark.parametrize("fn,value", [(tf.reduce_sum, [True]), (tf.reduce_all, [1.0]),
                                      (tf.reduce_max, [True])])
def test_reductions_check_dtypes_at_build_time(fn, value):
    with pytest.raises(TypeError):
        fn(tf.constant(value))


# --- argmax ------------------------------------------------------------------------------------
def test_argmax_is_int64_by_default_and_int32_on_request():
    x = tf.constant([[1.0, 7.0, 7.0], [9.0, 2.0, 3.0]])
    outs = [tf.argmax(x, 1), tf.argmax(x, 1, output_type=tf.int32), tf.argmin(x, dimension=0),
            tf.argmax(x)]
    assert [o.dtype for o in outs] == [tf.int64, tf.int32, tf.int64, tf.int64]
    got = run(outs)
    np.testing.assert_array_equal(got[0], [1, 0])  # ties: the first index
    np.testing.assert_array_equal(got[2], [0, 1, 1])
    np.testing.assert_array_equal(got[3], [1, 0, 0])  # TF1's default axis is 0


def test_argmax_errors():
    with pytest.raises(ValueError, match="range"):
        tf.argmax(A, 2)
    with pytest.raises(TypeError):
        tf.argmax(A, 0, output_type=tf.float32)
    with pytest.raises(tf.errors.InvalidArgumentError, match="empty"):
        run(tf.argmax(tf.zeros([0, 2]), 0))


# --- division and rounding ---------------------------------------------------------------------
def test_floordiv_and_floormod_follow_python_signs():
    x, y = [7, -7, 7, -7, 6], [2, 2, -2, -2, 3]
    xf, yf = np.array(x, np.float64) + 0.5, np.array(y, np.float64)
    got = run([tf.floordiv(x, y), tf.floormod(x, y), tf.mod(x, y), tf.floordiv(xf, yf),
               tf.floormod(xf, yf), tf.div(x, y), tf.div(xf, yf)])
    np.testing.assert_array_equal(got[0], np.array(x) // np.array(y))
    np.testing.assert_array_equal(got[1], np.array(x) % np.array(y))
    np.testing.assert_array_equal(got[2], got[1])
    np.testing.assert_allclose(got[3], np.floor(xf / yf))
    np.testing.assert_allclose(got[4], np.mod(xf, yf))
    np.testing.assert_array_equal(got[5], got[0])  # TF1's tf.div floors integers
    np.testing.assert_allclose(got[6], xf / yf)


def test_floordiv_of_floats_floors_the_true_quotient():
    # np.floor_divide(1, 0.1) is 9.0; TF computes floor(1 / 0.1) = 10.0.
    assert run(tf.floordiv(1.0, 0.1)) == 10.0


def test_truncating_division_rounds_toward_zero():
    x, y = [7, -7, 7, -7, -1], [2, 2, -2, -2, 3]
    q, r = run([tf.truncatediv(x, y), tf.truncatemod(x, y)])
    np.testing.assert_array_equal(q, [3, -3, -3, 3, 0])
    np.testing.assert_array_equal(r, [1, -1, 1, -1, -1])
    with pytest.raises(TypeError):
        tf.truncatediv(1.0, 2.0)


@pytest.mark.parametrize("fn", [tf.floordiv, tf.floormod, tf.truncatediv, tf.div])
def test_integer_division_by_zero_fails_at_run_time(fn):
    with pytest.raises(tf.errors.InvalidArgumentError, match="division by zero"):
        run(fn(tf.constant([4, 5]), tf.constant([2, 0])))


def test_integer_pow_rejects_negative_exponents():
    with pytest.raises(tf.errors.InvalidArgumentError):
        run(tf.pow(tf.constant([2, 3]), tf.constant([1, -1])))


def test_round_rounds_halves_to_even_and_floor_ceil_round_have_no_gradient():
    x = tf.constant([0.5, 1.5, 2.5, -0.5, -1.5, 2.4])
    np.testing.assert_array_equal(run(tf.round(x)), [0.0, 2.0, 2.0, -0.0, -2.0, 2.0])
    assert tf.gradients([tf.floor(x), tf.ceil(x), tf.round(x)], x) == [None]


@pytest.mark.parametrize("fn", [tf.sqrt, tf.exp, tf.log, tf.sigmoid, tf.floor, tf.erf])
def test_float_only_ops_reject_integers_at_build_time(fn):
    with pytest.raises(TypeError, match="not in list of allowed values"):
        fn(tf.constant([1, 2]))


def test_arithmetic_rejects_bool():
    with pytest.raises(TypeError):
        tf.add(tf.constant([True]), tf.constant([False]))


# --- gradients with ties, bounds and zeros -----------------------------------------------------
def test_maximum_and_minimum_send_tied_gradients_to_x():
    x, y = tf.constant([1.0, 2.0, 3.0]), tf.constant([1.0, 1.0, 4.0])
    got = run(tf.gradients(tf.maximum(x, y), [x, y]) + tf.gradients(tf.minimum(x, y), [x, y]))
    np.testing.assert_array_equal(got[0], [1, 1, 0])
    np.testing.assert_array_equal(got[1], [0, 0, 1])
    np.testing.assert_array_equal(got[2], [1, 0, 1])
    np.testing.assert_array_equal(got[3], [0, 1, 0])


def test_reduce_max_splits_the_gradient_between_tied_maxima():
    x = tf.constant([[3.0, 1.0, 3.0], [0.0, 2.0, 1.0]])
    np.testing.assert_allclose(run(tf.gradients(tf.reduce_max(x, 1), x)[0]),
                               [[0.5, 0, 0.5], [0, 1, 0]])


def test_clip_by_value_clips_and_passes_gradient_inside_and_on_the_bounds():
    t = tf.constant([-2.0, -1.0, 0.5, 1.0, 3.0])
    c = tf.clip_by_value(t, -1.0, 1.0)
    assert c.op.name == "clip_by_value"
    value, grad = run([c, tf.gradients(c, t)[0]])
    np.testing.assert_array_equal(value, [-1.0, -1.0, 0.5, 1.0, 1.0])
    np.testing.assert_array_equal(grad, [0, 1, 1, 1, 0])
    per_column = tf.clip_by_value(tf.constant(A), [0.0, 2.0, 4.0], 5.0)
    np.testing.assert_array_equal(run(per_column), np.clip(A, [0.0, 2.0, 4.0], 5.0))
    with pytest.raises(ValueError):
        tf.clip_by_value(tf.constant([1.0, 2.0]), tf.zeros([3, 2]), 1.0)


def test_prod_gradient_is_the_product_of_the_others_even_with_zeros():
    x = tf.constant([[2.0, 0.0, 3.0], [0.0, 0.0, 4.0], [1.0, 2.0, 5.0]], tf.float64)
    y = tf.constant([[2.0, 0.0, 3.0], [1.0, 2.0, 5.0]], tf.float64)
    rows, full, both_axes = run([tf.gradients(tf.reduce_prod(x, 1), x)[0],
                                 tf.gradients(tf.reduce_prod(x[:1]), x)[0],
                                 tf.gradients(tf.reduce_prod(y, [0, 1]), y)[0]])
    np.testing.assert_array_equal(rows, [[0, 6, 0], [0, 0, 0], [10, 5, 2]])
    np.testing.assert_array_equal(full, [[0, 6, 0], [0, 0, 0], [0, 0, 0]])
    np.testing.assert_array_equal(both_axes, [[0, 60, 0], [0, 0, 0]])


def test_cast_gradient_and_identity_cast():
    x = tf.constant([1.5, -2.5], tf.float32)
    assert tf.cast(x, tf.float32) is x
    y = tf.cast(x, tf.float64) * 3.0
    grad = tf.gradients(y, x)[0]
    assert grad.dtype == tf.float32
    np.testing.assert_array_equal(run(grad), [3.0, 3.0])
    np.testing.assert_array_equal(run(tf.cast(x, tf.int32)), [1, -2])  # toward zero
    assert tf.gradients(tf.cast(tf.cast(x, tf.int32), tf.float32), x) == [None]


# --- scans -------------------------------------------------------------------------------------
def test_cumsum_and_cumprod_exclusive_and_reverse():
    v = [1, 2, 3, 4]
    got = run([tf.cumsum(v), tf.cumsum(v, exclusive=True), tf.cumsum(v, reverse=True),
               tf.cumsum(v, exclusive=True, reverse=True), tf.cumprod(v),
               tf.cumprod(v, exclusive=True), tf.cumprod(v, exclusive=True, reverse=True),
               tf.cumsum(tf.constant(A), axis=tf.constant(1))])
    expected = [[1, 3, 6, 10], [0, 1, 3, 6], [10, 9, 7, 4], [9, 7, 4, 0], [1, 2, 6, 24],
                [1, 1, 2, 6], [24, 12, 4, 1], np.cumsum(A, 1)]
    for g, e in zip(got, expected):
        np.testing.assert_array_equal(g, e)
    assert got[0].dtype == np.int32
    with pytest.raises(ValueError):
        tf.cumsum(tf.constant(A), 2)


def test_cumsum_gradient_is_the_reversed_cumsum():
    x = tf.constant([1.0, 2.0, 3.0])
    g1, g2 = tf.gradients(tf.reduce_sum(tf.cumsum(x) * [1.0, 10.0, 100.0]), x)[0], \
        tf.gradients(tf.reduce_sum(tf.cumsum(x, exclusive=True, reverse=True) *
                                   [1.0, 10.0, 100.0]), x)[0]
    got = run([g1, g2])
    np.testing.assert_array_equal(got[0], [111, 110, 100])
    np.testing.assert_array_equal(got[1], [0, 1, 11])


# --- composites --------------------------------------------------------------------------------
def test_reduce_logsumexp_is_stable_and_keeps_dims():
    x = tf.constant([[1000.0, 1000.0], [-1000.0, -np.inf]])
    got = run([tf.reduce_logsumexp(x, 1), tf.reduce_logsumexp(x, 1, keepdims=True),
               tf.reduce_logsumexp(tf.constant([-np.inf, -np.inf]))])
    np.testing.assert_allclose(got[0], [1000 + math.log(2), -1000], rtol=1e-6)
    assert got[1].shape == (2, 1)
    assert got[2] == -np.inf


def test_count_nonzero_counts_as_int64_unless_told():
    x = tf.constant([[0.0, 1.5, -2.0], [0.0, 0.0, 3.0]])
    outs = [tf.count_nonzero(x), tf.count_nonzero(x, 1, dtype=tf.int32),
            tf.count_nonzero(tf.constant([True, False, True])),
            tf.count_nonzero(x, axis=0, keepdims=True)]
    assert [o.dtype for o in outs] == [tf.int64, tf.int32, tf.int64, tf.int64]
    got = run(outs)
    assert got[0] == 3 and got[2] == 2
    np.testing.assert_array_equal(got[1], [2, 1])
    np.testing.assert_array_equal(got[3], [[0, 1, 2]])


def test_log_sigmoid_and_sigmoid_are_stable_at_the_tails():
    x = tf.constant([-1000.0, 0.0, 1000.0])
    ls, s = run([tf.log_sigmoid(x), tf.sigmoid(x)])
    np.testing.assert_allclose(ls, [-1000.0, -math.log(2), 0.0])
    np.testing.assert_allclose(s, [0.0, 0.5, 1.0])


def test_erf_and_erfc_match_the_math_module_in_float64():
    grid = np.concatenate([np.linspace(-7, 7, 2801), [1e-12, -1e-300, 30.0]])
    got_erf, got_erfc = run([tf.erf(grid), tf.erfc(grid)])
    ref_erf = np.array([math.erf(v) for v in grid])
    ref_erfc = np.array([math.erfc(v) for v in grid])
    np.testing.assert_allclose(got_erf, ref_erf, rtol=5e-15, atol=1e-300)
    np.testing.assert_allclose(got_erfc, ref_erfc, rtol=5e-14, atol=1e-300)


def test_reduce_variance_and_std():
    x = np.array([[1.0, 2.0, 4.0], [3.0, 5.0, 9.0]])
    var, std = run([tf.math.reduce_variance(x, 1), tf.math.reduce_std(x, 0, keepdims=True)])
    np.testing.assert_allclose(var, x.var(1))
    np.testing.assert_allclose(std, x.std(0, keepdims=True))


# --- matmul, tensordot, add_n, where -----------------------------------------------------------
def test_tensordot_matches_numpy():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(2, 3, 4)), rng.normal(size=(4, 3, 5))
    v = rng.normal(size=3)
    dynamic = tf.placeholder(tf.float64, [None, 3, 4])
    outs = [tf.tensordot(a, b, [[1, 2], [1, 0]]), tf.tensordot(a, b[:, 0, :], 1),
            tf.tensordot(v, v, 1), tf.tensordot(a, v, [[1], [0]]), tf.tensordot(a, b, 0),
            tf.tensordot(dynamic, b, [[2], [0]])]
    assert outs[0].op.name == "Tensordot" and outs[5].shape.as_list() == [None, 3, 3, 5]
    got = run(outs, {dynamic: a})
    expected = [np.tensordot(a, b, [[1, 2], [1, 0]]), np.tensordot(a, b[:, 0, :], 1),
                np.tensordot(v, v, 1), np.tensordot(a, v, [[1], [0]]), np.tensordot(a, b, 0),
                np.tensordot(a, b, [[2], [0]])]
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e, rtol=1e-12)
    with pytest.raises(ValueError):
        tf.tensordot(a, b, [[0], [0]])


def test_matmul_inner_dimension_mismatch_names_the_op_and_shapes():
    a, b = tf.ones([2, 3]), tf.ones([4, 5])
    with pytest.raises(ValueError) as info:
        tf.matmul(a, b, name="dense")
    message = str(info.value)
    assert "3 and 4" in message and "'dense'" in message and "MatMul" in message
    assert "[2,3], [4,5]" in message
    with pytest.raises(ValueError, match="rank"):
        tf.matmul(tf.ones([3]), tf.ones([3, 2]))


def test_matmul_transposes_and_broadcasts_batch_dims():
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(2, 1, 4, 3)), rng.normal(size=(5, 2, 4))
    out = tf.matmul(a, b, transpose_a=True, transpose_b=True)
    assert out.shape.as_list() == [2, 5, 3, 2]
    np.testing.assert_allclose(run(out), np.swapaxes(a, -1, -2) @ np.swapaxes(b, -1, -2))


def test_add_n_sums_and_passes_a_single_input_through():
    a, b = tf.constant([1, 2]), tf.constant([10, 20])
    total = tf.add_n([a, b, a])
    assert total.op.type == "AddN"
    np.testing.assert_array_equal(run(total), [12, 24])
    assert tf.add_n([a]) is a
    assert tf.add_n([a], name="only").op.type == "Identity"
    with pytest.raises(ValueError):
        tf.add_n([])
    with pytest.raises(ValueError):
        tf.add_n([tf.ones([2]), tf.ones([3])])


def test_where_with_a_vector_condition_picks_rows_and_select_is_an_alias():
    x = np.arange(6.0).reshape(3, 2)
    out = tf.where([True, False, True], x, -x)
    np.testing.assert_array_equal(run(out), [[0, 1], [-2, -3], [4, 5]])
    np.testing.assert_array_equal(run(tf.select([True, False], [1, 2], [3, 4])), [1, 4])
    with pytest.raises(ValueError):
        tf.where([True, False], x, -x)
