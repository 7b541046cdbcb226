"""tf.summary: ScalarSummary, HistogramSummary, ImageSummary, TensorSummaryV2 (text) and
MergeSummary ops, and FileWriter event files read back with TensorBoard's own EventAccumulator.

Needs tensorboardX (the `graphgrad[tensorboard]` extra) and tensorboard (the reader)."""
import io
import os
import subprocess
import sys
import time

import numpy as np
import pytest
from tensorboard.backend.event_processing import event_accumulator
from tensorboardX.proto import summary_pb2

import graphgrad as tf


def _load(logdir):
    acc = event_accumulator.EventAccumulator(str(logdir), size_guidance={"images": 0,
                                                                         "tensors": 0})
    acc.Reload()
    return acc


def _softmax_model():
    x = tf.placeholder(tf.float32, [None, 4], name="x")
    W = tf.Variable(tf.zeros([4, 3]), name="W")
    y = tf.nn.softmax(tf.matmul(x, W))
    loss = tf.reduce_mean(-tf.reduce_sum(tf.one_hot([0, 1], 3) * tf.log(y + 1e-6), 1))
    train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
    return x, W, loss, train


def test_event_files_hold_scalars_histograms_images_text_and_the_graph(tmp_path):
    x, W, loss, train = _softmax_model()
    with tf.name_scope("train"):
        tf.summary.scalar("loss", loss)
    tf.summary.histogram("weights", W)
    tf.summary.image("inputs", tf.reshape(x, [-1, 2, 2, 1]), max_outputs=2)
    tf.summary.text("note", "softmax regression")
    merged = tf.summary.merge_all()
    feed = {x: np.random.default_rng(0).random((2, 4), dtype=np.float32)}
    with tf.Session() as sess:
        writer = tf.summary.FileWriter(str(tmp_path), sess.graph)
        sess.run(tf.global_variables_initializer())
        losses = []
        for step in range(3):
            summary, loss_value, _ = sess.run([merged, loss, train], feed)
            writer.add_summary(summary, step)
            losses.append(loss_value)
        writer.close()
    acc = _load(tmp_path)
    scalars = acc.Scalars("train/loss")
    assert [e.step for e in scalars] == [0, 1, 2]
    np.testing.assert_allclose([e.value for e in scalars], losses, rtol=1e-6)
    assert acc.Tags()["histograms"] == ["weights"]
    histo = acc.Histograms("weights")[-1].histogram_value
    assert histo.num == 12
    assert sorted(acc.Tags()["images"]) == ["inputs/image/0", "inputs/image/1"]
    image = acc.Images("inputs/image/1")[0]
    assert (image.width, image.height) == (2, 2)
    text = acc.Tensors("note")[0].tensor_proto.string_val
    assert text == [b"softmax regression"]
    graph = acc.Graph()
    ops = {n.name: n.op for n in graph.node}
    assert ops["MatMul"] == "MatMul" and ops["x"] == "Placeholder" and ops["W"] == "VariableV2"
    matmul = next(n for n in graph.node if n.name == "MatMul")
    assert list(matmul.input) == ["x", "W/read"]
    assert [d.size for d in matmul.attr["_output_shapes"].list.shape[0].dim] == [-1, 3]


def test_scalar_summary_bytes_parse_as_a_summary_protobuf():
    v = tf.placeholder(tf.float32, [])
    s = tf.summary.scalar("accuracy", v)
    assert s.op.type == "ScalarSummary" and s.dtype == tf.string and s.name == "accuracy:0"
    assert tf.get_collection(tf.GraphKeys.SUMMARIES) == [s]
    with tf.Session() as sess:
        out = sess.run(s, {v: 0.25})
    assert isinstance(out, bytes)
    value = summary_pb2.Summary.FromString(out).value[0]
    assert (value.tag, value.simple_value) == ("accuracy", 0.25)


