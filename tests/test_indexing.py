"""Tensor.__getitem__ (StridedSlice) and the gather/where family: values, static shapes with
unknown dims, tensor-valued indices, gradients, and TF1's errors."""
import numpy as np
import pytest

import graphgrad as tf
from graphgrad.ops.indexing_ops import where_indices

A = np.arange(60, dtype=np.float32).reshape(3, 4, 5) * 0.5 - 7


KEYS = [
    ("x[:, 0]", lambda x: x[:, 0], (None, 5)),
    ("x[..., 1:3]", lambda x: x[..., 1:3], (None, 4, 2)),
    ("x[None]", lambda x: x[None], (1, None, 4, 5)),
    ("x[::-1]", lambda x: x[::-1], (None, 4, 5)),
    ("x[1:-1:2]", lambda x: x[1:-1:2], (None, 4, 5)),
    ("x[:, ::-2, -1]", lambda x: x[:, ::-2, -1], (None, 2)),
    ("x[-1, None, 3:0:-1]", lambda x: x[-1, None, 3:0:-1], (1, 3, 5)),
    ("x[..., None, 0]", lambda x: x[..., None, 0], (None, 4, 1)),
    ("x[0, 1, 2]", lambda x: x[0, 1, 2], ()),
    ("x[:, 10:]", lambda x: x[:, 10:], (None, 0, 5)),
]


@pytest.mark.parametrize("key,index,unknown_batch_shape", KEYS, ids=[k[0] for k in KEYS])
def test_getitem_matches_numpy_with_exact_or_partial_static_shape(key, index,
                                                                   unknown_batch_shape):
    x = tf.placeholder(tf.float32, [3, 4, 5])
    loose = tf.placeholder(tf.float32, [None, 4, 5])
    y, y_loose = index(x), index(loose)
    assert y.shape.as_tuple() == np.shape(index(A))
    assert y_loose.shape.as_tuple() == unknown_batch_shape
    with tf.Session() as sess:
        value, loose_value = sess.run([y, y_loose], {x: A, loose: A})
    np.testing.assert_array_equal(value, index(A))
    np.testing.assert_array_equal(loose_value, index(A))


def test_int_tensor_index_shrinks_the_dim_and_keeps_the_static_shape():
    x = tf.placeholder(tf.float32, [None, 4, 5])
    i = tf.placeholder(tf.int32, [])
    j = tf.placeholder(tf.int64, [])
    y, z, w = x[i], x[:, -i], x[j, 1:, j]
    assert y.shape.as_tuple() == (4, 5)
    assert z.shape.as_tuple() == (None, 5)
    assert w.shape.as_tuple() == (3,)
    with tf.Session() as sess:
        got = sess.run([y, z, w], {x: A, i: 2, j: 1})
    for value, expected in zip(got, [A[2], A[:, -2], A[1, 1:, 1]]):
        np.testing.assert_array_equal(value, expected)


def test_tensor_slice_bounds_and_steps_give_unknown_dims_and_numpy_values():
    x = tf.placeholder(tf.float32, [3, 4, 5])
    n = tf.placeholder(tf.int32, [])
    first_n, window, stepped = x[:, :n], x[n - 1:n + 1], x[..., ::n]
    assert first_n.shape.as_tuple() == (3, None, 5)
    assert window.shape.as_tuple() == (None, 4, 5)
    assert stepped.shape.as_tuple() == (3, 4, None)
    with tf.Session() as sess:
        got = sess.run([first_n, window, stepped, x[::-n]], {x: A, n: 2})
    for value, expected in zip(got, [A[:, :2], A[1:3], A[..., ::2], A[::-2]]):
        np.testing.assert_array_equal(value, expected)


def test_getitem_names_its_op_strided_slice_with_scoped_begin_end_strides():
    x = tf.constant(A)
    a, b = x[0], x[1:]
    assert (a.op.type, a.op.name, b.op.name) == ("StridedSlice", "strided_slice",
                                                  "strided_slice_1")
    assert [t.op.name for t in a.op.inputs[1:]] == [
        "strided_slice/stack", "strided_slice/stack_1", "strided_slice/stack_2"]
    assert a.op.get_attr("shrink_axis_mask") == 1
    assert b.op.get_attr("end_mask") == 1


