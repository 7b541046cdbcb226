"""tf.gradients: the backward pass as ordinary graph ops, with TF1's conventions and registry."""
import numpy as np
import pytest

import graphgrad as tf

from .helpers import run as _run


@tf.RegisterGradient("TestAutodiffTimesTen")
def _times_ten_grad(op, grad):
    return [grad * 10.0]


tf.NotDifferentiable("TestAutodiffBlocked")


def test_gradients_are_graph_ops_under_a_gradients_scope():
    x = tf.placeholder(tf.float32, [2, 3], name="x")
    w = tf.constant(np.arange(12, dtype=np.float32).reshape(3, 4))
    y = tf.reduce_sum(tf.matmul(x, w))
    (gx,) = tf.gradients(y, [x])
    assert gx.op.name.startswith("gradients/")
    assert any(op.name.startswith("gradients/MatMul_grad/")
               for op in tf.get_default_graph().get_operations())
    (again,) = tf.gradients(y, x)
    assert again.op.name.startswith("gradients_1/")
    row_sums = np.arange(12).reshape(3, 4).sum(axis=1)
    np.testing.assert_allclose(_run(gx, {x: np.ones((2, 3))}), np.tile(row_sums, (2, 1)))


def test_unconnected_xs_get_none_or_zeros():
    x = tf.constant(2.0)
    other = tf.constant(5.0)
    y = x * 3.0
    assert tf.gradients(y, [x, other])[1] is None
    zero = tf.gradients(y, [other], unconnected_gradients="zero")[0]
    assert _run(zero) == 0.0


def test_grad_ys_weights_each_y():
    x = tf.constant([1.0, 2.0])
    y = x * x
    (g,) = tf.gradients(y, x, grad_ys=tf.constant([10.0, 100.0]))
    np.testing.assert_allclose(_run(g), [20.0, 400.0])
    (g2,) = tf.gradients([x * 2.0, x * 3.0], x, grad_ys=[[1.0, 1.0], [2.0, 0.0]])
    np.testing.assert_allclose(_run(g2), [8.0, 2.0])


def test_stop_gradient_op_blocks_the_path_through_it():
    x = tf.constant(3.0)
    y = x * x + tf.stop_gradient(x * x)
    (g,) = tf.gradients(y, x)
    assert _run(g) == 6.0
    assert tf.gradients(tf.stop_gradient(x), x) == [None]


def test_stop_gradients_argument_holds_tensors_constant_but_still_differentiates_them():
    a = tf.constant(0.0)
    b = 2.0 * a
    ga, gb = tf.gradients(a + b, [a, b], stop_gradients=[a, b])
    assert _run([ga, gb]) == [1.0, 1.0]
    (only_a,) = tf.gradients(a + b, [a], stop_gradients=[b])
    assert _run(only_a) == 1.0


def test_fan_out_gradients_are_summed():
    x = tf.constant(2.0)
    y = x * 3.0 + tf.sin(x) + x
    (g,) = tf.gradients(y, x)
    assert _run(g) == pytest.approx(3.0 + np.cos(2.0) + 1.0)


@pytest.mark.parametrize("cube", [lambda x: x * x * x, lambda x: x ** 3])
def test_gradients_of_gradients_give_second_derivatives(cube):
    x = tf.placeholder(tf.float64, [3])
    y = tf.reduce_sum(cube(x))
    (dx,) = tf.gradients(y, x)
    (d2x,) = tf.gradients(dx, x)
    value = np.array([0.5, -1.5, 2.0])
    first, second = _run([dx, d2x], {x: value})
    np.testing.assert_allclose(first, 3 * value ** 2)
    np.testing.assert_allclose(second, 6 * value)


def test_gradient_with_respect_to_an_intermediate_tensor():
    x = tf.constant(2.0)
    h = x * x
    y = h * 5.0 + h
    gh, gx = tf.gradients(y, [h, x])
    assert _run([gh, gx]) == [6.0, 24.0]


def test_gradient_with_respect_to_a_variable_reaches_every_read_of_it():
    v = tf.Variable(3.0)
    y = v.read_value() * 2.0 + v * 1.0
    (g,) = tf.gradients(y, v)
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run(g) == 3.0


def test_integer_tensors_get_no_gradient():
    n = tf.constant(3)
    x = tf.constant(2.0)
    y = tf.cast(n, tf.float32) * x
    gn, gx = tf.gradients(y, [n, x])
    assert gn is None
    assert _run(gx) == 3.0


def test_gradient_override_map_uses_a_registered_gradient_fixed_at_creation():
    x = tf.constant(2.0)
    g = tf.get_default_graph()
    with g.gradient_override_map({"Identity": "TestAutodiffTimesTen"}):
        y = tf.identity(x)
    plain = tf.identity(x)
    (gy,) = tf.gradients(y, x)
    with g.gradient_override_map({"Identity": "TestAutodiffTimesTen"}):
        (gplain,) = tf.gradients(plain, x)
    assert _run([gy, gplain]) == [10.0, 1.0]


def test_registering_a_gradient_twice_is_an_error():
    with pytest.raises(KeyError):
        tf.RegisterGradient("TestAutodiffTimesTen")(_times_ten_grad)


def test_not_differentiable_gives_none_and_a_missing_gradient_is_a_lookup_error():
    x = tf.constant(2.0)
    g = tf.get_default_graph()
    with g.gradient_override_map({"Identity": "TestAutodiffBlocked"}):
        blocked = tf.identity(x)
    with g.gradient_override_map({"Identity": "TestAutodiffNeverRegistered"}):
        unknown = tf.identity(x)
    assert tf.gradients(blocked, x) == [None]
    with pytest.raises(LookupError, match="No gradient defined"):
        tf.gradients(unknown, x)
