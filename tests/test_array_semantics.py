"""TF1 semantics of the array and shape ops beyond the shared op checks: static shapes with
unknown dims, build-time errors naming the op and shapes, dtype rules, argument aliases."""
import numpy as np
import pytest

import graphgrad as tf


def run(*fetches, feed=None):
    with tf.Session() as sess:
        return sess.run(list(fetches), feed)


# --- static shapes with unknown dims -----------------------------------------------------------

def test_reshape_infers_the_minus_one_dim_only_when_it_can():
    x = tf.placeholder(tf.float32, [None, 3, 4])
    assert tf.reshape(x, [-1, 12]).shape.as_tuple() == (None, 12)
    assert tf.reshape(x, [-1, 2, 6]).shape.as_tuple() == (None, 2, 6)
    assert tf.reshape(tf.zeros([6, 4]), [-1, 3]).shape.as_tuple() == (8, 3)
    assert tf.reshape(x, tf.shape(x)).shape.as_tuple() == (None, 3, 4)
    n = tf.placeholder(tf.int32, [])
    assert tf.reshape(x, tf.stack([n, 12])).shape.as_tuple() == (None, 12)
    (value,) = run(tf.reshape(x, [-1, 12]), feed={x: np.zeros((2, 3, 4))})
    assert value.shape == (2, 12)


def test_reshape_element_count_mismatch_names_the_op_and_shapes():
    with pytest.raises(ValueError, match=r"Cannot reshape a tensor with 6 elements to shape "
                                         r"\[4\] \(4 elements\) for 'Reshape' \(op: 'Reshape'\) "
                                         r"with input shapes: \[2,3\], \[1\]"):
        tf.reshape(tf.zeros([2, 3]), [4])
    with pytest.raises(ValueError, match="Cannot reshape a tensor with 6 elements to shape"):
        tf.reshape(tf.zeros([2, 3]), [4, -1])
    with pytest.raises(ValueError, match="Cannot reshape a tensor with 5 elements"):
        tf.reshape(tf.placeholder(tf.float32, [None, 5]), [3, 4])


def test_concat_sums_known_axis_dims_and_merges_the_others():
    a = tf.placeholder(tf.float32, [None, 3])
    b = tf.placeholder(tf.float32, [2, None])
    c = tf.placeholder(tf.float32, [None, 5])
    assert tf.concat([a, c], 1).shape.as_tuple() == (None, 8)
    assert tf.concat([a, b], 0).shape.as_tuple() == (None, 3)
    assert tf.concat([b, tf.zeros([4, 7])], 0).shape.as_tuple() == (6, 7)
    assert tf.concat([a, tf.placeholder(tf.float32)], -1).shape.as_tuple() == (None, None)
    y = tf.concat([a, c], axis=tf.constant(-1))
    assert (y.op.type, y.op.name) == ("ConcatV2", "concat_4")
    (value,) = run(y, feed={a: np.ones((2, 3)), c: np.zeros((2, 5))})
    np.testing.assert_array_equal(value, np.concatenate([np.ones((2, 3)), np.zeros((2, 5))], 1))


def test_concat_rank_and_dim_mismatches_raise_at_build_time():
    with pytest.raises(ValueError, match=r"Shape must be rank 2 but is rank 3 for 'concat' "
                                         r"\(op: 'ConcatV2'\) with input shapes: \[2,3\], "
                                         r"\[2,3,4\]"):
        tf.concat([tf.zeros([2, 3]), tf.zeros([2, 3, 4])], 0)
    with pytest.raises(ValueError, match="Dimension 1 in both shapes must be equal, but are 3 "
                                         "and 4"):
        tf.concat([tf.zeros([2, 3]), tf.zeros([2, 4])], 0)
    with pytest.raises(ValueError, match="Can't concatenate scalars"):
        tf.concat([1.0, 2.0], 0)


def test_concat_of_one_tensor_is_an_identity_named_concat():
    y = tf.concat([tf.zeros([2])], 0)
    assert (y.op.type, y.op.name) == ("Identity", "concat")


def test_squeeze_and_expand_dims_static_shapes_and_errors():
    x = tf.placeholder(tf.float32, [None, 1, 3, 1])
    assert tf.squeeze(x, [1]).shape.as_tuple() == (None, 3, 1)
    assert tf.squeeze(x, axis=-1).shape.as_tuple() == (None, 1, 3)
    assert tf.squeeze(x).shape.as_tuple() is None  # the unknown dim may be 1
    assert tf.squeeze(tf.zeros([1, 3, 1])).shape.as_tuple() == (3,)
    assert tf.expand_dims(x, 0).shape.as_tuple() == (1, None, 1, 3, 1)
    with pytest.raises(ValueError, match=r"Can not squeeze dim\[2\], expected a dimension of 1, "
                                         r"got 3 for 'Squeeze_\d+' \(op: 'Squeeze'\)"):
        tf.squeeze(x, [2])
    with pytest.raises(ValueError, match="Tried to expand dim index 6 for tensor with 4"):
        tf.expand_dims(x, 6)
    with pytest.raises(ValueError, match="Cannot specify both 'axis' and 'dim'"):
        tf.expand_dims(x, 0, dim=0)


