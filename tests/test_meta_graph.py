"""export_meta_graph / import_meta_graph / write_graph / import_graph_def: graphs written as
TensorFlow MetaGraphDef / GraphDef protobufs and rebuilt by op type with the same names, attrs,
shapes and collections; a trained model reloaded in a fresh process without the code that built
it evaluates and trains further. (TF structure: test_tf_meta_graph_export.py; TF's own files:
test_tf_meta_graph_import.py.)"""
import json
import os
import textwrap

import numpy as np
import pytest

import graphgrad as tf
from graphgrad.graph import serialize
from graphgrad.interop import graphdef, metagraph, protos

from .helpers import run_python


def _through_bytes(meta, as_text=False):
    """The MetaGraphDef as read back from the bytes of its file."""
    from graphgrad.interop.graphdef_export import serialize_graph_def
    return metagraph.parse_meta_graph(serialize_graph_def(meta, as_text))


@pytest.mark.parametrize("value", [
    None, True, 3, -2.5, "SAME", b"\x00\xffraw", (1, 2), [], [1, (2, 3)], {"a": 1, 2: [3]},
    tf.float32, tf.int64, tf.bool, tf.TensorShape(None), tf.TensorShape([None, 3]),
    tf.TensorShape([]), slice(1, None, 2), Ellipsis, (slice(None), Ellipsis, None),
], ids=repr)
def test_attr_values_round_trip_through_json(value):
    back = serialize.decode_value(json.loads(json.dumps(serialize.encode_value(value))))
    assert type(back) is type(value)
    if isinstance(value, tf.TensorShape):
        assert back.as_list() == value.as_list() if value.ndims is not None else back.ndims is None
    else:
        assert back == value


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "int8", "uint16", "int32",
                                   "int64", "bool", "complex64"])
def test_arrays_and_numpy_scalars_round_trip_bit_for_bit(dtype):
    rng = np.random.RandomState(3)
    arr = (rng.randn(2, 3, 1) * 100).astype(dtype)
    for value in (arr, arr[0, 0, 0], np.zeros((0, 4), dtype)):
        back = serialize.decode_value(json.loads(json.dumps(serialize.encode_value(value))))
        assert type(back) is type(value) and back.dtype == value.dtype
        assert np.shape(back) == np.shape(value) and np.asarray(back).tobytes() == \
            np.asarray(value).tobytes()


def test_non_finite_floats_are_written_as_strict_json():
    text = json.dumps(serialize.encode_value([float("nan"), float("inf"), -float("inf")]),
                      allow_nan=False)
    back = serialize.decode_value(json.loads(text))
    assert np.isnan(back[0]) and back[1:] == [float("inf"), -float("inf")]


def _small_graph():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    w = tf.Variable(np.arange(6, dtype=np.float32).reshape(3, 2), name="layer/w")
    y = tf.matmul(x, w, name="layer/y")
    with tf.control_dependencies([y]):
        z = tf.identity(tf.reduce_sum(y, axis=[1]), name="z")
    r = tf.reshape(z, [-1, 1])
    r.set_shape([4, 1])  # a refinement the shape rules cannot recompute
    tf.add_to_collection("outputs", z)
    tf.add_to_collection("misc", "a string")
    tf.add_to_collection("misc", 7)
    return x, w, z, r


def test_import_rebuilds_every_op_with_its_name_type_inputs_control_inputs_and_shapes():
    _small_graph()
    original = tf.get_default_graph()
    meta = _through_bytes(tf.train.export_meta_graph(), as_text=True)
    with tf.Graph().as_default() as g:
        tf.train.import_meta_graph(meta)
        for old in original.get_operations():
            new = g.get_operation_by_name(old.name)
            assert new.type == old.type
            assert [t.name for t in new.inputs] == [t.name for t in old.inputs]
            assert [c.name for c in new.control_inputs] == [c.name for c in old.control_inputs]
            assert [t.shape.as_list() if t.shape.ndims is not None else None
                    for t in new.outputs] == [t.shape.as_list() if t.shape.ndims is not None
                                              else None for t in old.outputs]
            assert new.location == old.location
        assert len(g.get_operations()) == len(original.get_operations())
        assert g.get_tensor_by_name("Reshape:0").shape.as_list() == [4, 1]
        assert tf.get_collection("misc") == ["a string", 7]
        assert tf.get_collection("outputs")[0] is g.get_tensor_by_name("z:0")


