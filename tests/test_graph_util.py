"""TF1's GraphDef workflow: tf.GraphDef and friends, Graph.as_graph_def / Session.graph_def,
tf.graph_util (convert_variables_to_constants, extract_sub_graph, remove_training_nodes), and the
classic frozen-graph loading code, on TF's own frozen graph and on a frozen graphgrad model."""
import os

import numpy as np
import pytest

import graphgrad as tf

from .helpers import run_python

SOFTMAX = os.path.join(os.path.dirname(__file__), "fixtures", "tf", "softmax")


def _load_frozen(path):
    """The classic TF1 frozen-graph loading code, unchanged."""
    with tf.gfile.GFile(path, "rb") as f:
        graph_def = tf.GraphDef()
        graph_def.ParseFromString(f.read())
    with tf.Graph().as_default() as graph:
        tf.import_graph_def(graph_def, name="")
    return graph


def test_tf_frozen_graph_loads_with_the_classic_graph_def_code():
    graph = _load_frozen(os.path.join(SOFTMAX, "frozen.pb"))
    with tf.Session(graph=graph) as sess:
        out = sess.run("y:0", {"x:0": np.load(os.path.join(SOFTMAX, "x_eval.npy"))})
    np.testing.assert_allclose(out, np.load(os.path.join(SOFTMAX, "y_eval.npy")),
                               rtol=1e-5, atol=1e-6)


def test_protobuf_messages_are_top_level_and_compat_v1_names():
    from graphgrad.interop import protos
    for name in ("GraphDef", "NodeDef", "AttrValue", "TensorProto", "MetaGraphDef"):
        assert getattr(tf, name) is getattr(protos, name)
        assert getattr(tf.compat.v1, name) is getattr(protos, name)
    node = tf.NodeDef(name="a", op="Const")
    node.attr["dtype"].CopyFrom(tf.AttrValue(type=1))
    assert tf.GraphDef(node=[node]).node[0].attr["dtype"].type == 1
    assert "GraphDef" in dir(tf)


def test_message_names_and_graph_util_load_lazily_and_say_how_to_install_protobuf():
    loaded = run_python("import sys, graphgrad as tf\n"
                        "print(sorted(m for m in sys.modules if m.startswith('google')\n"
                        "      or m in ('graphgrad.graph_util', 'graphgrad.interop')))\n"
                        "tf.GraphDef\n"
                        "print('google.protobuf' in sys.modules)").split("\n")
    assert loaded[:2] == ["[]", "True"]
    message = run_python("import sys\nsys.modules['google'] = None\nimport graphgrad as tf\n"
                         "for get in (lambda: tf.GraphDef, tf.Graph().as_graph_def):\n"
                         "    try:\n        get()\n    except ImportError as e:\n"
                         "        print(e)\n")
    assert message.count("pip install 'graphgrad[interop]'") == 2


def test_as_graph_def_and_session_graph_def_are_graph_defs_of_the_graph():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    w = tf.Variable(np.ones((3, 2), np.float32), name="w")
    tf.matmul(x, w, name="y")
    graph = tf.get_default_graph()
    graph_def = graph.as_graph_def()
    assert isinstance(graph_def, tf.GraphDef)
    assert [(n.name, n.op) for n in graph_def.node if n.name in ("x", "w", "y")] == [
        ("x", "Placeholder"), ("w", "VariableV2"), ("y", "MatMul")]
    with tf.Session() as sess:
        assert sess.graph_def == graph_def


def test_as_graph_def_from_version_keeps_only_newer_ops_and_add_shapes_records_shapes():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    version = tf.get_default_graph().version
    tf.reduce_sum(x * 2.0, axis=1, name="total")
    graph_def = tf.get_default_graph().as_graph_def(from_version=version, add_shapes=True)
    names = [n.name for n in graph_def.node]
    assert "x" not in names and {"mul", "total", "total/reduction_indices"} <= set(names)
    shapes = {n.name: n.attr["_output_shapes"].list.shape for n in graph_def.node}
    assert [d.size for d in shapes["total"][0].dim] == [-1]
    assert [d.size for d in shapes["mul"][0].dim] == [-1, 3]


