"""ONNX export: models written by graphgrad.onnx.export, run by onnxruntime (or onnx's reference
evaluator where onnxruntime is missing), give graphgrad's outputs within float32 tolerance."""
import numpy as np
import onnx
import pytest

import graphgrad as tf


def _run_onnx(path, feeds):
    try:
        import onnxruntime
    except ImportError:
        from onnx.reference import ReferenceEvaluator
        return ReferenceEvaluator(path).run(None, feeds)
    session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
    return session.run(None, feeds)


def _init(sess, rng):
    """Initializes, then gives every variable seeded non-trivial values (zeros hide bugs)."""
    sess.run(tf.global_variables_initializer())
    for var in tf.global_variables():
        shape = var.shape.as_list()
        var.load(rng.standard_normal(shape).astype(np.float32) * 0.3, sess)


def _check(tmp_path, sess, inputs, outputs, feeds, rtol=1e-5, atol=1e-5):
    path = str(tmp_path / "model.onnx")
    model = tf.onnx.export(sess, inputs, outputs, path)
    assert onnx.load(path) == model  # the file holds the returned model
    expected = sess.run(outputs, {t: feeds[t.name] for t in inputs})
    got = _run_onnx(path, feeds)
    for e, g, t in zip(expected, got, outputs):
        assert g.dtype == e.dtype, t.name
        np.testing.assert_allclose(g, e, rtol=rtol, atol=atol, err_msg=t.name)
    return model


def test_seed_softmax_model_trained_exports_with_matching_outputs(tmp_path):
    rng = np.random.default_rng(0)
    x = tf.placeholder(tf.float32, [None, 784])
    W = tf.Variable(tf.zeros([784, 10]))
    b = tf.Variable(tf.zeros([10]))
    y = tf.nn.softmax(tf.matmul(x, W) + b)
    y_ = tf.placeholder(tf.float32, [None, 10])
    cross_entropy = tf.reduce_mean(-tf.reduce_sum(y_ * tf.log(y), reduction_indices=[1]))
    train = tf.train.GradientDescentOptimizer(0.5).minimize(cross_entropy)
    prediction = tf.argmax(y, 1)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(3):
            labels = np.eye(10, dtype=np.float32)[rng.integers(0, 10, 32)]
            sess.run(train, {x: rng.random((32, 784), np.float32), y_: labels})
        feeds = {x.name: rng.random((7, 784), np.float32)}
        model = _check(tmp_path, sess, [x], [y, prediction], feeds)
    assert [i.name for i in model.graph.input] == ["Placeholder:0"]
    assert {i.name for i in model.graph.initializer} >= {"Variable:0", "Variable_1:0"}
    # Only the inference subgraph: no training ops or the label placeholder.
    assert not {n.op_type for n in model.graph.node} & {"Log", "ReduceMean"}


def test_mlp_with_biases_and_several_activations(tmp_path):
    rng = np.random.default_rng(1)
    x = tf.placeholder(tf.float32, [None, 13], name="x")
    h = tf.nn.relu(tf.nn.bias_add(tf.matmul(x, tf.Variable(tf.ones([13, 17]))),
                                  tf.Variable(tf.ones([17]))))
    h = tf.tanh(tf.matmul(h, tf.Variable(tf.ones([17, 9]))) - tf.Variable(tf.ones([9])))
    h = tf.nn.sigmoid(h) * 2.0 + tf.nn.relu6(h * 7.0) / 3.0
    logits = tf.matmul(h, tf.Variable(tf.ones([5, 9])), transpose_b=True)
    probs = tf.nn.softmax(logits)
    mean = tf.reduce_mean(logits, axis=1, keepdims=True)
    total = tf.reduce_sum(tf.square(logits), axis=[0, 1])
    cls = tf.cast(tf.argmax(logits, axis=1, output_type=tf.int32), tf.float32)
    with tf.Session() as sess:
        _init(sess, rng)
        feeds = {"x:0": rng.standard_normal((6, 13)).astype(np.float32)}
        _check(tmp_path, sess, [x], [probs, mean, total, cls, tf.nn.log_softmax(logits)], feeds,
               rtol=1e-4)


