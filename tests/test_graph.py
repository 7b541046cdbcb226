"""The graph IR as TF1 defines it: default graphs, names, scopes, collections, control deps,
dtypes."""
import numpy as np
import pytest

import graphgrad as tf

from .helpers import line_of

# --- default graphs ---

def test_a_new_graph_is_empty_and_ops_go_to_the_default_graph():
    g = tf.Graph()
    assert g.get_operations() == []
    c = tf.constant(1.0)
    assert c.graph is tf.get_default_graph()
    assert c.op in tf.get_default_graph().get_operations()
    assert c.op not in g.get_operations()


def test_reset_default_graph_replaces_the_default_graph():
    before = tf.get_default_graph()
    tf.constant(1.0)
    tf.reset_default_graph()
    after = tf.get_default_graph()
    assert after is not before
    assert after.get_operations() == []


def test_reset_default_graph_inside_as_default_raises():
    with tf.Graph().as_default():
        with pytest.raises(AssertionError, match="nested graphs"):
            tf.reset_default_graph()


def test_as_default_nests_and_restores_the_outer_graph_even_for_the_same_graph_twice():
    g1, g2 = tf.Graph(), tf.Graph()
    outer = tf.get_default_graph()
    with g1.as_default() as entered:
        assert entered is g1 and tf.get_default_graph() is g1
        with g2.as_default():
            with g1.as_default():
                assert tf.get_default_graph() is g1
            assert tf.get_default_graph() is g2
            assert tf.constant(1.0).graph is g2
        assert tf.get_default_graph() is g1
    assert tf.get_default_graph() is outer


# --- names and scopes ---

def test_default_names_are_the_op_type_then_numbered():
    names = [tf.constant(float(i)).op.name for i in range(3)]
    assert names == ["Const", "Const_1", "Const_2"]
    v0, v1 = tf.Variable(1.0), tf.Variable(2.0)
    assert (v0.op.name, v1.op.name) == ("Variable", "Variable_1")
    assert v0.name == "Variable:0"


def test_ops_in_a_scope_are_numbered_within_the_scope():
    a = tf.constant(np.ones((2, 2), np.float32))
    with tf.name_scope("scope"):
        products = [tf.matmul(a, a) for _ in range(3)]
    assert [p.op.name for p in products] == ["scope/MatMul", "scope/MatMul_1", "scope/MatMul_2"]
    assert products[2].name == "scope/MatMul_2:0"


def test_explicit_names_collide_into_numbered_names_case_insensitively():
    a = tf.constant(1.0, name="foo")
    b = tf.constant(1.0, name="foo")
    c = tf.constant(1.0, name="Foo")
    d = tf.constant(1.0, name="foo_1")
    assert [t.op.name for t in (a, b, c, d)] == ["foo", "foo_1", "Foo_2", "foo_1_1"]


def test_invalid_names_are_value_errors():
    with pytest.raises(ValueError, match="not a valid"):
        tf.constant(1.0, name="bad name")
    with pytest.raises(ValueError, match="not a valid scope name"):
        with tf.name_scope("_top"):
            pass
    with tf.name_scope("outer"):
        with tf.name_scope("_inner") as scope:
            assert scope == "outer/_inner/"


def test_nested_name_scopes_join_with_slashes_and_return_the_scope_string():
    with tf.name_scope("a") as a:
        with tf.name_scope("b") as b:
            c = tf.constant(1.0)
    assert (a, b) == ("a/", "a/b/")
    assert c.op.name == "a/b/Const"
    assert tf.get_default_graph().get_name_scope() == ""


def test_reusing_a_scope_name_numbers_it_but_a_trailing_slash_reenters_it():
    with tf.name_scope("a"):
        x = tf.constant(1.0)
    with tf.name_scope("a") as second:
        y = tf.constant(1.0)
    with tf.name_scope("a/") as again:
        z = tf.constant(1.0)
    assert second == "a_1/" and again == "a/"
    assert (x.op.name, y.op.name, z.op.name) == ("a/Const", "a_1/Const", "a/Const_1")


def test_name_scope_none_returns_to_the_top_level():
    with tf.name_scope("a"):
        with tf.name_scope(None) as top:
            c = tf.constant(1.0)
    assert top == ""
    assert c.op.name == "Const"


def test_name_scope_with_default_name_and_values():
    g = tf.Graph()
    with g.as_default():
        x = tf.constant(1.0)
    with tf.name_scope(None, "dense", [x]) as s1:
        assert tf.get_default_graph() is g
        y = tf.identity(x)
    with tf.name_scope(None, "dense", [x]) as s2:
        pass
    with tf.name_scope("given", "dense", [x]) as s3:
        pass
    assert (s1, s2, s3) == ("dense/", "dense_1/", "given/")
    assert y.graph is g and y.op.name == "dense/Identity"
    assert tf.get_default_graph() is not g


def test_name_scope_needs_a_name_when_values_are_given():
    x = tf.constant(1.0)
    with pytest.raises(ValueError, match="At least one of name"):
        with tf.name_scope(None, None, [x]):
            pass


# --- looking ops and tensors up ---

