"""Errors use TF's classes and key texts, and name the op, its shapes and the user's line."""
import numpy as np
import pytest

import graphgrad as tf

from .helpers import line_of


def test_unfed_placeholders_are_all_named_with_the_fetch_needing_each():
    x = tf.placeholder(tf.float32, [None, 784], name="x")  # marker: x created
    labels = tf.placeholder(tf.int32, [None], name="labels")
    loss = tf.reduce_sum(x, name="loss")
    count = tf.reduce_sum(labels, name="count")
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError) as info:
            sess.run([loss, count])
    text = str(info.value)
    assert "You must feed a value for placeholder tensors 'x', 'labels'" in text
    site = f"{__file__}:{line_of(__file__, 'x created')}"
    assert f"'x' (Placeholder, float32 [?,784], created at {site}), which 'loss:0' needs" in text
    assert "'labels' (Placeholder, int32 [?]" in text and "which 'count:0' needs" in text
    assert info.value.op is x.op


def test_one_unfed_placeholder_uses_tf_wording():
    x = tf.placeholder(tf.float32, [None, 3], name="inputs")
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"You must feed a value for placeholder tensor 'inputs' with "
                                 r"dtype float32 and shape \[\?,3\]"):
            sess.run(x * 2.0)


def test_uninitialized_variable_is_a_failed_precondition_naming_it():
    v = tf.Variable(np.ones(3, np.float32), name="dense_kernel")
    with tf.Session() as sess:
        with pytest.raises(tf.errors.FailedPreconditionError) as info:
            sess.run(v + 1.0)
    assert "Attempting to use uninitialized value dense_kernel" in str(info.value)
    assert f"created at {__file__}:" in str(info.value)


def test_feeding_the_wrong_shape_names_the_placeholder_and_both_shapes():
    x = tf.placeholder(tf.float32, [None, 3], name="features")
    with tf.Session() as sess:
        with pytest.raises(ValueError) as info:
            sess.run(x, {x: np.zeros((2, 4), np.float32)})
    assert ("Cannot feed value of shape (2, 4) for Tensor 'features:0', which has shape "
            "'(?, 3)'") in str(info.value)


def test_feeding_an_incompatible_dtype_is_a_value_error():
    n = tf.placeholder(tf.int32, [2], name="n")
    f = tf.placeholder(tf.float32, [], name="f")
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(n, {n: np.array([1.0, 2.0])}), [1, 2])
        with pytest.raises(ValueError, match="Cannot feed value of dtype float64 for Tensor "
                                             "'n:0', which has dtype int32"):
            sess.run(n, {n: np.array([1.5, 2.0])})
        with pytest.raises(ValueError, match="for Tensor 'f:0'"):
            sess.run(f, {f: "three"})
        with pytest.raises(TypeError, match="larger type"):
            sess.run(n, {n: [1, 2 ** 40]})


def test_feeding_a_tensor_is_a_type_error():
    x = tf.placeholder(tf.float32, [])
    with tf.Session() as sess:
        with pytest.raises(TypeError, match="The value of a feed cannot be a tf.Tensor object"):
            sess.run(x, {x: tf.constant(1.0)})


def test_passing_two_fetches_positionally_hints_at_a_list():
    a, b = tf.constant(1.0), tf.constant(2.0)
    with tf.Session() as sess:
        with pytest.raises(TypeError, match=r"sess.run\(\[a, b\]\)"):
            sess.run(a, b)


def test_matmul_inner_dimension_mismatch_names_op_and_shapes_at_build_time():
    a = tf.placeholder(tf.float32, [2, 3])
    b = tf.placeholder(tf.float32, [4, 5])
    with pytest.raises(ValueError) as info:
        tf.matmul(a, b, name="bad_product")
    text = str(info.value)
    assert "Dimensions must be equal, but are 3 and 4" in text
    assert "'bad_product' (op: 'MatMul') with input shapes: [2,3], [4,5]" in text


def test_a_kernel_failure_names_the_op_its_type_and_the_users_line():
    x = tf.placeholder(tf.float32, [None])
    y = tf.reshape(x, [2, 3], name="to_grid")  # marker: reshape created
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError) as info:
            sess.run(y, {x: np.arange(5, dtype=np.float32)})
    text = str(info.value)
    site = f"{__file__}:{line_of(__file__, 'reshape created')}"
    assert f"'to_grid' (Reshape, created at {site})" in text
    assert info.value.op is y.op


@pytest.mark.parametrize("fetch", [None, 3, [tf.constant, None]])
def test_fetching_something_that_is_not_a_graph_element_is_a_type_error(fetch):
    with tf.Session() as sess:
        with pytest.raises(TypeError, match="Fetch argument"):
            sess.run(fetch)


def test_fetching_from_another_graph_is_a_value_error():
    other = tf.Graph()
    with other.as_default():
        c = tf.constant(1.0)
    tf.constant(2.0)
    with tf.Session() as sess:
        with pytest.raises(ValueError, match="not an element of this graph"):
            sess.run(c)


def test_error_classes_carry_tf_codes():
    assert issubclass(tf.errors.InvalidArgumentError, tf.errors.OpError)
    assert tf.errors.InvalidArgumentError.error_code == 3
    assert tf.errors.FailedPreconditionError.error_code == 9
    assert tf.errors.OutOfRangeError.error_code == 11
    err = tf.errors.NotFoundError(None, None, "gone")
    assert str(err) == "gone" and err.message == "gone" and err.op is None
    assert (tf.errors.INVALID_ARGUMENT, tf.errors.OUT_OF_RANGE, tf.errors.UNAUTHENTICATED) == (
        3, 11, 16)
    assert tf.errors.exception_type_from_error_code(9) is tf.errors.FailedPreconditionError


def test_uninitialized_error_lists_every_uninitialized_variable_the_run_needs():
    a = tf.Variable(1.0, name="alpha")
    b = tf.Variable(2.0, name="beta")
    tf.Variable(3.0, name="unused")
    with tf.Session() as sess, pytest.raises(tf.errors.FailedPreconditionError) as info:
        sess.run(a * b)
    text = str(info.value)
    assert "All 2 uninitialized variables this run needs:" in text
    assert "'alpha' (VariableV2" in text and "'beta' (VariableV2" in text
    assert "unused" not in text


def test_kernel_failure_keeps_numpy_frames_out_of_the_traceback():
    x = tf.placeholder(tf.float32, [None, 3])
    y = tf.reshape(x, [-1, 4])
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError) as info:
        sess.run(y, {x: np.zeros((1, 3), np.float32)})
    cause = info.value.__cause__
    assert isinstance(cause, ValueError) and "reshape" in str(cause)
    assert cause.__traceback__ is None


def test_traced_runs_list_every_uninitialized_variable_too():
    a = tf.Variable(1.0, name="alpha")
    b = tf.Variable(2.0, name="beta")
    options = tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE)
    with tf.Session() as sess, pytest.raises(tf.errors.FailedPreconditionError) as info:
        sess.run(a * b, options=options, run_metadata=tf.RunMetadata())
    assert "All 2 uninitialized variables this run needs:" in str(info.value)
