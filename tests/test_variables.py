"""tf.Variable with TF1 ref semantics: VariableV2, Assign, AssignAdd, AssignSub, initializers."""
import numpy as np
import pytest

import graphgrad as tf


def test_variable_ops_are_named_and_typed_as_tf():
    v = tf.Variable([1.0, 2.0], name="w")
    assert v.op.type == "VariableV2" and v.op.name == "w" and v.name == "w:0"
    assert v.initializer.type == "Assign" and v.initializer.name == "w/Assign"
    assert v.value().op.name == "w/read" and v.initial_value.op.name == "w/initial_value"
    assert v.dtype == tf.float32 and v.shape.as_list() == [2] and v.get_shape().as_list() == [2]
    assert v.trainable


def test_a_variable_made_under_control_dependencies_does_not_inherit_them():
    side = tf.Variable(0.0, name="side")
    bump = side.assign_add(1.0)
    with tf.control_dependencies([bump]):
        v = tf.Variable(5.0)
        later = tf.identity(v)
    assert v.initializer.control_inputs == [] and v.value().op.control_inputs == []
    assert later.op.control_inputs == [bump.op]
    with tf.Session() as sess:
        sess.run(side.initializer)
        sess.run(v.initializer)
        assert sess.run(side) == 0.0


def test_initial_value_dtype_and_callable_initializer():
    a = tf.Variable(np.arange(6, dtype=np.float64).reshape(2, 3))
    b = tf.Variable([1, 2], dtype=tf.float32)
    c = tf.Variable(lambda: tf.ones([2, 2]) * 3.0)
    assert a.dtype == tf.float64 and b.dtype == tf.float32
    assert c.initial_value.op.name.startswith("Variable_2/Initializer/")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(a), np.arange(6).reshape(2, 3))
        np.testing.assert_array_equal(sess.run(b), [1.0, 2.0])
        np.testing.assert_array_equal(sess.run(c), np.full((2, 2), 3.0))
    with pytest.raises(ValueError, match="initial_value"):
        tf.Variable()


def test_assign_ops_return_the_new_value_and_persist():
    v = tf.Variable(10.0)
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run(v.assign(4.0)) == 4.0
        assert sess.run(v.assign_add(1.5)) == 5.5
        assert sess.run(v.assign_sub(0.5)) == 5.0
        assert sess.run(tf.assign_add(v, 2.0)) == 7.0
        assert sess.run(tf.assign_sub(v, 3.0)) == 4.0
        assert sess.run(tf.assign(v, -1.0)) == -1.0
        assert sess.run(v) == -1.0
        assert v.assign(2.0, read_value=False).type == "Assign"


def test_assign_rejects_a_value_of_the_wrong_shape():
    v = tf.Variable(np.zeros((2, 3), np.float32))
    with pytest.raises(ValueError):
        v.assign(np.zeros((3, 2), np.float32))
    free = tf.Variable(np.zeros(2, np.float32), validate_shape=False)
    grown = tf.assign(free, np.ones(5, np.float32), validate_shape=False)
    with tf.Session() as sess:
        sess.run(free.initializer)
        assert sess.run(grown).shape == (5,)


def test_read_value_under_control_dependencies_sees_the_assignment():
    v = tf.Variable(1.0)
    update = v.assign(5.0)
    stale = v.value()
    with tf.control_dependencies([update]):
        fresh = v.read_value()
        aliased = tf.identity(v)
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run(stale) == 1.0
        assert sess.run(fresh) == 5.0
        sess.run(v.initializer)
        assert sess.run(aliased) == 5.0


def test_initialized_value_initializes_another_variable_from_this_one():
    w = tf.Variable(3.0)
    start = w.initialized_value()
    assert start.op.type == "InitializedValue" and start.op.control_inputs == []
    w2 = tf.Variable(start * 2.0)
    with tf.Session() as sess:
        sess.run(w2.initializer)
        assert sess.run(w2) == 6.0
        assert not sess.run(tf.is_variable_initialized(w))
        sess.run(tf.global_variables_initializer())
        assert sess.run([w, w2]) == [3.0, 6.0]
        sess.run(w.assign(5.0))
        sess.run(w2.initializer)
        assert sess.run([w, w2]) == [5.0, 10.0]


def test_load_writes_a_value_without_adding_ops():
    v = tf.Variable(np.zeros(3, np.float32))
    with tf.Session() as sess:
        sess.run(v.initializer)
        count = len(tf.get_default_graph().get_operations())
        v.load([1.0, 2.0, 3.0], sess)
        assert len(tf.get_default_graph().get_operations()) == count
        np.testing.assert_array_equal(sess.run(v), [1.0, 2.0, 3.0])
        with pytest.raises(ValueError):
            v.load(np.zeros(4), sess)


def test_initializers_cover_their_variable_lists():
    g = tf.Variable(1.0)
    frozen = tf.Variable(2.0, trainable=False)
    local = tf.Variable(3.0, trainable=False, collections=[tf.GraphKeys.LOCAL_VARIABLES])
    assert tf.global_variables() == [g, frozen] and tf.trainable_variables() == [g]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run([g, frozen]) == [1.0, 2.0]
        assert not sess.run(tf.is_variable_initialized(local))
        sess.run(tf.local_variables_initializer())
        assert sess.run(local) == 3.0
    with tf.Session() as sess:
        sess.run(tf.initialize_all_variables())
        assert sess.run(g) == 1.0
        assert not sess.run(tf.is_variable_initialized(local))
    with tf.Session() as sess:
        init = tf.variables_initializer([frozen])
        assert init.type == "NoOp"
        sess.run(init)
        assert sess.run(tf.is_variable_initialized(frozen))
        assert not sess.run(tf.is_variable_initialized(g))
        assert tf.variables_initializer([]).type == "NoOp"


def test_is_variable_initialized_is_a_bool_scalar_op():
    v = tf.Variable(1.0)
    flag = tf.is_variable_initialized(v)
    assert flag.op.type == "IsVariableInitialized" and flag.dtype == tf.bool
    with tf.Session() as sess:
        assert sess.run(flag).dtype == np.bool_ and not sess.run(flag)
        sess.run(v.initializer)
        assert sess.run(flag)


def test_an_uninitialized_variable_is_a_failed_precondition():
    v = tf.Variable(1.0, name="weights")
    with tf.Session() as sess:
        with pytest.raises(tf.errors.FailedPreconditionError,
                           match="Attempting to use uninitialized value weights"):
            sess.run(v * 2.0)


def test_noop_and_group_only_order_things():
    v = tf.Variable(0.0)
    step = tf.group(v.assign_add(1.0), v.assign_add(10.0))
    assert step.type == "NoOp" and len(step.control_inputs) == 2
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run(step) is None
        assert sess.run(v) == 11.0
