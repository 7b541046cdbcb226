"""TF 1.x V2 checkpoints (tensor bundles) written by real TensorFlow (tests/fixtures/tf, made by
tools/make_tf_fixtures.py) restore into the same model built in graphgrad: same outputs, and
training resumes with TF's numbers. Damaged files are refused with DataLossError."""
import os
import shutil

import numpy as np
import pytest

import graphgrad as tf
from graphgrad.interop import wire

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures", "tf")


def _load(model, name):
    return np.load(os.path.join(FIXTURES, model, name + ".npy"))


def _softmax_model():
    """The seed program's model, as tools/make_tf_fixtures.py builds it in TF."""
    x = tf.placeholder(tf.float32, [None, 784], name="x")
    W = tf.Variable(tf.zeros([784, 10]))
    b = tf.Variable(tf.zeros([10]))
    y = tf.nn.softmax(tf.matmul(x, W) + b, name="y")
    y_ = tf.placeholder(tf.float32, [None, 10], name="labels")
    cross_entropy = tf.reduce_mean(-tf.reduce_sum(y_ * tf.log(y), reduction_indices=[1]))
    global_step = tf.Variable(0, name="global_step", trainable=False)
    train = tf.train.GradientDescentOptimizer(0.5).minimize(cross_entropy,
                                                            global_step=global_step)
    return x, y_, y, train, global_step


def _cnn_model():
    x = tf.placeholder(tf.float32, [None, 8, 8, 1], name="x")
    w1 = tf.Variable(tf.truncated_normal([3, 3, 1, 4], stddev=0.3, seed=1), name="conv_w")
    b1 = tf.Variable(tf.constant(0.1, shape=[4]), name="conv_b")
    h = tf.nn.relu(tf.nn.conv2d(x, w1, strides=[1, 1, 1, 1], padding="SAME") + b1)
    h = tf.nn.max_pool(h, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="SAME")
    flat = tf.reshape(h, [-1, 4 * 4 * 4])
    w2 = tf.Variable(tf.truncated_normal([64, 3], stddev=0.3, seed=2), name="fc_w")
    b2 = tf.Variable(tf.zeros([3]), name="fc_b")
    y = tf.nn.softmax(tf.matmul(flat, w2) + b2, name="y")
    y_ = tf.placeholder(tf.float32, [None, 3], name="labels")
    loss = tf.reduce_mean(-tf.reduce_sum(y_ * tf.log(y + 1e-8), axis=[1]))
    global_step = tf.train.get_or_create_global_step()
    train = tf.train.AdamOptimizer(0.01).minimize(loss, global_step=global_step)
    return x, y_, y, train, global_step


@pytest.mark.parametrize("model, build", [("softmax", _softmax_model), ("cnn", _cnn_model)])
def test_tf_checkpoint_restores_outputs_and_resumes_training_with_tf_numbers(model, build):
    x, y_, y, train, global_step = build()
    folder = os.path.join(FIXTURES, model)
    prefix = tf.train.latest_checkpoint(folder)
    assert prefix == os.path.join(folder, "model.ckpt-5")
    with tf.Session() as sess:
        tf.train.Saver().restore(sess, prefix)
        assert sess.run(global_step) == 5
        np.testing.assert_allclose(sess.run(y, {x: _load(model, "x_eval")}),
                                   _load(model, "y_eval"), rtol=1e-5, atol=1e-6)
        feed = {x: _load(model, "x_batch"), y_: _load(model, "y_batch")}
        for _ in range(3):
            sess.run(train, feed)
        assert sess.run(global_step) == 8
        np.testing.assert_allclose(sess.run(y, {x: _load(model, "x_eval")}),
                                   _load(model, "y_after"), rtol=1e-4, atol=1e-5)


