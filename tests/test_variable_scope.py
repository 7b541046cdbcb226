"""Variable sharing as TF1: variable_scope / get_variable naming, reuse (True, AUTO_REUSE,
inherited), scope defaults (initializer, regularizer, dtype), scope objects, custom getters."""
import numpy as np
import pytest

import graphgrad as tf


def _values(*tensors):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return sess.run(list(tensors))


def test_variable_scope_names_variables_and_opens_a_name_scope():
    with tf.variable_scope("foo"):
        with tf.variable_scope("bar"):
            v = tf.get_variable("v", [1])
            x = tf.add(1.0, 2.0)
    assert v.name == "foo/bar/v:0" and v.op.name == "foo/bar/v"
    assert x.op.name == "foo/bar/Add"
    assert v.initializer.name == "foo/bar/v/Assign"
    assert v.initial_value.op.name == "foo/bar/v/Initializer/random_uniform"


def test_get_variable_ignores_name_scope_but_not_variable_scope():
    with tf.name_scope("ns"):
        with tf.variable_scope("vs"):
            v = tf.get_variable("v", [2])
            y = tf.identity(v)
        w = tf.get_variable("w", [2])
    assert v.name == "vs/v:0"
    assert w.name == "w:0"
    assert y.op.name == "ns/vs/Identity"


def test_reentering_a_scope_by_name_keeps_the_variable_scope_but_uniquifies_the_name_scope():
    with tf.variable_scope("foo") as first:
        a = tf.identity(1.0)
    with tf.variable_scope("foo", reuse=True) as second:
        b = tf.identity(1.0)
    assert first.name == second.name == "foo"
    assert first.original_name_scope == "foo/" and second.original_name_scope == "foo_1/"
    assert a.op.name == "foo/Identity" and b.op.name == "foo_1/Identity"


def test_reuse_true_returns_the_same_variable():
    with tf.variable_scope("foo"):
        v = tf.get_variable("v", [2, 3])
    with tf.variable_scope("foo", reuse=True):
        v1 = tf.get_variable("v", [2, 3])
    assert v1 is v
    assert len(tf.global_variables()) == 1


def test_creating_an_existing_variable_without_reuse_is_tfs_error():
    with tf.variable_scope("foo"):
        tf.get_variable("w", [1])
    with pytest.raises(ValueError, match=r"^Variable foo/w already exists, disallowed\. Did you "
                       r"mean to set reuse=True or reuse=tf\.AUTO_REUSE in VarScope\?"):
        with tf.variable_scope("foo"):
            tf.get_variable("w", [1])


def test_reusing_a_missing_variable_is_tfs_error():
    with pytest.raises(ValueError, match=r"^Variable foo/w does not exist, or was not created "
                       r"with tf\.get_variable\(\)\. Did you mean to set reuse=tf\.AUTO_REUSE"):
        with tf.variable_scope("foo", reuse=True):
            tf.get_variable("w", [1])


def test_a_plain_tf_variable_cannot_be_reused_through_get_variable():
    tf.Variable(1.0, name="plain")
    with pytest.raises(ValueError, match="does not exist, or was not created with"):
        with tf.variable_scope("", reuse=True):
            tf.get_variable("plain", [])


def test_auto_reuse_creates_then_shares():
    def layer():
        with tf.variable_scope("shared", reuse=tf.AUTO_REUSE):
            return tf.get_variable("w", [3])
    assert layer() is layer()
    assert [v.name for v in tf.global_variables()] == ["shared/w:0"]


def test_shape_and_dtype_mismatch_on_reuse_are_value_errors():
    with tf.variable_scope("s"):
        tf.get_variable("w", [2, 3])
    with tf.variable_scope("s", reuse=True):
        with pytest.raises(ValueError, match=r"Trying to share variable s/w, but specified shape "
                           r"\(3, 2\) and found shape \(2, 3\)"):
            tf.get_variable("w", [3, 2])
        with pytest.raises(ValueError, match="specified dtype float64 and found dtype float32"):
            tf.get_variable("w", [2, 3], dtype=tf.float64)
        assert tf.get_variable("w").shape.as_list() == [2, 3]  # no shape: any shape matches