def test_get_operation_and_tensor_by_name():
    g = tf.get_default_graph()
    x = tf.placeholder(tf.float32, name="x")
    assert g.get_operation_by_name("x") is x.op
    assert g.get_tensor_by_name("x:0") is x


@pytest.mark.parametrize("call,name,error", [
    ("get_tensor_by_name", "nope:0", KeyError),
    ("get_tensor_by_name", "x:1", KeyError),
    ("get_tensor_by_name", "x", ValueError),
    ("get_operation_by_name", "x:0", ValueError),
    ("get_operation_by_name", "nope", KeyError),
])
def test_lookups_of_missing_or_misshapen_names_raise_as_tf(call, name, error):
    tf.placeholder(tf.float32, name="x")
    with pytest.raises(error):
        getattr(tf.get_default_graph(), call)(name)


# --- collections ---

def test_variables_join_the_global_and_trainable_collections():
    w = tf.Variable(1.0)
    frozen = tf.Variable(2.0, trainable=False)
    local = tf.Variable(3.0, trainable=False, collections=[tf.GraphKeys.LOCAL_VARIABLES])
    assert tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES) == [w, frozen]
    assert tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES) == [w]
    assert tf.get_collection(tf.GraphKeys.LOCAL_VARIABLES) == [local]
    assert tf.global_variables() == [w, frozen] and tf.trainable_variables() == [w]
    assert tf.local_variables() == [local]


def test_collection_keys_are_tf_strings():
    keys = tf.GraphKeys
    assert (keys.GLOBAL_VARIABLES, keys.TRAINABLE_VARIABLES, keys.LOCAL_VARIABLES) == (
        "variables", "trainable_variables", "local_variables")
    assert (keys.UPDATE_OPS, keys.SUMMARIES, keys.LOSSES) == ("update_ops", "summaries", "losses")


def test_add_to_collections_and_get_collection_copies_but_ref_is_live():
    a, b = tf.constant(1.0), tf.constant(2.0)
    tf.add_to_collection(tf.GraphKeys.LOSSES, a)
    tf.add_to_collections([tf.GraphKeys.LOSSES, tf.GraphKeys.SUMMARIES], b)
    tf.add_to_collections(tf.GraphKeys.UPDATE_OPS, b.op)
    assert tf.get_collection(tf.GraphKeys.LOSSES) == [a, b]
    assert tf.get_collection(tf.GraphKeys.SUMMARIES) == [b]
    assert tf.get_collection(tf.GraphKeys.UPDATE_OPS) == [b.op]
    copy = tf.get_collection(tf.GraphKeys.LOSSES)
    copy.append("ignored")
    assert len(tf.get_collection(tf.GraphKeys.LOSSES)) == 2
    ref = tf.get_collection_ref(tf.GraphKeys.LOSSES)
    ref.pop()
    assert tf.get_collection(tf.GraphKeys.LOSSES) == [a]
    assert tf.get_collection("never_used") == []


def test_get_collection_scope_matches_names_from_the_start_and_skips_nameless_items():
    with tf.name_scope("layer1"):
        w1 = tf.Variable(1.0, name="w")
    with tf.name_scope("x"):
        with tf.name_scope("layer1"):
            tf.Variable(1.0, name="w")
    tf.add_to_collection(tf.GraphKeys.GLOBAL_VARIABLES, 42)
    assert tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES, scope="layer1") == [w1]
    assert tf.trainable_variables(scope="layer1") == [w1]
    assert len(tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES)) == 3


# --- control dependencies ---

def test_control_dependencies_nest_accept_tensors_and_none_clears():
    a, b = tf.constant(1.0), tf.constant(2.0)
    with tf.control_dependencies([a]):
        x = tf.constant(3.0)
        with tf.control_dependencies([b.op]):
            y = tf.constant(4.0)
            with tf.control_dependencies(None):
                z = tf.constant(5.0)
    after = tf.constant(6.0)
    assert x.op.control_inputs == [a.op]
    assert y.op.control_inputs == [a.op, b.op]
    assert z.op.control_inputs == [] and after.op.control_inputs == []


def test_an_op_reading_a_control_input_does_not_also_get_a_control_edge_to_it():
    a = tf.constant(1.0)
    with tf.control_dependencies([a]):
        b = tf.identity(a)
    assert b.op.control_inputs == []


def test_ops_inside_control_dependencies_run_after_them():
    counter = tf.Variable(0, name="counter")
    increment = tf.assign_add(counter, 1)
    with tf.control_dependencies([increment]):
        seen = tf.identity(counter)
    with tf.Session() as sess:
        sess.run(counter.initializer)
        assert sess.run(seen) == 1
        assert sess.run(seen) == 2


def test_finalized_graph_refuses_new_ops():
    g = tf.get_default_graph()
    tf.constant(1.0)
    g.finalize()
    assert g.finalized
    with pytest.raises(RuntimeError, match="finalized"):
        tf.constant(2.0)


# --- Operation and Tensor ---

