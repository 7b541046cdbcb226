"""Python operators on Tensor and Variable: values, TF1 op names and types, dtype rules."""
import numpy as np
import pytest

import graphgrad as tf

from .helpers import run

X = np.array([[1.5, -2.0, 3.0], [4.0, 0.5, -6.0]], dtype=np.float32)
Y = np.array([[2.0, 3.0, -1.5], [-4.0, 2.0, 5.0]], dtype=np.float32)


BINARY = [
    (lambda a, b: a + b, np.add, "add", "Add"),
    (lambda a, b: a - b, np.subtract, "sub", "Sub"),
    (lambda a, b: a * b, np.multiply, "mul", "Mul"),
    (lambda a, b: a / b, np.true_divide, "truediv", "RealDiv"),
    (lambda a, b: a // b, lambda a, b: np.floor(a / b), "floordiv", "FloorDiv"),
    (lambda a, b: a % b, np.mod, "mod", "FloorMod"),
    (lambda a, b: abs(a) ** b, lambda a, b: np.abs(a) ** b, "pow", "Pow"),
]


@pytest.mark.parametrize("expr,ref,name,op_type", BINARY, ids=[b[2] for b in BINARY])
def test_binary_operator_between_tensors_gives_tf1_named_op_and_numpy_value(
        expr, ref, name, op_type):
    x, y = tf.constant(X), tf.constant(Y)
    out = expr(x, y)
    assert out.op.type == op_type
    assert out.op.name == name
    np.testing.assert_allclose(run(out), ref(X, Y), rtol=1e-6)


def test_operator_names_are_uniquified_and_python_operands_live_in_the_op_scope():
    x = tf.placeholder(tf.float32, [3], name="x")
    first, second = x + 1, x + 2
    assert (first.op.name, second.op.name) == ("add", "add_1")
    assert first.op.inputs[1].op.name == "add/y"
    assert (2 - x).op.inputs[0].op.name == "sub/x"
    less = x < 1
    assert less.op.name == "Less"
    assert less.op.inputs[1].op.name == "Less/y"


def test_matmul_operator_is_named_matmul():
    a, b = tf.constant(X), tf.constant(Y.T)
    out = a @ b
    assert (out.op.type, out.op.name) == ("MatMul", "matmul")
    np.testing.assert_allclose(run(out), X @ Y.T, rtol=1e-6)


@pytest.mark.parametrize("expr,ref", [
    (lambda t: 2 - t, lambda v: 2 - v),
    (lambda t: 3 / t, lambda v: 3 / v),
    (lambda t: 7 // t, lambda v: np.floor(7 / v)),
    (lambda t: 7 % t, lambda v: np.mod(7, v)),
    (lambda t: 2 ** t, lambda v: 2.0 ** v),
    (lambda t: 1.5 + t, lambda v: 1.5 + v),
    (lambda t: np.ones(3) * t, lambda v: np.ones(3) * v),
    (lambda t: np.arange(3.0) - t, lambda v: np.arange(3.0) - v),
    (lambda t: np.float64(2.0) * t, lambda v: 2.0 * v),
], ids=["rsub", "rtruediv", "rfloordiv", "rmod", "rpow", "radd-float", "ndarray-mul",
        "ndarray-sub", "numpy-scalar-mul"])
def test_reversed_operands_put_the_python_or_numpy_value_first(expr, ref):
    t = tf.constant(X)
    out = expr(t)
    assert out.dtype == tf.float32
    np.testing.assert_allclose(run(out), ref(X).astype(np.float32), rtol=1e-6)


def test_ndarray_matmul_tensor_defers_to_the_tensor():
    m = np.arange(6.0).reshape(2, 3)
    out = m @ tf.constant(Y.T)
    assert isinstance(out, tf.Tensor) and out.op.type == "MatMul"
    np.testing.assert_allclose(run(out), m @ Y.T, rtol=1e-6)


def test_unary_minus_abs_and_comparisons():
    t = tf.constant(X)
    neg, absolute = -t, abs(t)
    assert (neg.op.type, absolute.op.type) == ("Neg", "Abs")
    got = run([neg, absolute, t < 1, t <= 0.5, t > 1.5, t >= 3, 1 < t])
    expected = [-X, np.abs(X), X < 1, X <= 0.5, X > 1.5, X >= 3, 1 < X]
    for g, e in zip(got, expected):
        np.testing.assert_array_equal(g, e)
    assert (1 < t).op.type == "Greater"


def test_bool_operators_are_logical_ops():
    a = tf.constant([True, True, False, False])
    b = tf.constant([True, False, True, False])
    ops = [a & b, a | b, a ^ b, ~a, a & True]
    assert [o.op.name for o in ops[:4]] == ["and", "or", "xor", "LogicalNot"]
    got = run(ops)
    av, bv = np.array([1, 1, 0, 0], bool), np.array([1, 0, 1, 0], bool)
    for g, e in zip(got, [av & bv, av | bv, av ^ bv, ~av, av]):
        np.testing.assert_array_equal(g, e)


def test_variable_operators_act_on_its_value():
    v = tf.Variable(X, name="v")
    m = tf.constant(Y.T)
    ops = [v + 1, 2 * v, v @ m, -v, v < 1, np.ones(3) * v, abs(v), v ** 2]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got = sess.run(ops)
    expected = [X + 1, 2 * X, X @ Y.T, -X, X < 1, X, np.abs(X), X ** 2]
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e, rtol=1e-6)
    assert ops[0].op.name == "add" and ops[0].op.inputs[0].op.name == "v/read"


def test_python_float_takes_a_float_tensors_dtype():
    t = tf.constant([1.0, 2.0], dtype=tf.float64)
    assert (t * 0.5).dtype == tf.float64
    assert (0.5 + t).dtype == tf.float64
    assert (tf.constant([1, 2]) + 3).dtype == tf.int32
    assert (tf.constant([1, 2], tf.int64) * 3).dtype == tf.int64


@pytest.mark.parametrize("expr", [
    lambda i: i * 0.5, lambda i: 0.5 * i, lambda i: i + 2.0, lambda i: i < 0.5,
    lambda i: i * tf.constant(1.0)], ids=["mul", "rmul", "integral-float", "compare", "tensor"])
def test_int_tensor_with_float_operand_raises_type_error_at_build_time(expr):
    i = tf.constant([1, 2, 3])
    with pytest.raises(TypeError):
        expr(i)


def test_mixed_float_widths_raise_type_error():
    with pytest.raises(TypeError, match="float64"):
        tf.constant([1.0], tf.float32) + tf.constant([1.0], tf.float64)


@pytest.mark.parametrize("dtype,expected", [
    (tf.int8, tf.float32), (tf.int16, tf.float32), (tf.uint8, tf.float32),
    (tf.int32, tf.float64), (tf.int64, tf.float64), (tf.float32, tf.float32)])
def test_truediv_casts_integers_like_tf1(dtype, expected):
    out = tf.constant([7, 9, 3], dtype=dtype) / tf.constant([2, 2, 4], dtype=dtype)
    assert out.dtype == expected
    assert out.op.name == "truediv"
    np.testing.assert_allclose(run(out), [3.5, 4.5, 0.75])


def test_truediv_of_bool_raises_type_error():
    with pytest.raises(TypeError):
        tf.constant([True]) / tf.constant([True])


def test_floordiv_and_mod_operators_on_integers_floor_toward_minus_infinity():
    a, b = tf.constant([7, -7, 7, -7]), tf.constant([2, 2, -2, -2])
    q, r = run([a // b, a % b])
    np.testing.assert_array_equal(q, [3, -4, -4, 3])
    np.testing.assert_array_equal(r, [1, 1, -1, -1])
    assert q.dtype == np.int32


def test_gradient_flows_through_operators():
    x = tf.placeholder(tf.float64, [3])
    y = tf.constant([2.0, -1.0, 0.5], tf.float64)
    f = tf.reduce_sum(x * y + x / y - x ** 2 + 3 - (-x))
    g, = tf.gradients(f, [x])
    xv = np.array([1.0, 2.0, -3.0])
    yv = np.array([2.0, -1.0, 0.5])
    np.testing.assert_allclose(run(g, {x: xv}), yv + 1 / yv - 2 * xv + 1)