def test_gradient_through_slices_scatters_back_into_the_input_shape():
    x = tf.placeholder(tf.float64, [3, 4, 5])
    i = tf.placeholder(tf.int32, [])
    y = tf.reduce_sum(x[1:-1:2, ::-1] * 2.0) + tf.reduce_sum(x[i, :, None, 3]) + \
        tf.reduce_sum(x[..., 0]) + tf.reduce_sum(x[..., 0])
    (g,) = tf.gradients(y, [x])
    assert g.shape.as_tuple() == (3, 4, 5)
    with tf.Session() as sess:
        value = sess.run(g, {x: A.astype(np.float64), i: 2})
    expected = np.zeros((3, 4, 5))
    expected[1:-1:2, ::-1] += 2
    expected[2, :, 3] += 1
    expected[..., 0] += 2  # the two uses of x[..., 0] add up
    np.testing.assert_array_equal(value, expected)


def test_second_derivative_through_a_slice():
    x = tf.placeholder(tf.float64, [4])
    y = tf.reduce_sum(x[::-2] ** 3)
    (g,) = tf.gradients(y, [x])
    (h,) = tf.gradients(tf.reduce_sum(g), [x])
    with tf.Session() as sess:
        value = sess.run(h, {x: [1.0, 2.0, 3.0, 4.0]})
    np.testing.assert_allclose(value, [0.0, 12.0, 0.0, 24.0])


def test_strided_slice_with_masks_matches_the_equivalent_getitem():
    x = tf.constant(A)
    y = tf.strided_slice(x, [0, 1, 0, 4], [0, 3, 0, 0], [1, 1, 1, -1], begin_mask=0,
                         end_mask=8, ellipsis_mask=1, new_axis_mask=4)
    assert y.op.name == "StridedSlice"
    assert y.shape.as_tuple() == (3, 2, 1, 5)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y), A[..., 1:3, None, 4::-1])


def test_iterating_a_tensor_of_known_leading_dim_indexes_it():
    rows = list(tf.constant(A[:, 0, :2]))
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(rows), list(A[:, 0, :2]))


def test_variables_index_like_tensors():
    v = tf.Variable(A[0])
    row = v[1, ::2]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(row), A[0, 1, ::2])


@pytest.mark.parametrize("bad", [1.5, [0, 1], np.array([0]), tf.float32])
def test_invalid_index_types_raise_type_error(bad):
    with pytest.raises(TypeError, match="Only integers, slices"):
        tf.constant(A)[bad]


def test_float_or_vector_index_tensors_raise_type_error():
    x = tf.constant(A)
    with pytest.raises(TypeError, match="scalar tf.int32/tf.int64 tensors"):
        x[tf.constant(1.0)]
    with pytest.raises(TypeError, match="scalar tf.int32/tf.int64 tensors"):
        x[tf.constant([0, 1])]


def test_static_out_of_range_index_and_too_many_indices_raise_value_error():
    x = tf.constant(A)
    with pytest.raises(ValueError, match=r"slice index 3 of dimension 0 out of bounds.*"
                                         r"strided_slice.*StridedSlice"):
        x[3]
    with pytest.raises(ValueError, match="Index out of range using input dim 3"):
        x[0, 0, 0, 0]
    with pytest.raises(ValueError, match="strides.*must be non-zero"):
        x[::0]


def test_runtime_out_of_range_tensor_index_raises_invalid_argument():
    x = tf.constant(A)
    i = tf.placeholder(tf.int32, [])
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError,
                                             match="strided_slice"):
        sess.run(x[i], {i: 3})


# --- gather, gather_nd, scatter_nd, where, boolean_mask ----------------------------------------