def test_operation_fields():
    x = tf.placeholder(tf.float32, [2, 3], name="x")
    w = tf.constant(np.ones((3, 4), np.float32), name="w")
    with tf.control_dependencies([x]):
        y = tf.matmul(x, w, name="y")  # marker: matmul site
    op = y.op
    assert (op.type, op.name) == ("MatMul", "y")
    assert op.inputs == (x, w) and op.outputs == [y] and op.values == (y,)
    assert op.control_inputs == [] and op.graph is tf.get_default_graph()
    assert w.op.get_attr("dtype") == tf.float32
    assert x.op.get_attr("shape").as_list() == [2, 3]
    with pytest.raises(ValueError, match="no attr"):
        op.get_attr("nope")
    filename, line, _ = op.location
    assert filename == __file__ and line == line_of(__file__, "marker: matmul site")
    assert tf.errors.site(op) == f"{__file__}:{line}"


def test_tensor_fields_and_shape_refinement():
    x = tf.placeholder(tf.float32, [None, 3], name="inp")
    assert x.name == "inp:0" and x.value_index == 0 and x.op.name == "inp"
    assert x.dtype == tf.float32 and x.graph is tf.get_default_graph()
    assert x.shape.as_list() == [None, 3] and x.get_shape() is x.shape
    x.set_shape([5, None])
    assert x.shape.as_list() == [5, 3]
    with pytest.raises(ValueError, match="not compatible"):
        x.set_shape([5, 4])
    with pytest.raises(ValueError):
        x.set_shape([5, 3, 1])
    assert x.shape.as_list() == [5, 3]


def test_tensor_eval_uses_the_default_session():
    c = tf.constant([1.0, 2.0]) * 2.0
    with tf.Session():
        np.testing.assert_array_equal(c.eval(), [2.0, 4.0])
    with pytest.raises(ValueError, match="No default session"):
        c.eval()


def test_a_tensor_is_not_a_python_bool():
    with pytest.raises(TypeError, match="as a Python `bool`"):
        bool(tf.constant(True))
    with pytest.raises(TypeError):
        if tf.constant(1.0) > 0:
            pass


def test_inputs_from_two_graphs_in_one_op_is_a_value_error():
    g1, g2 = tf.Graph(), tf.Graph()
    with g1.as_default():
        a = tf.constant(1.0)
    with g2.as_default():
        b = tf.constant(2.0)
    with pytest.raises(ValueError, match="same graph"):
        tf.add(a, b)


# --- dtypes ---

@pytest.mark.parametrize("dtype,np_dtype", [
    (tf.float16, np.float16), (tf.float32, np.float32), (tf.float64, np.float64),
    (tf.int8, np.int8), (tf.int16, np.int16), (tf.int32, np.int32), (tf.int64, np.int64),
    (tf.uint8, np.uint8), (tf.bool, np.bool_)])
def test_each_dtype_converts_both_ways_and_flows_through_a_placeholder(dtype, np_dtype):
    assert tf.as_dtype(np_dtype) is dtype
    assert tf.as_dtype(dtype.name) is dtype
    assert tf.as_dtype(np.dtype(np_dtype)) is dtype
    assert dtype.as_numpy_dtype is np_dtype
    x = tf.placeholder(dtype, [2])
    y = tf.identity(x)
    assert y.dtype is dtype
    with tf.Session() as sess:
        out = sess.run(y, {x: np.array([1, 0], dtype=np_dtype)})
    assert out.dtype == np_dtype


def test_as_dtype_rejects_unknown_types():
    assert tf.as_dtype(float) is tf.float32 and tf.as_dtype(int) is tf.int32
    with pytest.raises(TypeError):
        tf.as_dtype("float128x")
    assert tf.as_dtype(object) is tf.string  # TF maps NumPy's object arrays to tf.string


@pytest.mark.parametrize("value,dtype", [
    (1.5, tf.float32), (3, tf.int32), (True, tf.bool), ([1, 2.5], tf.float32),
    (2 ** 40, tf.int64), (np.float64(1.0), tf.float64), (np.arange(3, dtype=np.int16), tf.int16)])
def test_python_values_take_tf_default_dtypes(value, dtype):
    assert tf.constant(value).dtype is dtype


def test_mixing_dtypes_in_an_op_is_a_type_error_at_build_time():
    with pytest.raises(TypeError, match="float32"):
        tf.constant(1.0) + tf.constant(1)
    with pytest.raises(TypeError):
        tf.add(tf.constant(1.0, tf.float32), tf.constant(1.0, tf.float64))
    with pytest.raises(TypeError):
        tf.constant(1) * 1.5
    assert (tf.constant(2.0) * 3).dtype is tf.float32


def test_an_imported_op_keeps_its_gradient_override():
    from graphgrad.graph import serialize
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [2, 3])
        with g.gradient_override_map({"MatMul": "Identity"}):
            tf.matmul(x, x, transpose_b=True, name="mm")
    g2 = tf.Graph()
    serialize.import_graph_dict(serialize.graph_to_dict(g), g2)
    op = g2.get_operation_by_name("mm")
    assert op.get_attr("_gradient_op_type") == "Identity"
    assert op.outputs[0].shape.as_list() == [2, 2]