def test_split_static_shapes_and_errors():
    x = tf.placeholder(tf.float32, [None, 10])
    parts = tf.split(x, [2, -1, 5], axis=1)
    assert [p.shape.as_tuple() for p in parts] == [(None, 2), (None, 3), (None, 5)]
    halves = tf.split(x, 2, 1)
    assert [p.op.type for p in halves] == ["Split", "Split"]
    assert halves[0].shape.as_tuple() == (None, 5) and parts[0].op.type == "SplitV"
    with pytest.raises(ValueError, match="evenly divisible by 3 but is 10"):
        tf.split(x, 3, axis=1)
    with pytest.raises(ValueError, match="Determined shape must either match"):
        tf.split(x, [2, 3], axis=1)
    with pytest.raises(ValueError, match="Cannot infer num"):
        tf.split(x, tf.placeholder(tf.int32, [None]), axis=1)


def test_split_with_a_size_list_or_a_size_tensor_and_num():
    x = np.arange(14.0).reshape(2, 7)
    sizes = tf.placeholder(tf.int32, [3])
    dynamic = tf.split(tf.constant(x), sizes, axis=-1, num=3)
    assert [p.shape.as_tuple() for p in dynamic] == [(2, None)] * 3
    got = run(*tf.split(tf.constant(x), [1, -1, 2], 1), *dynamic, feed={sizes: [3, 0, 4]})
    for value, expected in zip(got, np.split(x, [1, 5], 1) + np.split(x, [3, 3], 1)):
        np.testing.assert_array_equal(value, expected)


def test_tile_pad_and_slice_shapes_with_unknown_dims():
    x = tf.placeholder(tf.float32, [None, 3])
    assert tf.tile(x, [2, 2]).shape.as_tuple() == (None, 6)
    assert tf.pad(x, [[1, 1], [0, 2]]).shape.as_tuple() == (None, 5)
    assert tf.slice(x, [0, 1], [-1, 2]).shape.as_tuple() == (None, 2)
    with pytest.raises(ValueError, match="Expected multiples argument to be a vector of length "
                                         "2 but got length 3"):
        tf.tile(x, [1, 2, 3])
    with pytest.raises(ValueError, match="paddings must be less than the dimension size: 3, 0"):
        tf.pad(x, [[0, 0], [3, 0]], "REFLECT")
    with pytest.raises(ValueError, match="Unknown padding mode: WRAP"):
        tf.pad(x, [[0, 0], [1, 0]], "wrap")


def test_pad_modes_and_constant_values():
    x = np.array([[1.0, 2.0, 3.0]], np.float32)
    got = run(tf.pad(x, [[0, 0], [2, 1]], constant_values=-1.0),
              tf.pad(x, [[0, 0], [2, 1]], mode="REFLECT"),
              tf.pad(x, [[0, 0], [2, 1]], mode="SYMMETRIC"))
    np.testing.assert_array_equal(got[0], [[-1, -1, 1, 2, 3, -1]])
    np.testing.assert_array_equal(got[1], [[3, 2, 1, 2, 3, 2]])
    np.testing.assert_array_equal(got[2], [[2, 1, 1, 2, 3, 3]])


# --- dtype rules -------------------------------------------------------------------------------

def test_range_dtype_is_the_widest_argument_with_python_ints_int32():
    r = tf.range(2, 11, 3)
    assert (r.op.type, r.op.name, r.shape.as_tuple()) == ("Range", "range", (3,))
    assert tf.range(5).dtype == tf.int32
    assert tf.range(5.0).dtype == tf.float32
    assert tf.range(0, 5, 0.5).dtype == tf.float32
    assert tf.range(tf.constant(3, tf.int64)).dtype == tf.int64
    assert tf.range(3, dtype=tf.float64).dtype == tf.float64
    got = run(r, tf.range(5, 0, -2), tf.range(0.0, 1.0, 0.25))
    np.testing.assert_array_equal(got[0], [2, 5, 8])
    np.testing.assert_array_equal(got[1], [5, 3, 1])
    np.testing.assert_array_equal(got[2], [0.0, 0.25, 0.5, 0.75])
    assert got[0].dtype == np.int32
    with pytest.raises(ValueError, match="Requires start <= limit when delta > 0: 5/2"):
        tf.range(5, 2)


def test_range_and_linspace_are_not_differentiable():
    start = tf.constant(1.0)
    grads = tf.gradients(tf.reduce_sum(tf.range(start, 4.0)) + tf.reduce_sum(
        tf.linspace(start, 5.0, 3)), [start])
    assert grads == [None]


