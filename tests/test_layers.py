"""tf.layers and tf.contrib.layers: TF1 variable and op names, reuse, values against NumPy,
dropout/batch-norm training switches, batch-norm moving statistics updated only through
UPDATE_OPS, regularizers."""
import numpy as np
import pytest

import graphgrad as tf

from .helpers import run_initialized as _run

RNG = np.random.RandomState(1)


def _names(variables):
    return [v.name for v in variables]


# --- dense ----------------------------------------------------------------------------------
def test_dense_names_variables_and_ops_like_tf1():
    x = tf.placeholder(tf.float32, [None, 5])
    h = tf.layers.dense(x, 4, activation=tf.nn.relu)
    y = tf.layers.dense(h, 3)
    assert _names(tf.trainable_variables()) == ["dense/kernel:0", "dense/bias:0",
                                                "dense_1/kernel:0", "dense_1/bias:0"]
    assert h.op.name == "dense/Relu" and y.op.name == "dense_1/BiasAdd"
    assert tf.get_default_graph().get_operation_by_name("dense/MatMul").type == "MatMul"
    assert tf.trainable_variables()[0].shape.as_list() == [5, 4]


def test_dense_matches_numpy():
    xv = RNG.randn(6, 5).astype(np.float32)
    y = tf.layers.dense(tf.constant(xv), 3, activation=tf.nn.tanh,
                        bias_initializer=tf.constant_initializer(0.25))
    kernel, bias = tf.trainable_variables()
    yv, kv, bv = _run([y, kernel, bias])
    np.testing.assert_allclose(yv, np.tanh(xv @ kv + bv), rtol=1e-5, atol=1e-6)
    assert (bv == 0.25).all()
    limit = np.sqrt(6.0 / 8)
    assert np.abs(kv).max() <= limit  # glorot uniform by default


def test_dense_on_rank_3_inputs_contracts_the_last_axis():
    xv = RNG.randn(2, 7, 5).astype(np.float32)
    x = tf.placeholder(tf.float32, [None, 7, 5])
    y = tf.layers.dense(x, 3, use_bias=False)
    assert y.shape.as_list() == [None, 7, 3] and len(tf.trainable_variables()) == 1
    yv, kv = _run([y, tf.trainable_variables()[0]], {x: xv})
    np.testing.assert_allclose(yv, xv @ kv, rtol=1e-5, atol=1e-6)


def test_dense_float64_inputs_give_float64_variables():
    y = tf.layers.dense(tf.constant(RNG.randn(2, 3)), 2)
    assert y.dtype == tf.float64 and tf.trainable_variables()[0].dtype == tf.float64


def test_named_dense_reuse_and_its_errors():
    x = tf.placeholder(tf.float32, [None, 5])
    a = tf.layers.dense(x, 4, name="fc")
    b = tf.layers.dense(x, 4, name="fc", reuse=True)
    c = tf.layers.dense(x, 4, name="fc", reuse=tf.AUTO_REUSE)
    assert _names(tf.trainable_variables()) == ["fc/kernel:0", "fc/bias:0"]
    assert (a.op.name, b.op.name, c.op.name) == ("fc/BiasAdd", "fc_1/BiasAdd", "fc_2/BiasAdd")
    with pytest.raises(ValueError, match="Variable fc/kernel already exists, disallowed"):
        tf.layers.dense(x, 4, name="fc")
    with pytest.raises(ValueError, match="The last dimension of the inputs to `Dense` should be "
                       "defined. Found `None`."):
        tf.layers.dense(tf.placeholder(tf.float32, [None, None]), 2)


def test_dense_inside_reused_variable_scope_shares():
    x = tf.placeholder(tf.float32, [None, 5])
    for reuse in (False, True):
        with tf.variable_scope("tower", reuse=reuse):
            tf.layers.dense(x, 4, name="fc")
    assert _names(tf.trainable_variables()) == ["tower/fc/kernel:0", "tower/fc/bias:0"]


def test_variable_scope_initializer_reaches_the_dense_kernel():
    with tf.variable_scope("init", initializer=tf.constant_initializer(0.5)):
        y = tf.layers.dense(tf.ones([1, 2]), 3)
    np.testing.assert_allclose(_run(y), [[1.0, 1.0, 1.0]])


