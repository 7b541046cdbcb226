"""GraphDefs written by real TensorFlow (frozen inference graphs under tests/fixtures/tf, from
tools/make_tf_fixtures.py), binary and text, imported with tf.import_graph_def and run in graphgrad
with TF's outputs; hand-built GraphDefs cover the folded-constant ops and the errors."""
import os

import numpy as np
import onnx
import pytest
from onnx.reference import ReferenceEvaluator

import graphgrad as tf
from graphgrad.interop import graphdef, protos

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures", "tf")


@pytest.mark.parametrize("model", ["softmax", "cnn"])
@pytest.mark.parametrize("filename", ["frozen.pb", "frozen.pbtxt"])
def test_frozen_tf_graph_runs_with_tf_outputs(model, filename):
    graph_def = graphdef.read_graph_def(os.path.join(FIXTURES, model, filename))
    x, y = tf.import_graph_def(graph_def, return_elements=["x:0", "y:0"])
    assert x.name == "import/x:0" and x.shape.as_list()[0] is None
    with tf.Session() as sess:
        out = sess.run(y, {x: np.load(os.path.join(FIXTURES, model, "x_eval.npy"))})
    np.testing.assert_allclose(out, np.load(os.path.join(FIXTURES, model, "y_eval.npy")),
                               rtol=1e-5, atol=1e-6)


def test_binary_and_text_files_give_the_same_graph():
    folder = os.path.join(FIXTURES, "cnn")
    assert graphdef.read_graph_def(os.path.join(folder, "frozen.pb")) == \
        graphdef.read_graph_def(os.path.join(folder, "frozen.pbtxt"))


def test_input_map_replaces_the_placeholder():
    graph_def = graphdef.read_graph_def(os.path.join(FIXTURES, "softmax", "frozen.pb"))
    images = tf.constant(np.load(os.path.join(FIXTURES, "softmax", "x_eval.npy")))
    (y,) = tf.import_graph_def(graph_def, input_map={"x": images}, return_elements=["y:0"],
                               name="model")
    assert y.name == "model/y:0"
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(y),
                                   np.load(os.path.join(FIXTURES, "softmax", "y_eval.npy")),
                                   rtol=1e-5, atol=1e-6)


def _const(gd, name, value):
    node = gd.node.add(name=name, op="Const")
    value = np.asarray(value)
    dtype = {"int32": 3, "float32": 1, "int64": 9}[value.dtype.name]
    node.attr["dtype"].type = dtype
    tensor = node.attr["value"].tensor
    tensor.dtype = dtype
    for d in value.shape:
        tensor.tensor_shape.dim.add(size=d)
    tensor.tensor_content = value.astype(value.dtype.newbyteorder("<")).tobytes()
    return node


def _node(gd, name, op, inputs, **attrs):
    node = gd.node.add(name=name, op=op, input=inputs)
    for key, value in attrs.items():
        if isinstance(value, bool):
            node.attr[key].b = value
        elif isinstance(value, int):
            node.attr[key].i = value
    return node


def _placeholder(gd, name, dims):
    node = gd.node.add(name=name, op="Placeholder")
    node.attr["dtype"].type = 1
    for d in dims:
        node.attr["shape"].shape.dim.add(size=d)
    return node


def test_ops_with_constant_axis_inputs_become_attrs():
    gd = protos.GraphDef()
    # Consumers before producers: TF does not promise a topological order.
    _node(gd, "sum", "Sum", ["t", "axes"], keep_dims=True)
    _node(gd, "argmax", "ArgMax", ["cat", "one"])
    _node(gd, "cat", "ConcatV2", ["t", "t", "two"], N=2)
    _node(gd, "expand", "ExpandDims", ["t", "zero"])
    _node(gd, "t", "Transpose", ["x", "perm"])
    _placeholder(gd, "x", [2, 3, 4])
    _const(gd, "perm", np.array([0, 2, 1], np.int32))
    _const(gd, "axes", np.array([0, 2], np.int32))
    _const(gd, "one", np.array(1, np.int32))
    _const(gd, "two", np.array(2, np.int64))
    _const(gd, "zero", np.array(0, np.int32))
    outs = tf.import_graph_def(gd, return_elements=["x:0", "sum:0", "argmax:0", "expand:0"])
    x, total, index, expand = outs
    value = np.random.default_rng(0).standard_normal((2, 3, 4)).astype(np.float32)
    with tf.Session() as sess:
        got = sess.run([total, index, expand], {x: value})
    t = value.transpose(0, 2, 1)
    np.testing.assert_allclose(got[0], t.sum(axis=(0, 2), keepdims=True), rtol=1e-5)
    np.testing.assert_array_equal(got[1], np.concatenate([t, t], 2).argmax(1))
    assert got[1].dtype == np.int64
    np.testing.assert_array_equal(got[2], t[None])


