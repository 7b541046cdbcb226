"""tf.py_func / tf.numpy_function: NumPy code as PyFunc / PyFuncStateless graph ops."""
import numpy as np
import pytest

import graphgrad as tf

from .helpers import line_of


@tf.RegisterGradient("TestPyFuncTripleGrad")
def _triple_grad(op, grad):
    return [grad * 3.0]


def test_py_func_runs_numpy_code_with_one_dtype_giving_one_tensor():
    x = tf.placeholder(tf.float32, [None, 3])
    y = tf.py_func(lambda a: np.sort(a, axis=1)[:, ::-1].copy(), [x], tf.float32)
    assert isinstance(y, tf.Tensor) and y.op.type == "PyFunc" and y.dtype == tf.float32
    assert y.shape.ndims is None
    y.set_shape([None, 3])
    assert y.shape.as_list() == [None, 3]
    data = np.array([[1, 3, 2], [0, -1, 5]], np.float32)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y, {x: data}), [[3, 2, 1], [5, 0, -1]])


def test_a_list_of_dtypes_gives_a_list_and_stateless_has_its_own_type():
    x = tf.constant(np.arange(6, dtype=np.float64).reshape(2, 3))
    total, count = tf.py_func(lambda a: (a.sum(), np.int32(a.size)), [x],
                              [tf.float64, tf.int32], stateful=False, name="stats")
    (single,) = tf.py_func(lambda a: a * 2, [x], [tf.float64])
    assert total.op.type == "PyFuncStateless" and total.op.name == "stats"
    assert (total.dtype, count.dtype) == (tf.float64, tf.int32)
    with tf.Session() as sess:
        assert sess.run([total, count]) == [15.0, 6]
        assert sess.run(single).shape == (2, 3)


def test_numpy_function_is_a_stateful_py_func():
    y = tf.numpy_function(lambda a: a + 1, [tf.constant(1)], tf.int32)
    assert y.op.type == "PyFunc"
    with tf.Session() as sess:
        assert sess.run(y) == 2


def test_a_py_func_with_no_outputs_is_an_op_run_for_its_side_effect():
    seen = []
    op = tf.py_func(lambda a: seen.append(float(a)), [tf.constant(4.0)], [])
    assert isinstance(op, tf.Operation)
    with tf.Session() as sess:
        assert sess.run(op) is None
    assert seen == [4.0]


def test_the_function_gets_a_private_copy_of_its_inputs():
    v = tf.Variable(np.ones(3, np.float32))

    def scribble(a):
        a[:] = 7.0
        return a

    out = tf.py_func(scribble, [v], tf.float32)
    with tf.Session() as sess:
        sess.run(v.initializer)
        np.testing.assert_array_equal(sess.run(out), [7.0, 7.0, 7.0])
        np.testing.assert_array_equal(sess.run(v), [1.0, 1.0, 1.0])


def test_a_value_error_in_the_function_is_an_invalid_argument_naming_the_op_and_line():
    def fails(a):
        raise ValueError("bad batch")

    x = tf.constant([1.0])
    y = tf.py_func(fails, [x], tf.float32, name="loader")  # marker: py_func created
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError) as info:
            sess.run(y)
    text = str(info.value)
    assert "ValueError: bad batch" in text
    site = f"{__file__}:{line_of(__file__, 'py_func created')}"
    assert f"'loader' (PyFunc, created at {site})" in text
    assert isinstance(info.value.__cause__, ValueError)


@pytest.mark.parametrize("exc,error", [
    (TypeError("t"), tf.errors.InvalidArgumentError), (StopIteration(), tf.errors.OutOfRangeError),
    (NotImplementedError("n"), tf.errors.UnimplementedError),
    (RuntimeError("r"), tf.errors.UnknownError)])
def test_exceptions_map_to_tf_error_classes(exc, error):
    def fails():
        raise exc

    y = tf.py_func(fails, [], tf.float32)
    with tf.Session() as sess:
        with pytest.raises(error):
            sess.run(y)


def test_a_result_of_the_wrong_dtype_or_count_is_an_invalid_argument():
    x = tf.constant([1.0, 2.0])
    wrong_dtype = tf.py_func(lambda a: a.astype(np.float64), [x], tf.float32)
    wrong_count = tf.py_func(lambda a: (a, a), [x], tf.float32)
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match="0-th value returned by pyfunc_[0-9]+ is float64, but expects "
                                 "float32"):
            sess.run(wrong_dtype)
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match="returns 2 values, but expects to see 1 values"):
            sess.run(wrong_count)


def test_a_py_func_passes_no_gradient_unless_given_one():
    x = tf.constant([1.0, 2.0])
    plain = tf.py_func(lambda a: a * 2, [x], tf.float32)
    assert tf.gradients(plain, x) == [None]
    with_grad = tf.py_func(lambda a: a * 2, [x], tf.float32,
                           grad=lambda op, grad: [grad * 2.0])
    (g,) = tf.gradients(tf.reduce_sum(with_grad * with_grad), x)
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(g), 8.0 * np.array([1.0, 2.0]))


def test_the_tf1_gradient_override_map_idiom_works_for_py_func():
    x = tf.constant(2.0)
    with tf.get_default_graph().gradient_override_map({"PyFunc": "TestPyFuncTripleGrad"}):
        y = tf.py_func(lambda a: a * 3, [x], tf.float32)
    (g,) = tf.gradients(y, x)
    with tf.Session() as sess:
        assert sess.run(g) == 3.0