def test_reuse_variables_and_reuse_inheritance():
    with tf.variable_scope("net") as scope:
        w = tf.get_variable("w", [1])
        assert not scope.reuse
        scope.reuse_variables()
        assert tf.get_variable_scope().reuse
        assert tf.get_variable("w", [1]) is w
        with tf.variable_scope("inner", reuse=False):
            # reuse=False does not switch reuse off inside a reusing scope (TF1).
            assert tf.get_variable_scope().reuse is True
    assert tf.get_variable_scope().reuse is False and tf.get_variable_scope().name == ""


def test_reuse_true_without_a_name_is_an_error():
    with pytest.raises(ValueError, match="reuse=True cannot be used without a name_or_scope"):
        with tf.variable_scope(None, default_name="d", reuse=True):
            pass
    with pytest.raises(TypeError, match="If default_name is None then name_or_scope is required"):
        with tf.variable_scope(None):
            pass


def test_default_names_are_made_unique_per_parent_scope():
    names = []
    for _ in range(3):
        with tf.variable_scope(None, default_name="layer") as s:
            names.append((s.name, s.original_name_scope))
    assert names == [("layer", "layer/"), ("layer_1", "layer_1/"), ("layer_2", "layer_2/")]
    with tf.variable_scope("outer"):
        with tf.variable_scope(None, default_name="layer") as s:
            assert s.name == "outer/layer"


def test_reentering_a_scope_restarts_default_name_numbering_inside_it():
    with tf.variable_scope("block"):
        with tf.variable_scope(None, default_name="dense") as a:
            pass
        with tf.variable_scope(None, default_name="dense") as b:
            pass
    with tf.variable_scope("block", reuse=True):
        with tf.variable_scope(None, default_name="dense") as c:
            pass
    assert (a.name, b.name, c.name) == ("block/dense", "block/dense_1", "block/dense")


def test_a_scope_object_jumps_back_to_its_variables():
    with tf.variable_scope("model") as model_scope:
        w = tf.get_variable("w", [2])
    with tf.variable_scope("elsewhere"):
        with tf.variable_scope(model_scope, reuse=True) as again:
            assert tf.get_variable("w", [2]) is w
            x = tf.identity(1.0)
    assert again.name == "model" and again.original_name_scope == "model/"
    assert x.op.name == "elsewhere/model/Identity"


def test_scope_initializer_is_inherited_and_overridable():
    with tf.variable_scope("a", initializer=tf.constant_initializer(0.5)):
        a = tf.get_variable("a", [2, 3])
        with tf.variable_scope("b"):
            b = tf.get_variable("b", [2])
            c = tf.get_variable("c", [2], initializer=tf.ones_initializer())
        with tf.variable_scope("d", initializer=tf.zeros_initializer()):
            d = tf.get_variable("d", [2])
    va, vb, vc, vd = _values(a, b, c, d)
    np.testing.assert_array_equal(va, np.full((2, 3), 0.5, np.float32))
    np.testing.assert_array_equal(vb, [0.5, 0.5])
    np.testing.assert_array_equal(vc, [1, 1])
    np.testing.assert_array_equal(vd, [0, 0])


def test_default_initializer_is_glorot_uniform_for_floats_and_zeros_for_ints():
    w = tf.get_variable("w", [60, 40])
    n = tf.get_variable("n", [3], dtype=tf.int32)
    vw, vn = _values(w, n)
    limit = np.sqrt(6.0 / 100)
    assert np.abs(vw).max() <= limit and np.abs(vw).max() > 0.9 * limit
    assert vw.dtype == np.float32 and vn.dtype == np.int32
    np.testing.assert_array_equal(vn, [0, 0, 0])


def test_constant_initializers_and_their_errors():
    t = tf.get_variable("t", initializer=tf.constant([[1.0, 2.0]]))
    a = tf.get_variable("a", initializer=np.arange(3, dtype=np.float64))
    with pytest.raises(ValueError, match="If initializer is a constant, do not specify shape."):
        tf.get_variable("bad", [1, 2], initializer=tf.constant([[1.0, 2.0]]))
    with pytest.raises(ValueError, match="don't match"):
        tf.get_variable("bad2", initializer=tf.constant([1.0]), dtype=tf.int32)
    assert t.shape.as_list() == [1, 2] and a.dtype == tf.float64
    vt, va = _values(t, a)
    np.testing.assert_array_equal(vt, [[1.0, 2.0]])
    np.testing.assert_array_equal(va, [0.0, 1.0, 2.0])


