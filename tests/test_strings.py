"""String tensors (constants, feeds, fetches, meta graphs), whole-file reads and writes,
tf.WholeFileReader, tf.decode_raw and tf.string_join."""
import pathlib

import numpy as np
import pytest

import graphgrad as tf

from .helpers import run

# --- string tensors ---------------------------------------------------------------------------

def test_string_constants_hold_utf8_bytes_in_object_arrays():
    a, b = tf.constant("héllo"), tf.constant([b"x", "yz"])
    assert a.dtype == tf.string and b.shape.as_list() == [2]
    va, vb = run([a, b])
    assert vb.dtype == object and list(vb) == [b"x", b"yz"]
    assert type(va) is bytes and va == "héllo".encode()  # TF fetches a scalar as bytes
    assert tf.as_dtype(np.array(["q"], dtype=object).dtype) is tf.string


def test_scalar_string_fetches_are_bytes_on_every_fetch_path():
    word = tf.constant("cat")
    fed = tf.placeholder(tf.string)  # unknown shape: the check happens on the value
    with tf.Session() as sess:
        first, again = sess.run(word), sess.run(word)  # general path, then the cached fast path
        nested = sess.run({"w": word, "n": [tf.constant(["a"]), fed]}, {fed: "dog"})
        vector = sess.run(fed, {fed: ["x", "y"]})
        called = sess.make_callable(word)()
        evaluated = word.eval()
    assert first == again == called == evaluated == b"cat" and type(first) is bytes
    assert nested["w"] == b"cat" and nested["n"][1] == b"dog" and type(nested["n"][1]) is bytes
    assert nested["n"][0].dtype == object and vector.shape == (2,)


def test_string_placeholders_take_str_and_bytes_feeds():
    p = tf.placeholder(tf.string, [None])
    joined = tf.concat([p, tf.constant(["end"])], 0)
    out = run(joined, {p: ["a", b"b"]})
    assert out.dtype == object and list(out) == [b"a", b"b", b"end"]
    with pytest.raises(TypeError, match="string"):
        run(p, {p: [1, 2]})
    with pytest.raises(TypeError, match="Expected string"):
        tf.constant(3, dtype=tf.string)


def test_dataset_slices_python_filenames_as_strings():
    batch = tf.data.Dataset.from_tensor_slices(["a.png", "b.png", "c.png"]).batch(2)
    nxt = batch.make_one_shot_iterator().get_next()
    assert nxt.dtype == tf.string
    with tf.Session() as sess:
        assert list(sess.run(nxt)) == [b"a.png", b"b.png"]
        assert list(sess.run(nxt)) == [b"c.png"]


def test_string_constants_survive_a_meta_graph_round_trip(tmp_path):
    names = tf.constant(["a.png", b"b\x00"], name="names")
    tf.Variable(1.0)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        tf.train.Saver().save(sess, str(tmp_path / "model"))
    tf.reset_default_graph()
    with tf.Session() as sess:
        tf.train.import_meta_graph(str(tmp_path / "model.meta"))
        restored = tf.get_default_graph().get_tensor_by_name(names.name)
        assert restored.dtype == tf.string
        assert list(sess.run(restored)) == [b"a.png", b"b\x00"]


# --- files ------------------------------------------------------------------------------------

def test_read_file_returns_the_exact_bytes_and_rereads_each_run(tmp_path):
    path = tmp_path / "blob.bin"
    path.write_bytes(b"\x00\x01abc\x00\x00")
    contents = tf.read_file(str(path))
    assert contents.op.type == "ReadFile" and contents.shape.ndims == 0
    with tf.Session() as sess:
        assert sess.run(contents) == b"\x00\x01abc\x00\x00"
        path.write_bytes(b"new")
        assert sess.run(contents) == b"new"
    assert run(tf.io.read_file(pathlib.Path(path))) == b"new"


def test_read_file_of_a_missing_file_is_not_found_naming_the_op(tmp_path):
    contents = tf.read_file(str(tmp_path / "nope.png"), name="reader")
    with pytest.raises(tf.errors.NotFoundError, match=r"(?s)nope.png; No such file.*'reader'"):
        run(contents)


