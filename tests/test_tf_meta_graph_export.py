"""graphgrad's meta graphs as TensorFlow files (no TensorFlow needed: the structure is checked
with the protobuf messages): nodes are TF ops with TF attrs, collections are CollectionDefs, the
SaverDef and TF saver subgraph name the checkpoint keys, and the TF op types alone (without
graphgrad's records) rebuild the model. tools/check_export_with_tf.py runs the same files in TF."""
import json

import numpy as np
import pytest

import graphgrad as tf
from graphgrad.graph import serialize
from graphgrad.interop import graphdef, metagraph, protos
from graphgrad.interop.graphdef_export import serialize_graph_def


def _through_bytes(meta, as_text=False):
    return metagraph.parse_meta_graph(serialize_graph_def(meta, as_text))


def _softmax_model():
    """A small softmax regression with SGD, its variables seeded random."""
    rng = np.random.RandomState(5)
    x = tf.placeholder(tf.float32, [None, 5], name="x")
    w = tf.Variable(rng.randn(5, 3).astype(np.float32), name="W")
    b = tf.Variable(rng.randn(3).astype(np.float32), name="b")
    y = tf.nn.softmax(tf.matmul(x, w) + b, name="y")
    labels = tf.placeholder(tf.float32, [None, 3], name="labels")
    loss = tf.reduce_mean(-tf.reduce_sum(labels * tf.log(y), reduction_indices=[1]))
    step = tf.train.get_or_create_global_step()
    train = tf.train.GradientDescentOptimizer(0.5).minimize(loss, global_step=step)
    feed = {"x:0": rng.rand(7, 5).astype(np.float32),
            "labels:0": np.eye(3, dtype=np.float32)[rng.randint(0, 3, 7)]}
    return w, train, feed


def _nodes(meta):
    return {n.name: n for n in meta.graph_def.node}


def test_exported_nodes_are_tensorflow_ops_with_tensorflow_attrs():
    _softmax_model()
    nodes = _nodes(_through_bytes(tf.train.export_meta_graph()))
    assert nodes["MatMul"].op == "MatMul" and nodes["MatMul"].attr["T"].type == 1
    assert nodes["MatMul"].attr["transpose_b"].b is False
    assert [d.size for d in nodes["x"].attr["shape"].shape.dim] == [-1, 5]
    assert nodes["W"].op == "VariableV2" and nodes["W"].attr["dtype"].type == 1
    assert [d.size for d in nodes["W"].attr["shape"].shape.dim] == [5, 3]
    assert nodes["W/Assign"].op == "Assign"
    assert list(nodes["W/Assign"].input) == ["W", "W/initial_value"]
    # axis attrs become the constant inputs TF's ops take
    assert list(nodes["Sum"].input) == ["mul", "Sum/reduction_indices"]
    axis = nodes["Sum/reduction_indices"].attr["value"].tensor
    assert graphdef.tensor_to_array(axis).tolist() == [1]
    assert nodes["Sum"].attr["Tidx"].type == 3 and nodes["Sum"].attr["keep_dims"].b is False
    # SumToShape (graphgrad's broadcasting gradient) is TF's Sum + Reshape over
    # BroadcastGradientArgs
    sum_to_shape = nodes["gradients/add_grad/SumToShape_1"]
    assert sum_to_shape.op == "Reshape"
    assert {nodes[i.partition(":")[0]].op for i in nodes[sum_to_shape.input[0]].input} >= {
        "BroadcastGradientArgs"}
    assert nodes["GradientDescent/update_W/ApplyGradientDescent"].op == "ApplyGradientDescent"
    assert all("_graphgrad" in n.attr for n in nodes.values())


def test_ops_without_a_tensorflow_counterpart_keep_their_graphgrad_type_and_round_trip():
    v = tf.Variable([1.0, 2.0], name="v")
    doubled = tf.multiply(v.initialized_value(), 2.0, name="doubled")
    assert doubled.op.inputs[0].op.type == "InitializedValue"
    meta = _through_bytes(tf.train.export_meta_graph(), as_text=True)
    assert _nodes(meta)[doubled.op.inputs[0].op.name].op == "InitializedValue"
    with tf.Graph().as_default():
        tf.train.import_meta_graph(meta)
        with tf.Session() as sess:
            assert sess.run("doubled:0").tolist() == [2.0, 4.0]