def test_imported_variables_are_variables_that_run_and_new_ops_get_fresh_names():
    _small_graph()
    meta = tf.train.export_meta_graph()
    tf.reset_default_graph()
    saver = tf.train.import_meta_graph(meta)
    (w,) = tf.trainable_variables()
    assert isinstance(w, tf.Variable) and w.name == "layer/w:0"
    assert tf.global_variables() == [w]
    again = tf.Variable(1.0, name="layer/w")
    assert again.op.name == "layer/w_1"
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        z = sess.run("z:0", {"x:0": np.ones((2, 3), np.float32)})
    assert np.array_equal(z, [15.0, 15.0]) and saver is not None


def test_import_scope_prefixes_names_and_the_returned_saver_maps_back(tmp_path):
    _small_graph()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        prefix = tf.train.Saver().save(sess, str(tmp_path / "m"))
    tf.reset_default_graph()
    saver = tf.train.import_meta_graph(prefix + ".meta", import_scope="copy")
    assert tf.global_variables()[0].op.name == "copy/layer/w"
    with tf.Session() as sess:
        saver.restore(sess, prefix)
        assert sess.run("copy/layer/w:0")[2, 1] == 5.0


def test_seeded_random_ops_draw_the_same_numbers_after_import():
    tf.set_random_seed(9)
    noise = tf.random_normal([3, 4], name="noise")
    meta = tf.train.export_meta_graph()
    with tf.Session() as sess:
        expected = sess.run(noise)
    with tf.Graph().as_default() as g:
        tf.train.import_meta_graph(meta)
        assert g.seed == 9
        with tf.Session() as sess:
            assert sess.run("noise:0").tobytes() == expected.tobytes()


def test_importing_twice_into_one_graph_without_a_scope_is_a_clear_error():
    _small_graph()
    meta = tf.train.export_meta_graph()
    with pytest.raises(ValueError, match="already has an op of that name"):
        tf.train.import_meta_graph(meta)


def test_py_func_cannot_be_exported_and_saving_still_writes_the_checkpoint(tmp_path):
    x = tf.Variable([1.0, 2.0], name="v")
    tf.py_func(lambda a: a * 2, [x], tf.float32, name="doubler")
    with pytest.raises(ValueError, match="Cannot export op 'doubler' .*py_func"):
        tf.train.export_meta_graph()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        with pytest.warns(UserWarning, match="no meta graph written"):
            prefix = tf.train.Saver().save(sess, str(tmp_path / "m"))
    assert sorted(os.listdir(tmp_path)) == ["checkpoint", "m.tensors"]
    assert tf.train.list_variables(prefix) == [("v", [2])]


def _set_record(node, **changes):
    record = json.loads(node.attr["_graphgrad"].s)
    record.update(changes)
    node.attr["_graphgrad"].s = json.dumps(record).encode()


def test_unknown_op_types_future_versions_and_foreign_files_are_refused(tmp_path):
    _small_graph()
    meta = tf.train.export_meta_graph()
    node = next(n for n in meta.graph_def.node if n.name == "z")
    _set_record(node, op="NoSuchOp")
    with tf.Graph().as_default(), pytest.raises(ValueError, match="op type 'NoSuchOp' is not reg"):
        tf.train.import_meta_graph(meta)
    del node.attr["_graphgrad"]  # now a plain TF node of a type graphgrad does not map
    node.op = "NoSuchOp"
    with tf.Graph().as_default(), pytest.raises(ValueError, match="'z' .*'NoSuchOp'.* no graph"):
        tf.train.import_meta_graph(meta)
    path = tmp_path / "model.meta"
    path.write_bytes(b"\x0a\x05proto")
    with pytest.raises(ValueError, match="Cannot read meta graph '.*model.meta'"):
        tf.train.import_meta_graph(str(path))
    path.write_text(json.dumps({"format": serialize.FORMAT, "version": 99}))
    with pytest.raises(ValueError, match="version 99"):
        tf.train.import_meta_graph(str(path))
    with pytest.raises(OSError, match="does not exist"):
        tf.train.import_meta_graph(str(tmp_path / "absent.meta"))