def test_small_cnn_nhwc_conv_pool_dense(tmp_path):
    rng = np.random.default_rng(2)
    x = tf.placeholder(tf.float32, [None, 12, 10, 3], name="images")
    w1 = tf.Variable(tf.ones([3, 3, 3, 4]))
    h = tf.nn.relu(tf.nn.conv2d(x, w1, [1, 1, 1, 1], "SAME") + tf.Variable(tf.ones([4])))
    h = tf.nn.max_pool(h, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")
    w2 = tf.Variable(tf.ones([2, 3, 4, 5]))
    h = tf.nn.conv2d(h, w2, [1, 2, 1, 1], "VALID")
    h = tf.nn.avg_pool(h, [1, 3, 3, 1], [1, 2, 2, 1], "SAME")
    flat = tf.reshape(h, [-1, 2 * 2 * 5])
    logits = tf.matmul(flat, tf.Variable(tf.ones([20, 6]))) + tf.Variable(tf.ones([6]))
    with tf.Session() as sess:
        _init(sess, rng)
        feeds = {"images:0": rng.standard_normal((3, 12, 10, 3)).astype(np.float32)}
        assert sess.run(h, {x: feeds["images:0"]}).shape == (3, 2, 2, 5)
        _check(tmp_path, sess, [x], [tf.nn.softmax(logits), h], feeds, rtol=1e-4, atol=1e-5)


def test_shape_ops_transpose_concat_squeeze_expand_dims(tmp_path):
    rng = np.random.default_rng(3)
    x = tf.placeholder(tf.float32, [None, 3, 4], name="x")
    t = tf.transpose(x, [0, 2, 1])
    c = tf.concat([t, tf.exp(t)], axis=2)
    e = tf.squeeze(tf.expand_dims(c, 1), [1])
    n = tf.cast(tf.shape(x), tf.float32)
    with tf.Session() as sess:
        feeds = {"x:0": rng.standard_normal((2, 3, 4)).astype(np.float32)}
        _check(tmp_path, sess, [x], [e, tf.reduce_max(e, 2), n], feeds)


def test_unsupported_op_names_the_op_and_type(tmp_path):
    x = tf.placeholder(tf.float32, [None, 4], name="x")
    y = tf.cumsum(x, axis=1, name="running")
    with tf.Session() as sess:
        with pytest.raises(ValueError, match="running.*'Cumsum' has no ONNX mapping"):
            tf.onnx.export(sess, [x], [y], str(tmp_path / "m.onnx"))


def test_placeholder_missing_from_inputs_is_reported(tmp_path):
    x = tf.placeholder(tf.float32, [None, 4], name="x")
    scale = tf.placeholder(tf.float32, [], name="scale")
    with tf.Session() as sess:
        with pytest.raises(ValueError, match="placeholder 'scale'.*not in `inputs`"):
            tf.onnx.export(sess, [x], [x * scale], str(tmp_path / "m.onnx"))


def test_uninitialized_variable_is_refused(tmp_path):
    x = tf.placeholder(tf.float32, [None, 4], name="x")
    y = tf.matmul(x, tf.Variable(tf.ones([4, 2]), name="W"))
    with tf.Session() as sess:
        with pytest.raises(tf.errors.FailedPreconditionError, match="W.*not initialized"):
            tf.onnx.export(sess, [x], [y], str(tmp_path / "m.onnx"))


def test_cut_point_input_exports_only_the_tail(tmp_path):
    x = tf.placeholder(tf.float32, [None, 4], name="x")
    noisy = x + tf.random_normal([4])
    y = tf.nn.relu(noisy) * 3.0
    with tf.Session() as sess:
        model = tf.onnx.export(sess, [noisy], [y], str(tmp_path / "m.onnx"))
        value = np.arange(-4, 4, dtype=np.float32).reshape(2, 4)
        (got,) = _run_onnx(str(tmp_path / "m.onnx"), {noisy.name: value})
    np.testing.assert_allclose(got, np.maximum(value, 0) * 3.0)
    assert [n.op_type for n in model.graph.node] == ["Relu", "Mul"]


def test_flatten_depthwise_conv_and_inference_batch_norm(tmp_path):
    rng = np.random.default_rng(4)
    x = tf.placeholder(tf.float32, [None, 7, 6, 3], name="x")
    h = tf.nn.depthwise_conv2d(x, tf.Variable(tf.ones([3, 2, 3, 2])), [1, 2, 1, 1], "SAME")
    scale, offset = tf.Variable(tf.ones([6])), tf.Variable(tf.ones([6]))
    mean, variance = tf.Variable(tf.ones([6])), tf.Variable(tf.ones([6]))
    h, _, _ = tf.nn.fused_batch_norm(h, scale, offset, mean=mean, variance=variance,
                                     epsilon=0.01, is_training=False)
    flat = tf.layers.flatten(h)
    first_row = h[:, 1, ::2, -1]
    with tf.Session() as sess:
        _init(sess, rng)
        sess.run(variance.assign(tf.abs(variance) + 0.5))
        feeds = {"x:0": rng.standard_normal((2, 7, 6, 3)).astype(np.float32)}
        model = _check(tmp_path, sess, [x], [flat, first_row], feeds, rtol=1e-4, atol=1e-5)
    assert {"Conv", "BatchNormalization", "Slice", "Concat"} <= {n.op_type for n in
                                                                 model.graph.node}


def test_training_mode_batch_norm_is_refused(tmp_path):
    x = tf.placeholder(tf.float32, [None, 2, 2, 3], name="x")
    y, _, _ = tf.nn.fused_batch_norm(x, tf.ones([3]), tf.zeros([3]), is_training=True)
    with tf.Session() as sess:
        with pytest.raises(ValueError, match="FusedBatchNorm.*inference"):
            tf.onnx.export(sess, [x], [y])