def test_gather_gradient_adds_up_repeated_indices_densely():
    params = tf.placeholder(tf.float64, [4, 3])
    y = tf.gather(params, [2, 0, 2, 2]) * tf.constant([[1.0], [2.0], [3.0], [4.0]], tf.float64)
    (g,) = tf.gradients(tf.reduce_sum(y), [params])
    assert y.op.inputs[0].op.type == "GatherV2" and y.op.inputs[0].op.name == "GatherV2"
    with tf.Session() as sess:
        value = sess.run(g, {params: np.ones((4, 3))})
    np.testing.assert_array_equal(value, [[2.0] * 3, [0.0] * 3, [8.0] * 3, [0.0] * 3])


def test_gather_out_of_range_index_names_the_index_at_run_time():
    x = tf.gather(tf.constant(A[0]), tf.constant([1, 7]))
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError,
                                             match=r"indices\[1\] = 7 is not in \[0, 4\)"):
        sess.run(x)


def test_gather_nd_and_scatter_nd_are_adjoint_and_sum_duplicates():
    indices = tf.constant([[0, 1], [2, 3], [0, 1]])
    picked = tf.gather_nd(tf.constant(A[0]), indices)
    scattered = tf.scatter_nd(indices, tf.constant([1.0, 2.0, 3.0]), [3, 4])
    assert picked.shape.as_tuple() == (3,) and scattered.shape.as_tuple() == (3, 4)
    with tf.Session() as sess:
        p, s = sess.run([picked, scattered])
    np.testing.assert_array_equal(p, [A[0, 0, 1], A[0, 2, 3], A[0, 0, 1]])
    expected = np.zeros((3, 4), np.float32)
    expected[0, 1], expected[2, 3] = 4.0, 2.0
    np.testing.assert_array_equal(s, expected)


def test_where_with_one_argument_gives_int64_coordinates_of_true_elements():
    cond = tf.placeholder(tf.bool, [None, 3])
    coords = tf.where(cond)
    assert coords.op.type == "Where"
    assert coords.dtype == tf.int64 and coords.shape.as_tuple() == (None, 2)
    mask = np.array([[True, False, True], [False, False, True]])
    with tf.Session() as sess:
        value = sess.run(coords, {cond: mask})
        empty = sess.run(coords, {cond: np.zeros((0, 3), bool)})
        scalar = sess.run(where_indices(tf.constant(2.5)))
    np.testing.assert_array_equal(value, [[0, 0], [0, 2], [1, 2]])
    assert value.dtype == np.int64 and empty.shape == (0, 2) and scalar.shape == (1, 0)
    assert tf.gradients(tf.cast(coords, tf.float32), [cond]) == [None]


def test_boolean_mask_flattens_the_mask_dims_and_passes_gradients():
    x = tf.placeholder(tf.float64, [None, 4, 5])
    mask = np.array([[True, False, True, True], [False] * 4, [True] * 4])
    y = tf.boolean_mask(x, mask)
    z = tf.boolean_mask(x, mask[0], axis=1)
    assert y.shape.as_tuple() == (None, 5) and z.shape.as_tuple() == (None, None, 5)
    (g,) = tf.gradients(tf.reduce_sum(y), [x])
    with tf.Session() as sess:
        yv, zv, gv = sess.run([y, z, g], {x: A.astype(np.float64)})
    np.testing.assert_array_equal(yv, A[mask])
    np.testing.assert_array_equal(zv, A[:, mask[0]])
    np.testing.assert_array_equal(gv, np.broadcast_to(mask[..., None], A.shape) * 1.0)
    with pytest.raises(ValueError, match="mask cannot be scalar"):
        tf.boolean_mask(x, True)


def test_slice_takes_minus_one_for_the_rest_and_checks_bounds():
    x = tf.placeholder(tf.float32, [3, None, 5])
    y = tf.slice(x, [1, 2, 0], [-1, 1, 3])
    assert y.op.type == "Slice" and y.shape.as_tuple() == (2, 1, 3)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y, {x: A}), A[1:, 2:3, 0:3])
    with pytest.raises(ValueError, match=r"Expected size\[0\] in \[0, 2\], but got 3"):
        tf.slice(x, [1, 0, 0], [3, 1, 1])