def test_graphgrad_json_meta_graphs_of_earlier_versions_are_still_read(tmp_path):
    from graphgrad.train.checkpoint_meta import meta_graph_dict
    _small_graph()
    path = tmp_path / "old.meta"
    path.write_text(json.dumps(meta_graph_dict()))
    with tf.Graph().as_default() as g:
        saver = tf.train.import_meta_graph(str(path))
        assert [v.op.name for v in tf.global_variables()] == ["layer/w"] and saver is not None
        assert tf.get_collection("outputs")[0] is g.get_tensor_by_name("z:0")


def test_uncodable_collections_are_skipped_with_a_warning():
    tf.Variable(1.0)
    tf.add_to_collection("objects", object())
    with pytest.warns(UserWarning, match="Collection 'objects'"):
        meta = tf.train.export_meta_graph()
    assert "objects" not in meta.collection_def and "variables" in meta.collection_def


@pytest.mark.parametrize("as_text", [True, False])
def test_write_graph_then_import_graph_def_with_input_map_and_return_elements(tmp_path, as_text):
    x = tf.placeholder(tf.float32, [None], name="x")
    tf.multiply(x, 3.0, name="out")
    path = tf.train.write_graph(tf.get_default_graph(), str(tmp_path / "logs"), "g.pb", as_text)
    assert path == str(tmp_path / "logs" / "g.pb")
    with open(path, "rb") as f:
        data = f.read()
    graph_def = protos.GraphDef()
    if as_text:
        from google.protobuf import text_format
        text_format.Parse(data.decode(), graph_def)
    else:
        graph_def.ParseFromString(data)
    assert [(n.name, n.op) for n in graph_def.node if n.name in ("x", "out")] == [
        ("x", "Placeholder"), ("out", "Mul")]
    tf.reset_default_graph()
    feed = tf.constant([1.0, 2.0])
    (out,) = tf.import_graph_def(graph_def, input_map={"x": feed}, return_elements=["out:0"])
    assert out.name == "import/out:0"
    with tf.Session() as sess:
        assert np.array_equal(sess.run(out), [3.0, 6.0])


def test_write_graph_accepts_a_sessions_graph_def(tmp_path):
    tf.add(tf.constant(1), tf.constant(2), name="sum")
    with tf.Session() as sess:
        path = tf.train.write_graph(sess.graph_def, str(tmp_path), "g.txt", as_text=True)
    nodes = graphdef.read_graph_def(path).node
    assert [n.op for n in nodes] == ["Const", "Const", "Add"] and nodes[2].name == "sum"
    with tf.Graph().as_default():
        (total,) = tf.import_graph_def(graphdef.read_graph_def(path), return_elements=["sum:0"])
        with tf.Session() as sess:
            assert sess.run(total) == 3


_SEED_MODEL = """
import graphgrad as tf
from graphgrad.examples.tutorials.mnist import input_data
mnist = input_data.read_data_sets(input_data.bundled_dir(), one_hot=True, seed=0)
tf.set_random_seed(0)
x = tf.placeholder(tf.float32, [None, 784], name="x")
W = tf.Variable(tf.zeros([784, 10]))
b = tf.Variable(tf.zeros([10]))
y = tf.nn.softmax(tf.matmul(x, W) + b)
y_ = tf.placeholder(tf.float32, [None, 10], name="labels")
loss = tf.reduce_mean(-tf.reduce_sum(y_ * tf.log(y), reduction_indices=[1]))
step = tf.train.get_or_create_global_step()
train_op = tf.train.GradientDescentOptimizer(0.5).minimize(loss, global_step=step)
correct = tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1))
accuracy = tf.reduce_mean(tf.cast(correct, tf.float32), name="accuracy")
sess = tf.Session()
sess.run(tf.global_variables_initializer())
for i in range(60):
    xs, ys = mnist.train.next_batch(100)
    sess.run(train_op, {x: xs, y_: ys})
test = {x: mnist.test.images, y_: mnist.test.labels}
print(repr(float(sess.run(accuracy, test))))
print(tf.train.Saver().save(sess, FOLDER + "/model.ckpt", global_step=step))
"""