def test_list_and_load_variables_of_a_tf_checkpoint():
    folder = os.path.join(FIXTURES, "softmax")
    assert tf.train.list_variables(folder) == [
        ("Variable", [784, 10]), ("Variable_1", [10]), ("global_step", [])]
    step = tf.train.load_variable(folder, "global_step:0")
    assert step.dtype == np.int32 and step.shape == () and step == 5
    bias = tf.train.load_variable(folder, "Variable_1")
    assert bias.dtype == np.float32 and abs(float(bias.sum())) < 1e-5  # softmax grads sum to 0
    reader = tf.train.NewCheckpointReader(os.path.join(folder, "model.ckpt-5"))
    assert reader.get_variable_to_dtype_map()["Variable"] == tf.float32
    cnn = dict(tf.train.list_variables(os.path.join(FIXTURES, "cnn")))
    assert cnn["conv_w/Adam_1"] == [3, 3, 1, 4] and cnn["beta1_power"] == []


def _copy(tmp_path, model="softmax"):
    folder = tmp_path / model
    shutil.copytree(os.path.join(FIXTURES, model), folder)
    return str(folder / "model.ckpt-5")


def _flip(path, offset):
    with open(path, "r+b") as f:
        f.seek(offset)
        byte = f.read(1)
        f.seek(offset)
        f.write(bytes([byte[0] ^ 0x10]))


def test_flipped_bit_in_tensor_data_is_data_loss(tmp_path):
    prefix = _copy(tmp_path)
    _flip(prefix + ".data-00000-of-00001", 1000)
    reader = tf.train.NewCheckpointReader(prefix)
    assert reader.get_tensor("Variable_1").shape == (10,)  # other tensors still read
    with pytest.raises(tf.errors.DataLossError, match="'Variable' fails its crc32c"):
        reader.get_tensor("Variable")


def test_truncated_data_file_is_data_loss_and_restore_changes_nothing(tmp_path):
    prefix = _copy(tmp_path)
    data = prefix + ".data-00000-of-00001"
    os.truncate(data, os.path.getsize(data) - 7)
    x, y_, y, train, global_step = _softmax_model()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        with pytest.raises(tf.errors.DataLossError, match="corrupted or truncated"):
            tf.train.Saver().restore(sess, prefix)
        assert sess.run(global_step) == 0


@pytest.mark.parametrize("where", [10, -3])
def test_damaged_index_is_data_loss(tmp_path, where):
    prefix = _copy(tmp_path)
    index = prefix + ".index"
    _flip(index, where % os.path.getsize(index))
    with pytest.raises(tf.errors.DataLossError, match="model.ckpt-5.index"):
        tf.train.NewCheckpointReader(prefix)


def test_restore_into_a_model_with_other_names_lists_the_mismatch():
    tf.Variable(tf.zeros([784, 10]), name="weights")
    with tf.Session() as sess:
        with pytest.raises(tf.errors.NotFoundError, match="Key weights not found"):
            tf.train.Saver().restore(sess, os.path.join(FIXTURES, "softmax", "model.ckpt-5"))


def test_crc32c_matches_the_standard_check_value():
    assert wire.crc32c(b"123456789") == 0xE3069283
    assert wire._crc32c_python(b"123456789") == 0xE3069283
    assert wire.crc32c(b"") == 0
    assert wire.mask_crc(0) == 0xA282EAD8


@pytest.mark.parametrize("size", [4096, 4097, 10007, 65536 + 3])
def test_chunked_numpy_crc32c_equals_the_bytewise_one(size):
    data = np.random.default_rng(size).integers(0, 256, size, dtype=np.uint8).tobytes()
    assert wire._crc32c_numpy(data) == wire._crc32c_python(data)
    assert wire._crc32c_numpy(b"123456789" * 500) == wire._crc32c_python(b"123456789" * 500)


def test_wire_decoder_reads_negative_int64_and_nested_fields():
    # field 1 = -1 (10-byte varint), field 2 = b"\x08\x05" (nested field 1 = 5), field 6 fixed32
    message = b"\x08" + b"\xff" * 9 + b"\x01" + b"\x12\x02\x08\x05" + b"\x35\x01\x00\x00\x00"
    fields = wire.parse_message(message)
    assert wire.as_int64(fields[1][0]) == -1
    assert wire.parse_message(fields[2][0]) == {1: [5]}
    assert fields[6] == [1]
    with pytest.raises(ValueError, match="truncated"):
        wire.parse_message(b"\x12\x05\x08")