def _trained_model():
    """A two-layer regression trained a few Adam steps; returns (graph, sess, x, y, xs)."""
    rng = np.random.default_rng(7)
    xs = rng.random((7, 5)).astype(np.float32)
    ys = rng.random((7, 3)).astype(np.float32)
    x = tf.placeholder(tf.float32, [None, 5], name="x")
    hidden = tf.layers.dense(x, 4, activation=tf.nn.relu)
    y = tf.identity(tf.layers.dense(hidden, 3), name="y")
    train = tf.train.AdamOptimizer(0.05).minimize(tf.reduce_mean(tf.square(y - ys)))
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    for _ in range(5):
        sess.run(train, {x: xs})
    return sess, x, y, xs


def test_frozen_trained_model_written_binary_reloads_in_a_fresh_graph(tmp_path):
    sess, x, y, xs = _trained_model()
    with sess:
        want = sess.run(y, {x: xs})
        frozen = tf.graph_util.convert_variables_to_constants(sess, sess.graph_def, ["y"])
        path = tf.train.write_graph(frozen, str(tmp_path), "frozen.pb", as_text=False)
    ops = {n.name: n.op for n in frozen.node}
    assert ops["dense/kernel"] == "Const" and ops["dense_1/bias"] == "Const"
    assert "VariableV2" not in ops.values() and not any("Adam" in n for n in ops)
    graph = _load_frozen(path)
    with tf.Session(graph=graph) as sess:
        np.testing.assert_array_equal(sess.run("y:0", {"x:0": xs}), want)
    assert not graph.get_collection(tf.GraphKeys.GLOBAL_VARIABLES)


def test_whitelist_and_blacklist_choose_the_variables_to_freeze():
    sess, _, _, _ = _trained_model()
    with sess:
        only = tf.graph_util.convert_variables_to_constants(
            sess, sess.graph_def, ["y"], variable_names_whitelist=["dense/kernel"])
        but = tf.graph_util.convert_variables_to_constants(
            sess, sess.graph_def, ["y"], variable_names_blacklist=["dense/kernel"])
        kernel = sess.run("dense/kernel:0")
    assert {n.name for n in only.node if n.op == "Const" and "/" in n.name
            and not n.name.endswith("/y")} >= {"dense/kernel"}
    assert {n.name: n.op for n in only.node}["dense/bias"] == "VariableV2"
    assert {n.name: n.op for n in but.node}["dense/kernel"] == "VariableV2"
    assert {n.name: n.op for n in but.node}["dense_1/kernel"] == "Const"
    const = next(n for n in only.node if n.name == "dense/kernel")
    assert const.attr["dtype"].type == 1
    value = np.frombuffer(const.attr["value"].tensor.tensor_content, "<f4").reshape(5, 4)
    np.testing.assert_array_equal(value, kernel)


def test_extract_sub_graph_keeps_what_the_destinations_need_in_order():
    a = tf.placeholder(tf.float32, name="a")
    b = tf.placeholder(tf.float32, name="b")
    one = tf.constant(1.0, name="one")
    with tf.control_dependencies([tf.identity(b, name="gate")]):
        tf.add(a, one, name="out")
    tf.multiply(b, 2.0, name="unused")
    sub = tf.graph_util.extract_sub_graph(tf.get_default_graph().as_graph_def(), ["out"])
    assert [n.name for n in sub.node] == ["a", "b", "one", "gate", "out"]
    with pytest.raises(TypeError, match="must be a list"):
        tf.graph_util.extract_sub_graph(sub, "out")
    with pytest.raises(AssertionError, match="missing is not in graph"):
        tf.graph_util.extract_sub_graph(sub, ["missing"])
    with pytest.raises(TypeError, match="GraphDef"):
        tf.graph_util.extract_sub_graph([], ["out"])


def test_remove_training_nodes_splices_identity_and_check_numerics_but_not_control_edges():
    x = tf.placeholder(tf.float32, [2], name="x")
    checked = tf.check_numerics(tf.identity(x, name="copy"), "bad", name="check")
    gate = tf.identity(x, name="gate")
    tripled = checked * 3.0
    with tf.control_dependencies([gate]):
        out = tf.identity(tripled, name="out")
    graph_def = tf.graph_util.remove_training_nodes(tf.get_default_graph().as_graph_def(),
                                                    protected_nodes=["out"])
    nodes = {n.name: n for n in graph_def.node}
    assert "copy" not in nodes and "check" not in nodes and "gate" in nodes
    assert list(nodes["mul"].input) == ["x", "mul/y"] and "out" in nodes
    with tf.Graph().as_default():
        tf.import_graph_def(graph_def, name="")
        with tf.Session() as sess:
            np.testing.assert_array_equal(sess.run("out:0", {"x:0": [1.0, -2.0]}), [3.0, -6.0])
    assert out.op.type == "Identity"