def test_write_file_creates_folders_and_writes_the_bytes(tmp_path):
    target = tmp_path / "sub" / "out.bin"
    op = tf.write_file(str(target), tf.constant(b"payload\x00"))
    assert op.type == "WriteFile"
    run(op)
    assert target.read_bytes() == b"payload\x00"


def test_whole_file_reader_reads_the_files_a_filename_queue_names(tmp_path):
    paths = []
    for k in range(3):
        paths.append(str(tmp_path / f"f{k}.txt"))
        pathlib.Path(paths[-1]).write_bytes(b"content %d" % k)
    queue = tf.train.string_input_producer(paths, shuffle=False, num_epochs=1)
    key, value = tf.WholeFileReader().read(queue)
    assert value.op.type == "ReadFile"
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord=coord)
        got = [sess.run([key, value]) for _ in range(3)]
        coord.request_stop()
        coord.join(threads)
    assert [(k, v) for k, v in got] == [
        (p.encode(), b"content %d" % i) for i, p in enumerate(paths)]


def test_decode_raw_reinterprets_bytes_and_string_join_concatenates():
    raw = np.array([1.5, -2.0, 3.25, 4.0], "<f4").tobytes()
    floats = tf.decode_raw(tf.constant([raw[:8], raw[8:]]), tf.float32)
    big = tf.decode_raw(np.array([1, 258], ">i2").tobytes(), tf.int16, little_endian=False)
    joined = tf.string_join([tf.constant(["a", "b"]), "/", tf.constant(["x", "y"])], "-")
    assert floats.op.type == "DecodeRaw" and floats.shape.as_list() == [2, None]
    assert joined.op.type == "StringJoin" and joined.shape.as_list() == [2]
    f, b, j = run([floats, big, joined])
    np.testing.assert_array_equal(f, [[1.5, -2.0], [3.25, 4.0]])
    np.testing.assert_array_equal(b, [1, 258])
    assert list(j) == [b"a-/-x", b"b-/-y"]
    with pytest.raises(tf.errors.InvalidArgumentError, match="same size"):
        run(tf.decode_raw(tf.constant([b"abcd", b"ab"]), tf.int16))


def test_strings_compare_equal_and_come_back_from_py_func():
    names = tf.constant(["cat", "dog", "cat"])
    shout = tf.py_func(lambda s: s.upper() + b"!", [tf.constant("woof")], tf.string)
    eq, ne, out = run([tf.equal(names, "cat"), tf.not_equal(names, tf.constant("cat")), shout])
    np.testing.assert_array_equal(eq, [True, False, True])
    np.testing.assert_array_equal(ne, [False, True, False])
    assert out == b"WOOF!"


def test_fixed_length_record_reader_reads_cifar_style_records_across_files(tmp_path):
    paths = []
    for k in range(2):
        records = b"".join(bytes([10 * k + i]) + bytes(range(i, i + 6)) for i in range(3))
        paths.append(tmp_path / f"batch{k}.bin")
        paths[-1].write_bytes(b"HD" + records + b"F")
    queue = tf.train.string_input_producer([str(p) for p in paths], shuffle=False, num_epochs=1)
    key, value = tf.FixedLengthRecordReader(record_bytes=7, header_bytes=2,
                                            footer_bytes=1).read(queue)
    assert value.op.type == "FixedLengthRecordRead"
    record = tf.decode_raw(value, tf.uint8)
    label = tf.cast(tf.strided_slice(record, [0], [1]), tf.int32)
    image = tf.reshape(tf.strided_slice(record, [1], [7]), [2, 3, 1])
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord=coord)
        got = [sess.run([key, label, image]) for _ in range(6)]
        with pytest.raises(tf.errors.OutOfRangeError):
            sess.run(label)
        coord.request_stop()
        coord.join(threads)
    assert [k for k, _, _ in got] == [
        f"{p}:{i}".encode() for p in paths for i in range(3)]
    assert [int(lab[0]) for _, lab, _ in got] == [0, 1, 2, 10, 11, 12]
    np.testing.assert_array_equal(got[4][2].ravel(), range(1, 7))