_RELOAD = """
import sys
import graphgrad as tf
from graphgrad.examples.tutorials.mnist import input_data
mnist = input_data.read_data_sets(input_data.bundled_dir(), one_hot=True, seed=1)
latest = tf.train.latest_checkpoint(sys.argv[1])
saver = tf.train.import_meta_graph(latest + ".meta")
sess = tf.Session()
saver.restore(sess, latest)
graph = tf.get_default_graph()
accuracy = graph.get_tensor_by_name("accuracy:0")
test = {"x:0": mnist.test.images, "labels:0": mnist.test.labels}
print(repr(float(sess.run(accuracy, test))))
train_op = tf.get_collection("train_op")[0]
for i in range(40):
    xs, ys = mnist.train.next_batch(100)
    sess.run(train_op, {"x:0": xs, "labels:0": ys})
print(repr(float(sess.run(accuracy, test))), sess.run(tf.train.get_global_step()))
print(len(tf.trainable_variables()), len(tf.global_variables()))
"""


def test_the_trained_seed_model_reloads_in_a_fresh_process_evaluates_and_trains_on(tmp_path):
    folder = str(tmp_path)
    accuracy, prefix = run_python(f"FOLDER = {folder!r}\n" + _SEED_MODEL).split("\n")[:2]
    assert prefix == os.path.join(folder, "model.ckpt-60") and float(accuracy) > 0.75
    reloaded, further, counts = run_python(textwrap.dedent(_RELOAD), folder).split("\n")[:3]
    assert reloaded == accuracy  # the same graph and weights give the same float32 bits
    assert further.split()[1] == "100" and counts == "2 3"
    assert float(further.split()[0]) > 0.75 and further.split()[0] != accuracy


def _op_rows():
    from .ops.cases import CASES
    return [c for c in CASES if c.tested_by is None and c.shapes]


@pytest.mark.parametrize("case", _op_rows(), ids=lambda c: c.id)
def test_every_op_row_and_its_gradients_survive_export_and_import_bit_for_bit(case):
    from .ops.harness import make_inputs
    arrays = make_inputs(case, case.shapes[0], "float64")
    original = tf.Graph()
    with original.as_default():
        phs = [tf.placeholder(tf.as_dtype(a.dtype), a.shape, name=f"in{i}")
               for i, a in enumerate(arrays)]
        out = tf.identity(case.build(*phs), name="out")
        fetches = [out.name]
        floats = [p for p in phs if p.dtype.is_floating]
        if case.order > 0 and floats:
            loss = tf.reduce_sum(tf.cast(out, tf.float64), name="loss")
            fetches += [g.name for g in tf.gradients(loss, floats) if g is not None]
    meta = _through_bytes(tf.train.export_meta_graph(graph=original))
    copy = tf.Graph()
    with copy.as_default():
        tf.train.import_meta_graph(meta)
    feeds = {f"in{i}:0": a for i, a in enumerate(arrays)}
    with tf.Session(graph=original) as sess:
        expected = sess.run(fetches, feeds)
    with tf.Session(graph=copy) as sess:
        got = sess.run(fetches, feeds)
    assert [o.type for o in copy.get_operations()] == [o.type for o in original.get_operations()]
    for a, b in zip(expected, got):
        assert np.asarray(a).dtype == np.asarray(b).dtype
        assert np.asarray(a).tobytes() == np.asarray(b).tobytes()