def test_dense_layer_object_reuses_its_variables_on_each_call():
    layer = tf.layers.Dense(3, name="proj")
    a = layer(tf.ones([2, 4]))
    b = layer.apply(tf.zeros([5, 4]))
    assert _names(layer.trainable_weights) == ["proj/kernel:0", "proj/bias:0"]
    assert len(tf.global_variables()) == 2
    assert a.op.name == "proj/BiasAdd" and b.op.name == "proj/BiasAdd_1"
    assert layer.kernel.shape.as_list() == [4, 3]


def test_kernel_regularizer_losses():
    reg = tf.contrib.layers.l2_regularizer(0.3)
    tf.layers.dense(tf.ones([2, 4]), 3, kernel_regularizer=reg, name="r")
    losses = tf.losses.get_regularization_losses()
    assert _names(losses) == ["r/kernel/Regularizer/l2_regularizer:0"]
    loss, kernel = _run([tf.losses.get_regularization_loss(), tf.trainable_variables()[0]])
    np.testing.assert_allclose(loss, 0.3 * (kernel ** 2).sum() / 2, rtol=1e-5)


# --- dropout, flatten -----------------------------------------------------------------------
def test_dropout_is_the_identity_unless_training():
    xv = RNG.rand(40, 50).astype(np.float32) + 0.5
    x = tf.constant(xv)
    np.testing.assert_array_equal(_run(tf.layers.dropout(x, 0.5)), xv)
    dropped = _run(tf.layers.dropout(x, rate=0.3, training=True, seed=1))
    zero = dropped == 0
    assert abs(zero.mean() - 0.3) < 0.03
    np.testing.assert_allclose(dropped[~zero], xv[~zero] / 0.7, rtol=1e-6)


def test_dropout_with_a_training_placeholder():
    tf.set_random_seed(1)
    xv = RNG.rand(40, 50).astype(np.float32) + 0.5
    training = tf.placeholder(tf.bool, [])
    y = tf.layers.dropout(tf.constant(xv), rate=0.6, training=training)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y, {training: False}), xv)
        on = sess.run(y, {training: True})
    assert abs((on == 0).mean() - 0.6) < 0.03
    np.testing.assert_allclose(on[on != 0], xv[on != 0] / 0.4, rtol=1e-5)


def test_dropout_noise_shape_drops_whole_columns():
    y = tf.layers.dropout(tf.ones([30, 20]), 0.5, noise_shape=[1, 20], training=True, seed=3)
    yv = _run(y)
    assert ((yv == 0).all(axis=0) | (yv == 2).all(axis=0)).all()


def test_flatten_shapes():
    x = tf.placeholder(tf.float32, [None, 3, 4, 5])
    y = tf.layers.flatten(x)
    assert y.shape.as_list() == [None, 60] and y.op.name == "flatten/Reshape"
    xv = RNG.rand(2, 3, 4, 5)
    np.testing.assert_array_equal(_run(y, {x: xv}), xv.reshape(2, 60).astype(np.float32))
    nchw = tf.layers.flatten(tf.constant(xv), data_format="channels_first")
    np.testing.assert_array_equal(_run(nchw), xv.transpose(0, 2, 3, 1).reshape(2, 60))


# --- batch normalization --------------------------------------------------------------------
def test_batch_normalization_variables_and_update_ops():
    x = tf.placeholder(tf.float32, [None, 3])
    tf.layers.batch_normalization(x, training=True)
    assert _names(tf.global_variables()) == [
        "batch_normalization/gamma:0", "batch_normalization/beta:0",
        "batch_normalization/moving_mean:0", "batch_normalization/moving_variance:0"]
    assert _names(tf.trainable_variables()) == ["batch_normalization/gamma:0",
                                                "batch_normalization/beta:0"]
    updates = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    assert [u.op.name for u in updates] == ["batch_normalization/AssignMovingAvg",
                                            "batch_normalization/AssignMovingAvg_1"]
    tf.layers.batch_normalization(x, training=False)
    assert len(tf.get_collection(tf.GraphKeys.UPDATE_OPS)) == 2