def test_unsupported_op_type_names_the_type_and_node():
    gd = protos.GraphDef()
    _placeholder(gd, "x", [2, 2])
    _node(gd, "weird_thing", "Conv3D", ["x", "x"])
    with pytest.raises(ValueError, match="node 'weird_thing'.*op type 'Conv3D'.*no graphgrad"):
        tf.import_graph_def(gd)


def test_computed_axis_input_is_refused_naming_the_node():
    gd = protos.GraphDef()
    _placeholder(gd, "x", [2, 2])
    _node(gd, "rank", "Shape", ["x"])
    _node(gd, "total", "Transpose", ["x", "rank"])
    with pytest.raises(ValueError, match="'total'.*input 1 \\('rank'\\) to be a constant"):
        tf.import_graph_def(gd)


def test_tensor_proto_typed_values_repeat_the_last_one():
    tensor = protos.TensorProto(dtype=1, float_val=[1.5, 2.5])
    tensor.tensor_shape.dim.add(size=2)
    tensor.tensor_shape.dim.add(size=2)
    np.testing.assert_array_equal(graphdef.tensor_to_array(tensor), [[1.5, 2.5], [2.5, 2.5]])
    half = protos.TensorProto(dtype=19, half_val=[int(np.float16(0.5).view(np.uint16))])
    half.tensor_shape.dim.add(size=3)
    assert graphdef.tensor_to_array(half).tolist() == [0.5, 0.5, 0.5]


def test_garbage_file_is_not_a_graph_def(tmp_path):
    path = tmp_path / "junk.pb"
    path.write_bytes(b"\xff\xfe\x00definitely not protobuf")
    with pytest.raises(ValueError, match="not a GraphDef"):
        graphdef.read_graph_def(str(path))


def test_imported_tf_cnn_exports_to_onnx(tmp_path):
    gd = graphdef.read_graph_def(os.path.join(FIXTURES, "cnn", "frozen.pb"))
    x, y = tf.import_graph_def(gd, return_elements=["x:0", "y:0"], name="")
    with tf.Session() as sess:
        model = tf.onnx.export(sess, [x], [y], str(tmp_path / "cnn.onnx"))
    assert onnx.checker.check_model(model) is None
    feeds = {"x:0": np.load(os.path.join(FIXTURES, "cnn", "x_eval.npy"))}
    (out,) = ReferenceEvaluator(model).run(None, feeds)
    np.testing.assert_allclose(out, np.load(os.path.join(FIXTURES, "cnn", "y_eval.npy")),
                               rtol=1e-5, atol=1e-6)


def _small_cnn():
    x = tf.placeholder(tf.float32, [None, 6, 6, 2], name="x")
    w = tf.Variable(tf.random_normal([3, 3, 2, 4], seed=1))
    h = tf.nn.relu(tf.nn.conv2d(x, w, [1, 1, 1, 1], "SAME") + tf.Variable(tf.ones([4])))
    h = tf.nn.max_pool(h, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")
    flat = tf.layers.flatten(h)
    y = tf.nn.softmax(tf.matmul(flat, tf.Variable(tf.random_normal([36, 3], seed=2))), name="y")
    m = tf.reduce_mean(tf.transpose(h, [0, 3, 1, 2]), [1, 2], name="m")
    e = tf.cast(tf.expand_dims(tf.argmax(tf.concat([y, y], 1), 1), 0), tf.float32, name="e")
    return x, [y, m, e]


@pytest.mark.parametrize("as_text", [False, True])
def test_frozen_graphgrad_graph_written_as_graph_def_reimports_with_same_outputs(tmp_path,
                                                                                 as_text):
    from graphgrad.interop.graphdef_export import freeze_graph_def, write_graph_def
    x, outputs = _small_cnn()
    value = np.random.default_rng(5).random((2, 6, 6, 2), np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        expected = sess.run(outputs, {x: value})
        graph_def = freeze_graph_def(sess, ["y", "m", "e:0"])
    assert "VariableV2" not in {n.op for n in graph_def.node}
    assert not any(n.name.endswith("/Assign") for n in graph_def.node)  # inference part only
    path = write_graph_def(graph_def, str(tmp_path), "model.pbtxt" if as_text else "model.pb",
                           as_text=as_text)
    with tf.Graph().as_default():
        elements = tf.import_graph_def(graphdef.read_graph_def(path),
                                       return_elements=["x:0", "y:0", "m:0", "e:0"])
        with tf.Session() as sess:
            got = sess.run(elements[1:], {elements[0]: value})
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e, rtol=1e-6)


def test_writing_an_op_without_tf_mapping_names_it():
    from graphgrad.interop.graphdef_export import freeze_graph_def
    v = tf.Variable([1.0, 2.0], name="v")
    first = v.initialized_value()  # graphgrad's own op: the value once v is initialized
    with tf.Session() as sess:
        sess.run(v.initializer)
        with pytest.raises(ValueError, match=f"{first.op.name}.*'InitializedValue' has no "
                           "TensorFlow mapping"):
            freeze_graph_def(sess, [first.op.name])