def test_collections_are_tensorflow_collection_defs():
    _, train, _ = _softmax_model()
    tf.add_to_collection("ints", 3)
    tf.add_to_collection("floats", 0.5)
    tf.add_to_collection("names", "a string")
    meta = _through_bytes(tf.train.export_meta_graph())
    defs = [protos.VariableDef.FromString(b) for b in
            meta.collection_def["variables"].bytes_list.value]
    assert [(d.variable_name, d.initializer_name, d.snapshot_name, d.trainable) for d in defs] \
        == [("W:0", "W/Assign", "W/read:0", True), ("b:0", "b/Assign", "b/read:0", True),
            ("global_step:0", "global_step/Assign", "global_step/read:0", False)]
    assert list(meta.collection_def["train_op"].node_list.value) == [train.name]
    assert list(meta.collection_def["ints"].int64_list.value) == [3]
    assert list(meta.collection_def["floats"].float_list.value) == [0.5]
    with tf.Graph().as_default():
        tf.train.import_meta_graph(meta)
        assert tf.get_collection("ints") == [3] and tf.get_collection("names") == ["a string"]
        assert tf.get_collection("floats") == [0.5]


def test_saver_def_and_tf_saver_subgraph_name_the_checkpoint_keys(tmp_path):
    w, _, _ = _softmax_model()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        expected = sess.run(w)
        prefix = tf.train.Saver({"renamed/weights": w}).save(sess, str(tmp_path / "m"))
    meta = metagraph.parse_meta_graph((tmp_path / "m.meta").read_bytes())
    assert meta.saver_def.filename_tensor_name == "save/Const:0"
    assert meta.saver_def.restore_op_name == "save/restore_all" and meta.saver_def.version == 2
    nodes = _nodes(meta)
    names = nodes["save/SaveV2/tensor_names"].attr["value"].tensor.string_val
    assert list(names) == [b"renamed/weights"] and nodes["save/SaveV2"].input[3] == "W"
    with tf.Graph().as_default():
        saver = tf.train.import_meta_graph(prefix + ".meta")
        assert not [op for op in tf.get_default_graph().get_operations()
                    if op.name.startswith("save")]
        with tf.Session() as sess:
            saver.restore(sess, prefix)
            assert np.array_equal(sess.run("W:0"), expected)


def test_without_graphgrad_records_the_file_imports_through_the_tensorflow_mapping(tmp_path):
    """What TensorFlow would see: the TF op types and attrs alone rebuild the same model."""
    _, train, feed = _softmax_model()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        prefix = tf.train.Saver().save(sess, str(tmp_path / "m"))
        for _ in range(3):
            sess.run(train, feed)
        expected = sess.run("y:0", feed)
    meta = metagraph.parse_meta_graph((tmp_path / "m.meta").read_bytes())
    for node in meta.graph_def.node:
        if "_graphgrad" in node.attr:  # the saver's nodes have none
            del node.attr["_graphgrad"]
    with tf.Graph().as_default() as g:
        saver = tf.train.import_meta_graph(meta)
        assert g.get_operation_by_name("gradients/add_grad/SumToShape_1").type == "Reshape"
        with tf.Session() as sess:
            saver.restore(sess, prefix)
            for _ in range(3):
                sess.run(tf.get_collection("train_op")[0], feed)
            np.testing.assert_allclose(sess.run("y:0", feed), expected, rtol=1e-6, atol=1e-7)
            assert sess.run(tf.train.get_global_step()) == 3


def test_text_meta_graph_files_are_protobuf_text(tmp_path):
    _softmax_model()
    path = str(tmp_path / "model.meta.pbtxt")
    tf.train.export_meta_graph(path, as_text=True)
    text = open(path).read()
    assert text.startswith("meta_info_def {") and 'op: "ApplyGradientDescent"' in text
    with tf.Graph().as_default():
        assert tf.train.import_meta_graph(path) is not None
        assert [v.op.name for v in tf.global_variables()] == ["W", "b", "global_step"]


def test_without_protobuf_the_meta_graph_is_graphgrads_json_and_still_reads(tmp_path,
                                                                              monkeypatch):
    from graphgrad.train import checkpoint_meta
    w, _, _ = _softmax_model()
    monkeypatch.setattr(checkpoint_meta, "_metagraph_module", lambda: None)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        with pytest.warns(UserWarning, match="protobuf package is not installed"):
            prefix = tf.train.Saver().save(sess, str(tmp_path / "m"))
        expected = sess.run(w)
    assert json.loads((tmp_path / "m.meta").read_text())["format"] == serialize.FORMAT
    with tf.Graph().as_default():
        saver = tf.train.import_meta_graph(prefix + ".meta")
        with tf.Session() as sess:
            saver.restore(sess, prefix)
            assert np.array_equal(sess.run("W:0"), expected)