def test_batch_normalization_training_output_and_moving_statistics():
    xv = (RNG.randn(8, 3) * [1.0, 2.0, 3.0] + [0.5, -1.0, 2.0]).astype(np.float32)
    x = tf.placeholder(tf.float32, [None, 3])
    y = tf.layers.batch_normalization(x, training=True, momentum=0.9, epsilon=1e-3)
    mean, var = np.mean(xv, 0), np.var(xv, 0)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_allclose(sess.run(y, {x: xv}), (xv - mean) / np.sqrt(var + 1e-3),
                                   rtol=1e-4, atol=1e-5)
        moving = tf.global_variables()[2:]
        # Computing the output does not move the statistics: only the UPDATE_OPS do.
        np.testing.assert_array_equal(sess.run(moving[0]), [0, 0, 0])
        sess.run(tf.get_collection(tf.GraphKeys.UPDATE_OPS), {x: xv})
        mm, mv = sess.run(moving)
    np.testing.assert_allclose(mm, 0.1 * mean, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(mv, 0.9 + 0.1 * var, rtol=1e-5)


def test_batch_normalization_inference_uses_moving_statistics():
    xv = RNG.randn(4, 2).astype(np.float32)
    y = tf.layers.batch_normalization(tf.constant(xv), epsilon=0.01,
                                      moving_mean_initializer=tf.constant_initializer(0.5),
                                      moving_variance_initializer=tf.constant_initializer(4.0),
                                      beta_initializer=tf.constant_initializer(1.0),
                                      gamma_initializer=tf.constant_initializer(2.0))
    np.testing.assert_allclose(_run(y), (xv - 0.5) / np.sqrt(4.01) * 2.0 + 1.0, rtol=1e-5)
    assert tf.get_collection(tf.GraphKeys.UPDATE_OPS) == []


def test_batch_norm_updates_run_with_minimize_under_control_dependencies():
    xv = (RNG.randn(16, 4) + 3.0).astype(np.float32)
    x = tf.placeholder(tf.float32, [None, 4])
    training = tf.placeholder(tf.bool, [])
    h = tf.layers.batch_normalization(tf.layers.dense(x, 4), training=training)
    loss = tf.reduce_mean(tf.square(h - 1.0))
    with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
        train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    moving_mean = [v for v in tf.global_variables() if "moving_mean" in v.name][0]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(loss, {x: xv, training: True})
        assert (sess.run(moving_mean) == 0).all()
        sess.run(train, {x: xv, training: False})  # updates gated off when not training
        assert (sess.run(moving_mean) == 0).all()
        for _ in range(3):
            sess.run(train, {x: xv, training: True})
        assert (sess.run(moving_mean) != 0).all()


def test_batch_normalization_with_a_training_tensor_switches_statistics():
    xv = (RNG.randn(6, 3) * 2 + 1).astype(np.float32)
    training = tf.placeholder(tf.bool, [])
    y = tf.layers.batch_normalization(tf.constant(xv), training=training, epsilon=1e-3)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        on = sess.run(y, {training: True})
        off = sess.run(y, {training: False})
    np.testing.assert_allclose(on, (xv - xv.mean(0)) / np.sqrt(xv.var(0) + 1e-3), rtol=1e-4,
                               atol=1e-5)
    np.testing.assert_allclose(off, xv / np.sqrt(1 + 1e-3), rtol=1e-5)


def test_batch_normalization_of_images_updates_with_the_unbiased_variance():
    xv = RNG.randn(2, 3, 3, 2).astype(np.float32)
    y = tf.layers.batch_normalization(tf.constant(xv), training=True, momentum=0.0)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run([y] + tf.get_collection(tf.GraphKeys.UPDATE_OPS))
        moving_variance = sess.run(tf.global_variables()[3])
    np.testing.assert_allclose(moving_variance, xv.reshape(-1, 2).var(0, ddof=1), rtol=1e-5)


def test_batch_normalization_channels_first_axis():
    xv = RNG.randn(2, 3, 4, 5).astype(np.float32)
    y = tf.layers.batch_normalization(tf.constant(xv), axis=1, training=True, epsilon=1e-3)
    mean = xv.mean((0, 2, 3), keepdims=True)
    var = xv.var((0, 2, 3), keepdims=True)
    assert tf.global_variables()[0].shape.as_list() == [3]
    np.testing.assert_allclose(_run(y), (xv - mean) / np.sqrt(var + 1e-3), rtol=1e-4, atol=1e-5)


# --- convolution and pooling ----------------------------------------------------------------
def _conv_ref(x, k, stride, pad_total):
    """NHWC cross-correlation with explicit (before, after) padding per spatial dim."""
    (pt, pb), (pl, pr) = pad_total
    x = np.pad(x, [(0, 0), (pt, pb), (pl, pr), (0, 0)])
    kh, kw, _, cout = k.shape
    oh = (x.shape[1] - kh) // stride + 1
    ow = (x.shape[2] - kw) // stride + 1
    out = np.zeros((x.shape[0], oh, ow, cout))
    for i in range(oh):
        for j in range(ow):
            patch = x[:, i * stride:i * stride + kh, j * stride:j * stride + kw, :]
            out[:, i, j, :] = np.tensordot(patch, k, axes=3)
    return out


def test_conv2d_layer_names_shapes_and_values():
    xv = RNG.randn(2, 7, 6, 3).astype(np.float32)
    x = tf.placeholder(tf.float32, [None, 7, 6, 3])
    valid = tf.layers.conv2d(x, 4, [3, 2], bias_initializer=tf.constant_initializer(0.1))
    same = tf.layers.conv2d(x, 2, 3, strides=2, padding="same", activation=tf.nn.relu)
    assert _names(tf.trainable_variables()) == ["conv2d/kernel:0", "conv2d/bias:0",
                                                "conv2d_1/kernel:0", "conv2d_1/bias:0"]
    assert tf.trainable_variables()[0].shape.as_list() == [3, 2, 3, 4]
    assert valid.shape.as_list() == [None, 5, 5, 4] and same.shape.as_list() == [None, 4, 3, 2]
    assert same.op.name == "conv2d_1/Relu"
    assert tf.get_default_graph().get_operation_by_name("conv2d/Conv2D").type == "Conv2D"
    k0, k1 = tf.trainable_variables()[0], tf.trainable_variables()[2]
    v, s, k0v, k1v = _run([valid, same, k0, k1], {x: xv})
    np.testing.assert_allclose(v, _conv_ref(xv, k0v, 1, [(0, 0), (0, 0)]) + 0.1, rtol=1e-4,
                               atol=1e-5)
    # SAME with stride 2: 7 rows need 1 padding row (after), 6 columns need 1 (after).
    np.testing.assert_allclose(s, np.maximum(_conv_ref(xv, k1v, 2, [(1, 1), (0, 1)]), 0),
                               rtol=1e-4, atol=1e-5)


def test_conv2d_transpose_layer_output_sizes():
    x = tf.placeholder(tf.float32, [None, 4, 5, 3])
    same = tf.layers.conv2d_transpose(x, 2, 3, strides=2, padding="same")
    valid = tf.layers.conv2d_transpose(x, 6, [3, 1], strides=(2, 1))
    assert same.shape.as_list() == [None, 8, 10, 2]
    assert valid.shape.as_list() == [None, 9, 5, 6]
    assert tf.trainable_variables()[0].shape.as_list() == [3, 3, 2, 3]
    out = _run([same, valid], {x: np.ones((2, 4, 5, 3), np.float32)})
    assert out[0].shape == (2, 8, 10, 2) and out[1].shape == (2, 9, 5, 6)


def test_conv2d_transpose_is_the_gradient_of_conv2d():
    xv = RNG.randn(1, 3, 3, 2).astype(np.float32)
    up = tf.layers.conv2d_transpose(tf.constant(xv), 1, 2, strides=2, use_bias=False)
    kernel = tf.trainable_variables()[0]
    probe = tf.placeholder(tf.float32, [1, 6, 6, 1])
    down = tf.nn.conv2d(probe, kernel, [1, 2, 2, 1], "VALID")
    pv = RNG.randn(1, 6, 6, 1).astype(np.float32)
    upv, downv = _run([up, down], {probe: pv})
    # <conv2d_transpose(x), p> == <x, conv2d(p)>
    np.testing.assert_allclose((upv * pv).sum(), (xv * downv).sum(), rtol=1e-4)


def test_pooling_layers_match_numpy():
    xv = RNG.randn(2, 6, 4, 3).astype(np.float32)
    x = tf.constant(xv)
    mx = tf.layers.max_pooling2d(x, 2, 2)
    av = tf.layers.average_pooling2d(x, [3, 2], [3, 2], padding="valid")
    assert mx.op.name == "max_pooling2d/MaxPool" and av.op.name == "average_pooling2d/AvgPool"
    mxv, avv = _run([mx, av])
    np.testing.assert_allclose(mxv, xv.reshape(2, 3, 2, 2, 2, 3).max((2, 4)))
    np.testing.assert_allclose(avv, xv.reshape(2, 2, 3, 2, 2, 3).mean((2, 4)), rtol=1e-5)
    with pytest.raises(ValueError, match="The `padding` argument must be one of"):
        tf.layers.max_pooling2d(x, 2, 2, padding="full")


def test_layer_argument_errors():
    x = tf.placeholder(tf.float32, [None, 5, 5, 3])
    with pytest.raises(ValueError, match="The `kernel_size` argument must be a tuple of 2"):
        tf.layers.conv2d(x, 2, [1, 2, 3])
    with pytest.raises(ValueError, match="strides > 1 not supported in conjunction with "
                       "dilation_rate > 1"):
        tf.layers.conv2d(x, 2, 3, strides=2, dilation_rate=2)
    with pytest.raises(ValueError, match="The channel dimension of the inputs should be defined"):
        tf.layers.conv2d(tf.placeholder(tf.float32, [None, 5, 5, None]), 2, 3)


# --- contrib.layers -------------------------------------------------------------------------
def test_contrib_fully_connected_names_defaults_and_collections():
    x = tf.placeholder(tf.float32, [None, 5])
    h = tf.contrib.layers.fully_connected(x, 4)
    y = tf.contrib.layers.fully_connected(h, 2, activation_fn=None, scope="logits")
    assert _names(tf.model_variables()) == ["fully_connected/weights:0",
                                            "fully_connected/biases:0",
                                            "logits/weights:0", "logits/biases:0"]
    assert h.op.name == "fully_connected/Relu" and y.op.name == "logits/BiasAdd"
    xv = RNG.randn(3, 5).astype(np.float32)
    hv, w, b = _run([h, tf.model_variables()[0], tf.model_variables()[1]], {x: xv})
    np.testing.assert_allclose(hv, np.maximum(xv @ w + b, 0), rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="num_outputs type should be one of"):
        tf.contrib.layers.fully_connected(x, 2.0)


def test_contrib_fully_connected_reuse_through_scope():
    x = tf.placeholder(tf.float32, [None, 5])
    tf.contrib.layers.fully_connected(x, 4, scope="fc")
    tf.contrib.layers.fully_connected(x, 4, scope="fc", reuse=True)
    assert len(tf.global_variables()) == 2


def test_contrib_fully_connected_with_normalizer_has_no_biases():
    x = tf.placeholder(tf.float32, [None, 5])
    tf.contrib.layers.fully_connected(x, 4, normalizer_fn=tf.contrib.layers.batch_norm,
                                      normalizer_params={"is_training": True})
    assert _names(tf.global_variables()) == [
        "fully_connected/weights:0", "fully_connected/BatchNorm/beta:0",
        "fully_connected/BatchNorm/moving_mean:0", "fully_connected/BatchNorm/moving_variance:0"]


def test_contrib_conv2d_defaults_to_same_padding_and_relu():
    x = tf.placeholder(tf.float32, [None, 5, 6, 2])
    y = tf.contrib.layers.conv2d(x, 3, [3, 3], weights_regularizer=tf.contrib.layers.l1_regularizer(
        0.01))
    pooled = tf.contrib.layers.max_pool2d(y, [2, 2])
    flat = tf.contrib.layers.flatten(pooled)
    assert _names(tf.trainable_variables()) == ["Conv/weights:0", "Conv/biases:0"]
    assert y.op.name == "Conv/Relu" and y.shape.as_list() == [None, 5, 6, 3]
    assert pooled.shape.as_list() == [None, 2, 3, 3] and flat.shape.as_list() == [None, 18]
    assert _names(tf.losses.get_regularization_losses()) == [
        "Conv/weights/Regularizer/l1_regularizer:0"]
    xv = RNG.randn(2, 5, 6, 2).astype(np.float32)
    yv, w = _run([y, tf.trainable_variables()[0]], {x: xv})
    np.testing.assert_allclose(yv, np.maximum(_conv_ref(xv, w, 1, [(1, 1), (1, 1)]), 0),
                               rtol=1e-4, atol=1e-5)


def test_contrib_batch_norm_updates_in_place_without_updates_collections():
    xv = (RNG.randn(10, 3) + 2.0).astype(np.float32)
    y = tf.contrib.layers.batch_norm(tf.constant(xv), decay=0.5, updates_collections=None,
                                     is_training=True)
    assert tf.get_collection(tf.GraphKeys.UPDATE_OPS) == []
    assert _names(tf.global_variables()) == ["BatchNorm/beta:0", "BatchNorm/moving_mean:0",
                                             "BatchNorm/moving_variance:0"]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        yv = sess.run(y)
        mm, mv = sess.run(tf.global_variables()[1:])
    np.testing.assert_allclose(yv, (xv - xv.mean(0)) / np.sqrt(xv.var(0) + 1e-3), rtol=1e-4,
                               atol=1e-5)
    np.testing.assert_allclose(mm, 0.5 * xv.mean(0), rtol=1e-5)
    # rank-2 inputs take TF's fused path: the moving variance gets the unbiased variance.
    np.testing.assert_allclose(mv, 0.5 + 0.5 * xv.var(0, ddof=1), rtol=1e-5)


def test_contrib_dropout_keeps_keep_prob():
    yv = _run(tf.contrib.layers.dropout(tf.ones([50, 40]), keep_prob=0.8, seed=2))
    assert abs((yv == 0).mean() - 0.2) < 0.03
    np.testing.assert_array_equal(
        _run(tf.contrib.layers.dropout(tf.ones([3, 3]), is_training=False)), np.ones((3, 3)))


def test_contrib_regularizers_values_and_errors():
    w = tf.constant([[1.0, -2.0], [3.0, -4.0]])
    l1 = tf.contrib.layers.l1_regularizer(0.5)(w)
    l2 = tf.contrib.layers.l2_regularizer(0.5)(w)
    both = tf.contrib.layers.l1_l2_regularizer(0.5, 0.5)(w)
    assert l1.op.name == "l1_regularizer" and l2.op.name == "l2_regularizer"
    np.testing.assert_allclose(_run([l1, l2, both]), [5.0, 7.5, 12.5])
    assert tf.contrib.layers.l2_regularizer(0.0)(w) is None
    with pytest.raises(ValueError, match="scale cannot be an integer: 1"):
        tf.contrib.layers.l2_regularizer(1)
    with pytest.raises(ValueError, match="Setting a scale less than 0 on a regularizer: -0.1"):
        tf.contrib.layers.l1_regularizer(-0.1)
    penalty = tf.contrib.layers.apply_regularization(tf.contrib.layers.l1_regularizer(1.0), [w])
    assert penalty in tf.losses.get_regularization_losses()
    assert _run(penalty) == pytest.approx(10.0)


def test_a_small_layers_cnn_with_dropout_and_batch_norm_learns():
    tf.set_random_seed(0)
    rng = np.random.RandomState(0)
    xv = rng.randn(64, 6, 6, 1).astype(np.float32)
    labels = (xv[:, :3].sum((1, 2, 3)) > xv[:, 3:].sum((1, 2, 3))).astype(np.int32)
    x = tf.placeholder(tf.float32, [None, 6, 6, 1])
    y = tf.placeholder(tf.int32, [None])
    training = tf.placeholder_with_default(False, [])
    with tf.variable_scope("cnn"):
        h = tf.layers.conv2d(x, 4, 3, padding="same", activation=tf.nn.relu)
        h = tf.layers.max_pooling2d(h, 2, 2)
        h = tf.layers.batch_normalization(h, training=training)
        h = tf.layers.dropout(tf.layers.flatten(h), 0.2, training=training)
        logits = tf.layers.dense(h, 2)
    loss = tf.losses.sparse_softmax_cross_entropy(y, logits)
    with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
        train = tf.train.AdamOptimizer(0.05).minimize(loss)
    assert len(tf.trainable_variables()) == 6
    assert all(v.name.startswith("cnn/") for v in tf.trainable_variables())
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        before = sess.run(loss, {x: xv, y: labels})
        for _ in range(60):
            sess.run(train, {x: xv, y: labels, training: True})
        after = sess.run(loss, {x: xv, y: labels})
    assert after < 0.5 * before
