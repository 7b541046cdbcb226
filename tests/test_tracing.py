"""FULL_TRACE step stats, the Chrome trace / Perfetto timeline and the slowest-ops summary."""
import json

import numpy as np

import graphgrad as tf

from .helpers import line_of


def _model():
    x = tf.placeholder(tf.float32, [None, 5], name="x")
    w = tf.Variable(np.random.RandomState(1).randn(5, 3).astype(np.float32), name="w")
    logits = tf.matmul(x, w)  # traced matmul
    loss = tf.reduce_mean(tf.square(tf.nn.relu(logits)))
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    feed = {x: np.random.RandomState(2).rand(7, 5).astype(np.float32)}
    return w, loss, train, feed


def _traced(sess, fetches, feed):
    md = tf.RunMetadata()
    out = sess.run(fetches, feed, options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE),
                   run_metadata=md)
    return out, md


def test_full_trace_records_every_op_with_type_times_and_output_shapes():
    w, loss, train, feed = _model()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        expected = sess.run(loss, feed)
        value, md = _traced(sess, loss, feed)
    np.testing.assert_allclose(value, expected, rtol=1e-6)
    (dev,) = md.step_stats.dev_stats
    assert dev.device.endswith("CPU:0")
    by_name = {ns.node_name: ns for ns in dev.node_stats}
    mm = by_name["MatMul"]
    assert mm.op_type == "MatMul" and mm.timeline_label.startswith("MatMul = MatMul(")
    assert mm.output[0].shape == (7, 3) and mm.output[0].requested_bytes == 7 * 3 * 4
    assert mm.location.endswith(f"test_tracing.py:{line_of(__file__, 'traced matmul')}")
    starts = [ns.all_start_nanos for ns in dev.node_stats]
    assert starts == sorted(starts) and all(ns.all_end_rel_nanos >= 0 for ns in dev.node_stats)


def test_full_trace_of_a_train_op_includes_the_update_and_moves_weights_as_a_plain_run():
    w, loss, train, feed = _model()
    init = tf.global_variables_initializer()
    with tf.Session() as sess:
        sess.run(init)
        before = sess.run(w)
        _, md = _traced(sess, train, feed)
        after_traced = sess.run(w)
    with tf.Session() as sess:
        sess.run(init)
        sess.run(train, feed)
        after_plain = sess.run(w)
    types = [ns.op_type for ns in md.step_stats.dev_stats[0].node_stats]
    assert types[-1] == "ApplyGradientDescent" and "MatMul" in types
    assert not np.allclose(before, after_traced)
    np.testing.assert_allclose(after_traced, after_plain, rtol=1e-6)


def test_no_trace_leaves_run_metadata_empty():
    w, loss, train, feed = _model()
    md = tf.RunMetadata()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(loss, feed, options=tf.RunOptions(), run_metadata=md)
    assert md.step_stats is None


def test_timeline_is_chrome_trace_json_with_an_event_per_op_and_dataflow_arrows():
    w, loss, train, feed = _model()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        _, md = _traced(sess, loss, feed)
    trace = json.loads(tf.debug.Timeline(md.step_stats).generate_chrome_trace_format())
    events = trace["traceEvents"]
    ops = [e for e in events if e["ph"] == "X"]
    assert len(ops) == len(md.step_stats.dev_stats[0].node_stats)
    mm = next(e for e in ops if e["args"]["name"] == "MatMul")
    assert mm["name"] == "MatMul" and mm["dur"] >= 0 and mm["args"]["input0"] == "x:0"
    starts = {e["id"] for e in events if e["ph"] == "s"}
    ends = {e["id"] for e in events if e["ph"] == "t"}
    assert starts and starts == ends
    assert any(e["ph"] == "M" and e["name"] == "process_name" for e in events)
    plain = json.loads(tf.debug.Timeline(md).generate_chrome_trace_format(show_dataflow=False))
    assert not [e for e in plain["traceEvents"] if e["ph"] in "st"]


def test_profile_summary_lists_the_slowest_ops_first_with_their_share():
    w, loss, train, feed = _model()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        _, md = _traced(sess, train, feed)
    text = tf.debug.profile_summary(md, top=3)
    stats = md.step_stats.dev_stats[0].node_stats
    slowest = max(stats, key=lambda ns: ns.all_end_rel_nanos)
    lines = text.splitlines()
    assert lines[0].startswith(f"{len(stats)} ops ran in ") and "Top 3 by time" in lines[0]
    assert slowest.node_name in lines[2]
    assert lines.index("By op type:") == 5
    assert "%" in lines[2] and "test_tracing.py:" in text


def test_timeline_without_trace_says_how_to_get_one():
    md = tf.RunMetadata()
    try:
        tf.debug.Timeline(md).generate_chrome_trace_format()
    except ValueError as e:
        assert "FULL_TRACE" in str(e)
    else:
        raise AssertionError("expected a ValueError")


def test_timeline_is_importable_from_tf1s_client_path():
    from graphgrad.python.client import timeline

    assert timeline.Timeline is tf.debug.Timeline