def test_histogram_buckets_count_every_value_once():
    values = tf.constant([-3.0, -0.5, 0.0, 0.0, 2.0, 2.1, 100.0])
    with tf.Session() as sess:
        out = sess.run(tf.summary.histogram("h", values))
    histo = summary_pb2.Summary.FromString(out).value[0].histo
    assert (histo.min, histo.max, histo.num) == (-3.0, 100.0, 7)
    assert sum(histo.bucket) == 7 and len(histo.bucket) == len(histo.bucket_limit)
    np.testing.assert_allclose(histo.sum_squares, 9 + 0.25 + 4 + 4.41 + 10000, rtol=1e-9)


def test_image_summary_writes_png_scaled_like_tf():
    from PIL import Image
    pixels = tf.constant(np.array([[[[0.0], [0.5]], [[1.0], [0.25]]]], dtype=np.float32))
    with tf.Session() as sess:
        out = sess.run(tf.summary.image("im", pixels, max_outputs=1))
    value = summary_pb2.Summary.FromString(out).value[0]
    assert value.tag == "im/image"
    decoded = np.asarray(Image.open(io.BytesIO(value.image.encoded_image_string)))
    np.testing.assert_array_equal(decoded, [[0, 128], [255, 64]])


def test_merge_rejects_duplicate_tags_at_run_time():
    a = tf.summary.scalar("same", tf.constant(1.0), collections=[])
    b = tf.summary.scalar("same", tf.constant(2.0), collections=[])
    assert b.name == "same_1:0"
    with tf.Session() as sess:
        assert len(summary_pb2.Summary.FromString(sess.run(tf.summary.merge([a]))).value) == 1
    c = tf.summary.scalar("other", tf.constant(2.0), collections=[])
    d = tf.summary.merge([a, c], name="dup")
    e = tf.summary.merge([d, a])
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError,
                                             match="Duplicate tag same found in summary inputs"):
        sess.run(e)


def test_merge_all_is_none_without_summaries_and_family_prefixes_the_tag():
    assert tf.summary.merge_all() is None
    s = tf.summary.scalar("loss", tf.constant(1.0), family="losses")
    with tf.Session() as sess:
        value = summary_pb2.Summary.FromString(sess.run(s)).value[0]
    assert value.tag == "losses/losses/loss"


def test_summary_shapes_are_checked_while_building():
    with pytest.raises(ValueError, match="tags and values not the same shape"):
        tf.summary.scalar("v", tf.zeros([3]))
    with pytest.raises(ValueError, match="4-D with last dim 1, 3, or 4"):
        tf.summary.image("i", tf.zeros([2, 3, 3, 2]))
    with pytest.raises(ValueError, match="dtype string"):
        tf.summary.text("t", tf.zeros([1]))


def test_file_writer_accepts_summary_protos_and_reports_bad_values(tmp_path):
    with tf.summary.FileWriter(tmp_path) as writer:
        proto = summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag="lr",
                                                                     simple_value=0.1)])
        writer.add_summary(proto, global_step=7)
        with pytest.raises(TypeError, match="add_summary expects"):
            writer.add_summary(0.1)
        assert writer.get_logdir() == str(tmp_path)
    assert [(e.step, round(e.value, 6)) for e in _load(tmp_path).Scalars("lr")] == [(7, 0.1)]


def test_reopen_starts_a_new_event_file_with_the_same_suffix(tmp_path):
    writer = tf.summary.FileWriter(tmp_path, filename_suffix=".train")
    writer.close()
    time.sleep(1.1)  # event file names carry the time in seconds
    writer.reopen()
    writer.close()
    names = sorted(os.listdir(tmp_path))
    assert len(names) == 2 and all(n.endswith(".train") for n in names), names


def test_import_graphgrad_does_not_import_tensorboardx():
    code = "import sys, graphgrad; print('tensorboardX' in sys.modules, 'google.protobuf' in " \
           "sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "False False"
