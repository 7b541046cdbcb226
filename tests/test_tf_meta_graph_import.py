"""MetaGraphDefs written by real TensorFlow (tests/fixtures/tf/<model>/model.ckpt-5.meta, binary,
and model.meta.pbtxt, text; from tools/make_tf_fixtures.py) imported with
tf.train.import_meta_graph: the TF checkpoint restores through the returned Saver, `y` gives TF's
outputs, the imported train_op trains on with TF's numbers, and the collections hold TF's."""
import os

import numpy as np
import pytest

import graphgrad as tf
from graphgrad.interop import metagraph, protos

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures", "tf")
META_FILES = ["model.ckpt-5.meta", "model.meta.pbtxt"]
RESUME_STEPS = 3  # tools/make_tf_fixtures.py


def _load(model, name):
    return np.load(os.path.join(FIXTURES, model, name + ".npy"))


def _import(model, filename, **kwargs):
    saver = tf.train.import_meta_graph(os.path.join(FIXTURES, model, filename), **kwargs)
    sess = tf.Session()
    saver.restore(sess, os.path.join(FIXTURES, model, "model.ckpt-5"))
    return saver, sess


@pytest.mark.parametrize("model", ["softmax", "cnn"])
@pytest.mark.parametrize("filename", META_FILES)
def test_tf_meta_graph_restores_tf_checkpoint_and_gives_tf_outputs(model, filename):
    _, sess = _import(model, filename)
    out = sess.run("y:0", {"x:0": _load(model, "x_eval")})
    np.testing.assert_allclose(out, _load(model, "y_eval"), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("model", ["softmax", "cnn"])
@pytest.mark.parametrize("filename", META_FILES)
def test_imported_train_op_resumes_training_with_tf_numbers(model, filename):
    _, sess = _import(model, filename)
    (train_op,) = tf.get_collection("train_op")
    feed = {"x:0": _load(model, "x_batch"), "labels:0": _load(model, "y_batch")}
    for _ in range(RESUME_STEPS):
        sess.run(train_op, feed)
    out = sess.run("y:0", {"x:0": _load(model, "x_eval")})
    np.testing.assert_allclose(out, _load(model, "y_after"), rtol=1e-4, atol=1e-5)
    assert sess.run(tf.train.get_global_step()) == 5 + RESUME_STEPS


def _tf_variable_names(model, key):
    meta = metagraph.parse_meta_graph(open(os.path.join(FIXTURES, model, META_FILES[0]),
                                           "rb").read())
    return [protos.VariableDef.FromString(b).variable_name
            for b in meta.collection_def[key].bytes_list.value]


@pytest.mark.parametrize("model", ["softmax", "cnn"])
def test_collections_hold_what_tf_wrote(model):
    _import(model, META_FILES[1])
    names = [v.name for v in tf.global_variables()]
    assert names == _tf_variable_names(model, "variables")
    assert [v.name for v in tf.trainable_variables()] == \
        _tf_variable_names(model, "trainable_variables")
    assert all(isinstance(v, tf.Variable) for v in tf.global_variables())
    assert "global_step:0" in names and "global_step:0" not in \
        [v.name for v in tf.trainable_variables()]
    assert tf.train.get_global_step().name == "global_step:0"
    if model == "cnn":  # get_or_create_global_step also files it under its own key
        assert [v.name for v in tf.get_collection("global_step")] == ["global_step:0"]
        assert "conv_w/Adam:0" in names  # slots are global, not trainable
    assert tf.get_collection("train_op")[0].type == ("AssignAdd")


def test_the_tf_saver_subgraph_is_left_out():
    _import("cnn", META_FILES[0])
    graph = tf.get_default_graph()
    assert not [op.name for op in graph.get_operations() if op.name.startswith("save/")]
    assert not [op for op in graph.get_operations() if op.type in ("SaveV2", "RestoreV2")]
    assert graph.get_operation_by_name("init").type == "NoOp"


def test_binary_and_text_meta_graphs_hold_the_same_graph():
    meta = [metagraph.parse_meta_graph(open(os.path.join(FIXTURES, "cnn", f), "rb").read())
            for f in META_FILES]
    nodes = [{n.name: (n.op, list(n.input)) for n in m.graph_def.node} for m in meta]
    assert nodes[0] == nodes[1] and meta[0].saver_def == meta[1].saver_def
    assert dict(meta[0].collection_def) == dict(meta[1].collection_def)


@pytest.mark.parametrize("damage", ["truncate-half", "truncate-third", "overwrite"])
@pytest.mark.parametrize("filename", META_FILES)
def test_truncated_or_corrupted_meta_graphs_are_refused_naming_the_file(tmp_path, damage,
                                                                        filename):
    data = open(os.path.join(FIXTURES, "softmax", filename), "rb").read()
    if damage == "truncate-half":
        data = data[:len(data) // 2]
    elif damage == "truncate-third":
        data = data[:len(data) // 3]
    else:
        data = data[:200] + b"\xff" * 64 + data[264:]
    path = tmp_path / filename
    path.write_bytes(data)
    with pytest.raises(ValueError, match=f"Cannot read meta graph '{path}'"):
        tf.train.import_meta_graph(str(path))
    assert tf.get_default_graph().get_operations() == []


def test_import_scope_prefixes_names_and_the_saver_reads_the_unscoped_checkpoint():
    _, sess = _import("softmax", META_FILES[0], import_scope="tfmodel")
    assert tf.global_variables()[0].op.name == "tfmodel/Variable"
    out = sess.run("tfmodel/y:0", {"tfmodel/x:0": _load("softmax", "x_eval")})
    np.testing.assert_allclose(out, _load("softmax", "y_eval"), rtol=1e-5, atol=1e-6)


def test_clear_devices_drops_the_device_of_every_node():
    path = os.path.join(FIXTURES, "softmax", META_FILES[0])
    meta = metagraph.parse_meta_graph(open(path, "rb").read())
    for node in meta.graph_def.node:
        node.device = "/job:worker/task:1/device:GPU:0"
    with tf.Graph().as_default() as g:
        tf.train.import_meta_graph(meta)
        assert g.get_operation_by_name("y").device == "/job:worker/task:1/device:GPU:0"
    with tf.Graph().as_default() as g:
        tf.train.import_meta_graph(meta, clear_devices=True)
        assert {op.device for op in g.get_operations()} == {""}


def test_input_map_feeds_the_imported_model_from_this_graph():
    images = tf.constant(_load("softmax", "x_eval"), name="images")
    saver = tf.train.import_meta_graph(os.path.join(FIXTURES, "softmax", META_FILES[0]),
                                       input_map={"x": images})
    with tf.Session() as sess:
        saver.restore(sess, os.path.join(FIXTURES, "softmax", "model.ckpt-5"))
        np.testing.assert_allclose(sess.run("y:0"), _load("softmax", "y_eval"), rtol=1e-5,
                                   atol=1e-6)


def test_variable_defs_without_initial_value_name_use_the_initializers_value():
    """TF before 1.3 wrote VariableDefs without initial_value_name."""
    meta = metagraph.parse_meta_graph(
        open(os.path.join(FIXTURES, "softmax", META_FILES[0]), "rb").read())
    for key in ("variables", "trainable_variables"):
        values = meta.collection_def[key].bytes_list.value
        for i, raw in enumerate(values):
            vd = protos.VariableDef.FromString(raw)
            vd.initial_value_name = ""
            values[i] = vd.SerializeToString()
    with tf.Graph().as_default() as g:
        tf.train.import_meta_graph(meta)
        w = tf.global_variables()[0]
        assert w.initial_value is g.get_tensor_by_name("zeros:0")
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            assert sess.run(w).shape == (784, 10)
