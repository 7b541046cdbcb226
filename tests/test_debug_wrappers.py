"""The debugger wrappers: first NaN/Inf op with its inputs' statistics and the user's line, tensor
dumps (.npy + index.json), watched tensors; and gradient-op errors naming their forward op."""
import json
import os

import numpy as np
import pytest

import graphgrad as tf

from .helpers import line_of


def _log_model(lr=0.5):
    """Minimising mean(log(x @ w)) drives x @ w through 0: the loss turns NaN in a few steps."""
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    w = tf.Variable(np.full((3, 2), 0.5, np.float32), name="w")
    h = tf.matmul(x, w)
    loss = tf.reduce_mean(tf.log(h))  # the culprit log
    train = tf.train.GradientDescentOptimizer(lr).minimize(loss)
    feed = {x: np.random.RandomState(0).rand(5, 3).astype(np.float32) + 0.1}
    return x, w, h, loss, train, feed


def test_wrapper_names_the_first_nan_op_its_inputs_and_the_users_line():
    x, w, h, loss, train, feed = _log_model()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        dbg = tf.debug.DebugWrapperSession(sess)
        losses = []
        with pytest.raises(tf.debug.NonFiniteError) as info:
            for _ in range(10):
                losses.append(dbg.run([loss, train], feed)[0])
        report = info.value.report
        # The update of that step never ran: the weights are still finite.
        assert np.isfinite(sess.run(w)).all()
    assert len(losses) == 3 and all(np.isfinite(losses))
    assert report.run == 4 and report.op.type == "Log" and report.op.name == "Log"
    assert report.location.endswith(f"test_debug_wrappers.py:{line_of(__file__, 'culprit log')}")
    assert isinstance(info.value, tf.errors.InvalidArgumentError)
    text = str(info.value)
    assert text.startswith("First NaN/Inf in run 4: op 'Log' (Log, created at ")
    assert "  output Log:0: float32[5, 2] 10 NaN, 0 Inf" in text
    assert "  input  MatMul:0: float32[5, 2] 0 NaN, 0 Inf, finite min -" in text
    assert "Likely cause: log of a value <= 0" in text


def test_wrapper_finds_an_optimizer_update_that_overflows():
    w = tf.Variable(np.array([1.0, -2.0, 3.0], np.float32), name="w")
    c = tf.placeholder(tf.float32, [3])
    loss = tf.reduce_sum(w * c)
    train = tf.train.GradientDescentOptimizer(1e38).minimize(loss)  # overflowing update
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        dbg = tf.debug.DebugWrapperSession(sess, on_nonfinite="record")
        dbg.run(train, {c: np.array([10.0, 0.0, -10.0], np.float32)})
    report = dbg.nonfinite
    assert report.op.type == "ApplyGradientDescent"
    assert report.location.endswith(f":{line_of(__file__, 'overflowing update')}")
    assert "1 Inf" not in str(report) and "2 Inf" in str(report)
    assert "Likely cause: a variable update overflowed" in str(report)


def test_gradient_op_with_nan_names_the_forward_op():
    x = tf.placeholder(tf.float32, [4])
    y = tf.sqrt(x)  # sqrt forward
    (g,) = tf.gradients(y, x)
    with tf.Session() as sess:
        dbg = tf.debug.DebugWrapperSession(sess, on_nonfinite="record")
        dbg.run(g, {x: np.array([0.0, 1.0, 4.0, 9.0], np.float32)})
    report = dbg.nonfinite
    assert report.op.name.startswith("gradients/Sqrt_grad/")
    assert f"gradient of 'Sqrt' (created at {__file__}:{line_of(__file__, 'sqrt forward')})" \
        in str(report)


def test_watch_returns_intermediate_values_without_changing_the_graph():
    x, w, h, loss, train, feed = _log_model(lr=0.01)
    (grad_w,) = tf.gradients(loss, [w])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        expected_h, expected_g = sess.run([h, grad_w], feed)
        version = sess.graph.version
        dbg = tf.debug.DebugWrapperSession(sess)
        result, (h_val, g_val) = dbg.run(loss, feed, watch=[h, grad_w.name])
        assert sess.graph.version == version
        assert dbg.run(loss, feed) == pytest.approx(float(result))
    np.testing.assert_allclose(h_val, expected_h, rtol=1e-6)
    np.testing.assert_allclose(g_val, expected_g, rtol=1e-6)


def test_dumping_wrapper_writes_every_op_output_as_npy_with_an_index(tmp_path):
    x, w, h, loss, train, feed = _log_model()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        dbg = tf.debug.DumpingDebugWrapperSession(sess, str(tmp_path))
        for _ in range(4):
            dbg.run([loss, train], feed)
    with open(tmp_path / "run_1" / "index.json") as f:
        index = json.load(f)
    names = [e["tensor"] for e in index["tensors"]]
    assert index["run"] == 1 and names[-1].endswith("ApplyGradientDescent:0")
    assert "MatMul:0" in names and "Log:0" in names
    assert any(n.startswith("gradients/MatMul_grad/") for n in names)
    assert [e["step"] for e in index["tensors"]] == sorted(e["step"] for e in index["tensors"])
    entry = index["tensors"][names.index("MatMul:0")]
    assert entry["location"].endswith(f":{line_of(__file__, 'h = tf.matmul(x, w)')}")
    arr = np.load(tmp_path / "run_1" / entry["file"], allow_pickle=False)
    np.testing.assert_allclose(arr, feed[x] @ np.full((3, 2), 0.5, np.float32), rtol=1e-6)
    dump = tf.debug.DumpDir(str(tmp_path / "run_4"))
    bad = dump.find(lambda e, a: tf.debug.has_inf_or_nan(e, a))
    assert bad[0]["tensor"] == "Log:0" and bad[0]["has_inf_or_nan"]
    assert len(dump.find(lambda e, a: True)) == len(dump.tensor_names())
    assert os.path.isfile(tmp_path / "run_4" / "gradients" / "MatMul_grad" / "MatMul_1_0.npy")


def test_tensor_filter_lists_matching_tensors_in_execution_order():
    x, w, h, loss, train, feed = _log_model()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        dbg = tf.debug.DebugWrapperSession(sess, check_nonfinite=False)
        dbg.add_tensor_filter("negative", lambda t, v: v.dtype.kind == "f" and (v < 0).any())
        dbg.add_tensor_filter("all", lambda t, v: True)
        dbg.run([loss, train], feed)
    assert dbg.filter_hits["negative"] == ["Log:0"]  # log of some values in (0, 1)
    seen = dbg.filter_hits["all"]
    assert seen.index("MatMul:0") < seen.index("Log:0") < seen.index("Mean:0")
    assert seen[-1].endswith("ApplyGradientDescent:0")
    assert any(name.startswith("gradients/Log_grad/") for name in seen)


def test_kernel_error_in_a_gradient_op_names_the_forward_op_and_its_line():
    a = tf.placeholder(tf.float32, [None, None])
    b = tf.placeholder(tf.float32, [None, None])
    y = tf.matmul(a, b)  # forward matmul
    gy = tf.placeholder(tf.float32, [None, None])
    (ga,) = tf.gradients(y, a, grad_ys=gy)
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError) as info:
            sess.run(ga, {a: np.ones((2, 3)), b: np.ones((3, 4)), gy: np.ones((2, 5))})
    text = str(info.value)
    assert "in op 'gradients/MatMul_grad/MatMul'" in text
    assert (f"(gradient of 'MatMul' (MatMul, created at {__file__}:"
            f"{line_of(__file__, 'forward matmul')}))") in text
    assert ga.op.get_attr("_forward_op") == "MatMul"