def test_an_initializer_class_is_instantiated():
    v = tf.get_variable("v", [2], initializer=tf.ones_initializer)
    np.testing.assert_array_equal(_values(v)[0], [1.0, 1.0])


def test_scope_regularizer_fills_the_regularization_losses_collection():
    reg = tf.contrib.layers.l2_regularizer(0.1)
    with tf.variable_scope("foo", regularizer=reg):
        w = tf.get_variable("w", [3, 2], initializer=tf.constant_initializer([1., 2., 3.]))
        tf.get_variable("u", [2], regularizer=tf.contrib.layers.l2_regularizer(0.0))
    with tf.variable_scope("foo", reuse=True):
        tf.get_variable("w", [3, 2])  # reuse adds no second loss
    losses = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    assert [t.name for t in losses] == ["foo/w/Regularizer/l2_regularizer:0"]
    vw, loss = _values(w, losses[0])
    np.testing.assert_allclose(loss, 0.1 * np.sum(vw ** 2) / 2, rtol=1e-6)
    assert tf.losses.get_regularization_losses() == losses


def test_regularizer_is_built_outside_control_dependencies():
    gate = tf.no_op(name="gate")
    with tf.control_dependencies([gate]):
        tf.get_variable("w", [2], regularizer=tf.contrib.layers.l1_regularizer(0.5))
    loss = tf.losses.get_regularization_losses()[0]
    assert loss.op.control_inputs == []


def test_trainable_collections_and_scope_filters():
    with tf.variable_scope("m") as scope:
        a = tf.get_variable("a", [1])
        b = tf.get_variable("b", [1], trainable=False)
        c = tf.get_variable("c", [1], collections=[tf.GraphKeys.LOCAL_VARIABLES])
    tf.get_variable("other", [1])
    assert [v.name for v in tf.trainable_variables()] == ["m/a:0", "m/c:0", "other:0"]
    assert scope.trainable_variables() == [a, c]
    assert scope.global_variables() == [a, b]
    assert tf.local_variables() == [c] and c in tf.trainable_variables()
    loc = tf.get_local_variable("loc", [1])
    assert loc in tf.local_variables() and loc not in tf.trainable_variables()


def test_scope_dtype_is_the_default_dtype():
    with tf.variable_scope("d", dtype=tf.float64):
        v = tf.get_variable("v", [2])
        assert tf.get_variable_scope().dtype == tf.float64
    assert v.dtype == tf.float64


def test_custom_getter_wraps_get_variable():
    seen = []

    def getter(next_getter, name, *args, **kwargs):
        seen.append(name)
        kwargs["trainable"] = False
        return next_getter(name, *args, **kwargs)

    with tf.variable_scope("g", custom_getter=getter):
        v = tf.get_variable("v", [1])
    assert seen == ["g/v"] and v not in tf.trainable_variables()


def test_shared_weights_train_as_one_variable():
    x = tf.placeholder(tf.float32, [None, 2])

    def model(inp):
        w = tf.get_variable("w", [2, 1], initializer=tf.zeros_initializer())
        return tf.matmul(inp, w)

    with tf.variable_scope("model"):
        a = model(x)
    with tf.variable_scope("model", reuse=True):
        b = model(x * 2.0)
    loss = tf.reduce_sum(tf.square(a - 1.0)) + tf.reduce_sum(tf.square(b - 2.0))
    train = tf.train.GradientDescentOptimizer(0.02).minimize(loss)
    assert len(tf.trainable_variables()) == 1
    feed = {x: np.array([[1.0, 0.0], [0.0, 1.0]], np.float32)}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(300):
            sess.run(train, feed)
        np.testing.assert_allclose(sess.run(tf.trainable_variables()[0]).ravel(), [1, 1],
                                   atol=1e-3)


def test_reentering_the_root_scope_object_keeps_the_current_name_scope():
    w = tf.get_variable("w", [1])
    for tower in range(2):
        with tf.name_scope(f"tower_{tower}"):
            with tf.variable_scope(tf.get_variable_scope(), reuse=tf.AUTO_REUSE):
                assert tf.get_variable("w", [1]) is w
                y = tf.identity(w)
        assert y.op.name == f"tower_{tower}/Identity"
    assert tf.get_variable_scope().reuse is False