def test_one_hot_dtype_follows_on_off_values_else_float32():
    y = tf.one_hot(tf.constant([[0, 3], [1, -1]]), 3, axis=1)
    assert y.shape.as_tuple() == (2, 3, 2) and y.op.name == "one_hot"
    assert tf.one_hot([0, 2], 3).dtype == tf.float32
    assert tf.one_hot([0, 2], 3, dtype=tf.float64).dtype == tf.float64
    assert tf.one_hot([0, 2], 3, on_value=1, off_value=0).dtype == tf.int32
    with pytest.raises(TypeError, match="does not match dtype"):
        tf.one_hot([0], 3, on_value=1, off_value=0.0)
    (value,) = run(y)
    np.testing.assert_array_equal(value[0], [[1, 0], [0, 0], [0, 0]])
    np.testing.assert_array_equal(value[1], [[0, 0], [1, 0], [0, 0]])


def test_eye_sequence_mask_meshgrid_and_linspace():
    n = tf.placeholder(tf.int32, [])
    dynamic_eye = tf.eye(n, 3, batch_shape=[2], dtype=tf.int32)
    mask = tf.sequence_mask([1, 3], maxlen=4)
    xs, ys = tf.meshgrid([1, 2, 3], [4, 5])
    ii, _ = tf.meshgrid([1, 2, 3], [4, 5], indexing="ij")
    assert mask.shape.as_tuple() == (2, 4) and xs.shape.as_tuple() == (2, 3)
    assert ii.shape.as_tuple() == (3, 2)
    got = run(tf.eye(2, 3), dynamic_eye, mask, xs, ys, ii, tf.linspace(1.0, 2.0, 3),
              feed={n: 2})
    np.testing.assert_array_equal(got[0], np.eye(2, 3))
    np.testing.assert_array_equal(got[1], np.broadcast_to(np.eye(2, 3, dtype=np.int32), (2, 2, 3)))
    np.testing.assert_array_equal(got[2], [[1, 0, 0, 0], [1, 1, 1, 0]])
    np.testing.assert_array_equal(got[3], [[1, 2, 3], [1, 2, 3]])
    np.testing.assert_array_equal(got[4], [[4, 4, 4], [5, 5, 5]])
    np.testing.assert_array_equal(got[5], [[1, 1], [2, 2], [3, 3]])
    np.testing.assert_allclose(got[6], [1.0, 1.5, 2.0])
    assert got[2].dtype == np.bool_ and got[1].dtype == np.int32


def test_unique_keeps_first_occurrence_order():
    y, idx = tf.unique(tf.constant([4, 1, 4, 7, 1, 1]))
    y64 = tf.unique(tf.constant([2.5, 2.5]), out_idx=tf.int64)
    assert (y.op.type, y.shape.as_tuple(), idx.shape.as_tuple()) == ("Unique", (None,), (6,))
    got = run(y, idx, y64.idx)
    np.testing.assert_array_equal(got[0], [4, 1, 7])
    np.testing.assert_array_equal(got[1], [0, 1, 0, 2, 1, 1])
    assert got[1].dtype == np.int32 and got[2].dtype == np.int64


# --- gradients and aliases ---------------------------------------------------------------------

def test_stop_gradient_has_no_gradient():
    x = tf.constant([1.0, 2.0])
    assert tf.gradients(tf.reduce_sum(tf.stop_gradient(x)), [x]) == [None]
    (g,) = tf.gradients(tf.reduce_sum(tf.stop_gradient(x) * x), [x])
    np.testing.assert_array_equal(run(g)[0], [1.0, 2.0])


def test_placeholder_with_default_uses_the_default_unless_fed():
    x = tf.placeholder_with_default(tf.constant([1.0, 2.0]), [None])
    assert x.shape.as_tuple() == (None,)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(x), [1.0, 2.0])
        np.testing.assert_array_equal(sess.run(x, {x: [5.0, 6.0, 7.0]}), [5.0, 6.0, 7.0])


def test_tf1_old_argument_names_and_aliases():
    x = tf.constant(np.arange(6.0).reshape(2, 3, 1))
    got = run(tf.pack([x, x]), tf.unpack(x, axis=1)[2], tf.squeeze(x, squeeze_dims=[2]),
              tf.expand_dims(x, dim=0), tf.reverse_v2(x, [1]), tf.lin_space(0.0, 1.0, 2),
              tf.reverse_sequence(x[..., 0], [2, 3], seq_dim=1, batch_dim=0))
    a = np.arange(6.0).reshape(2, 3, 1)
    for value, expected in zip(got, [np.stack([a, a]), a[:, 2], a[..., 0], a[None],
                                     a[:, ::-1], [0.0, 1.0], [[1, 0, 2], [5, 4, 3]]]):
        np.testing.assert_array_equal(value, expected)


def test_fill_and_zeros_take_a_computed_shape():
    x = tf.placeholder(tf.float32, [None, 3])
    z, f = tf.zeros(tf.shape(x)), tf.fill(tf.shape(x), 2.5)
    assert z.shape.as_tuple() == (None, 3) and f.shape.as_tuple() == (None, 3)
    got = run(z, f, feed={x: np.ones((2, 3))})
    np.testing.assert_array_equal(got[0], np.zeros((2, 3)))
    np.testing.assert_array_equal(got[1], np.full((2, 3), 2.5))
