"""The MNIST tutorial helper: splits, dtypes, next_batch epochs, corrupt files, offline errors."""
import gzip
import importlib.util
import io
import os
import urllib.error

import numpy as np
import pytest

import graphgrad as tf
from graphgrad.datasets import base
from graphgrad.examples.tutorials.mnist import input_data

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FULL_MNIST = os.path.join(REPO, "..", "shared", "data", "mnist")
NAMES = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
         "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")


@pytest.fixture(scope="module")
def full():
    return input_data.read_data_sets(FULL_MNIST)


@pytest.fixture(scope="module")
def bundled():
    return input_data.read_data_sets(input_data.bundled_dir(), validation_size=1000)


def test_full_mnist_splits_55000_5000_10000_with_tf_dtypes_and_ranges(full):
    assert [full.train.num_examples, full.validation.num_examples, full.test.num_examples] == [
        55000, 5000, 10000]
    assert full.train.images.shape == (55000, 784) and full.train.images.dtype == np.float32
    assert full.test.images.shape == (10000, 784)
    assert full.train.images.min() == 0.0 and full.train.images.max() == 1.0
    assert full.train.labels.shape == (55000,) and full.train.labels.dtype == np.uint8
    assert sorted(np.unique(full.test.labels)) == list(range(10))
    assert full.train.epochs_completed == 0


def test_validation_is_the_first_training_examples_in_file_order(full):
    with open(os.path.join(FULL_MNIST, NAMES[1]), "rb") as f:
        raw_labels = input_data.extract_labels(f)
    np.testing.assert_array_equal(full.validation.labels, raw_labels[:5000])
    np.testing.assert_array_equal(full.train.labels[:50], raw_labels[5000:5050])


def test_bundled_subset_is_the_start_of_real_mnist(full, bundled):
    assert [bundled.train.num_examples, bundled.validation.num_examples,
            bundled.test.num_examples] == [9000, 1000, 2000]
    full_train = np.concatenate([full.validation.images, full.train.images[:5000]])
    np.testing.assert_array_equal(
        np.concatenate([bundled.validation.images, bundled.train.images]), full_train)
    np.testing.assert_array_equal(bundled.test.labels, full.test.labels[:2000])


def test_subset_script_reproduces_the_shipped_files(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location(
        "make_mnist_subset", os.path.join(REPO, "tools", "make_mnist_subset.py"))
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    monkeypatch.setattr(script, "OUT_DIR", str(tmp_path))
    script.main(FULL_MNIST)
    for name in NAMES:
        with open(tmp_path / name, "rb") as made, \
                open(os.path.join(input_data.bundled_dir(), name), "rb") as shipped:
            # Compare contents, not gzip bytes: another zlib build may compress differently.
            assert gzip.decompress(made.read()) == gzip.decompress(shipped.read()), name


def test_one_hot_labels_are_float_rows_with_a_single_one_at_the_class():
    hot = input_data.read_data_sets(input_data.bundled_dir(), one_hot=True, validation_size=0)
    dense = input_data.read_data_sets(input_data.bundled_dir(), validation_size=0)
    assert hot.train.labels.shape == (10000, 10) and hot.train.labels.dtype == np.float64
    np.testing.assert_array_equal(hot.train.labels.sum(axis=1), np.ones(10000))
    np.testing.assert_array_equal(hot.train.labels.argmax(axis=1), dense.train.labels)
    assert hot.test.labels.shape == (2000, 10)


def test_uint8_dtype_keeps_pixels_and_reshape_false_keeps_image_axes():
    data = input_data.read_data_sets(input_data.bundled_dir(), dtype=tf.uint8, reshape=False,
                                     validation_size=100)
    assert data.train.images.shape == (9900, 28, 28, 1) and data.train.images.dtype == np.uint8
    assert data.train.images.max() == 255
    with pytest.raises(TypeError, match="Invalid image dtype"):
        input_data.read_data_sets(input_data.bundled_dir(), dtype=tf.int32)


@pytest.mark.parametrize("size", [-1, 10001])
def test_validation_size_outside_the_training_set_raises_like_tf(size):
    with pytest.raises(ValueError, match=f"between 0 and 10000. Received: {size}"):
        input_data.read_data_sets(input_data.bundled_dir(), validation_size=size)


def test_fake_data_gives_ones_and_class_zero():
    data = input_data.read_data_sets("", fake_data=True, one_hot=True)
    images, labels = data.train.next_batch(3, fake_data=True)
    assert data.train.num_examples == 10000
    assert images == [[1] * 784] * 3 and labels == [[1] + [0] * 9] * 3


def _tiny(n=10, seed=None):
    """A DataSet whose image i is the single pixel i and whose label is i (pairing is visible)."""
    images = np.arange(n, dtype=np.uint8).reshape(n, 1, 1, 1)
    return input_data.DataSet(images, np.arange(n, dtype=np.uint8), dtype=tf.uint8, seed=seed)


def test_next_batch_crossing_an_epoch_joins_the_old_rest_and_a_reshuffled_new_start():
    data = _tiny(seed=5)
    batches = [data.next_batch(4) for _ in range(5)]
    for images, labels in batches:
        np.testing.assert_array_equal(images[:, 0], labels)
    order = np.concatenate([labels for _, labels in batches])
    assert sorted(order[:10]) == list(range(10)) and sorted(order[10:]) == list(range(10))
    assert list(order[:10]) != list(range(10)) and list(order[:10]) != list(order[10:])
    assert data.epochs_completed == 1  # the fifth batch ends exactly at the epoch's end
    data.next_batch(1)
    assert data.epochs_completed == 2


def test_next_batch_without_shuffle_wraps_around_in_order():
    data = _tiny()
    labels = [list(data.next_batch(4, shuffle=False)[1]) for _ in range(3)]
    assert labels == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 0, 1]]
    assert data.epochs_completed == 1


def test_seed_makes_shuffling_reproducible_and_matches_tf_numpy_permutation():
    first = [_tiny(seed=7).next_batch(4)[1] for _ in range(2)]
    np.testing.assert_array_equal(first[0], first[1])
    perm = np.arange(10)
    np.random.RandomState(7).shuffle(perm)  # what TF does after numpy.random.seed(7)
    np.testing.assert_array_equal(first[0], perm[:4])
    other = _tiny(seed=8).next_batch(4)[1]
    assert list(other) != list(first[0])


def test_graph_level_seed_makes_shuffling_reproducible():
    orders = []
    for _ in range(2):
        with tf.Graph().as_default():
            tf.set_random_seed(11)
            orders.append(list(_tiny(n=50).next_batch(50)[1]))
    assert orders[0] == orders[1] and orders[0] != list(range(50))


def _idx(magic, dims, payload):
    header = np.array([magic, *dims], dtype=">u4").tobytes()
    return gzip.compress(header + np.asarray(payload, dtype=np.uint8).tobytes(), mtime=0)


def _write_mnist(directory, n_train=6, n_test=3, overrides=None):
    rng = np.random.RandomState(0)
    files = {
        NAMES[0]: _idx(2051, [n_train, 28, 28], rng.randint(0, 256, n_train * 784)),
        NAMES[1]: _idx(2049, [n_train], rng.randint(0, 10, n_train)),
        NAMES[2]: _idx(2051, [n_test, 28, 28], rng.randint(0, 256, n_test * 784)),
        NAMES[3]: _idx(2049, [n_test], rng.randint(0, 10, n_test)),
    }
    files.update(overrides or {})
    for name, data in files.items():
        (directory / name).write_bytes(data)
    return files


def test_a_small_valid_set_of_idx_files_reads_with_rescaled_pixels(tmp_path):
    files = _write_mnist(tmp_path)
    data = input_data.read_data_sets(str(tmp_path), validation_size=2)
    assert [data.train.num_examples, data.validation.num_examples, data.test.num_examples] == [
        4, 2, 3]
    raw = np.frombuffer(gzip.decompress(files[NAMES[2]])[16:], dtype=np.uint8).reshape(3, 784)
    np.testing.assert_allclose(data.test.images, raw / 255.0, rtol=1e-6)


_GOOD_IMAGES = _idx(2051, [6, 28, 28], [7] * 6 * 784)


@pytest.mark.parametrize("name, data, message", [
    (NAMES[0], _GOOD_IMAGES[:len(_GOOD_IMAGES) // 2], "Cannot decompress"),
    (NAMES[0], b"not gzip at all", "Cannot decompress"),
    (NAMES[0], _idx(2051, [6, 28, 28], [7] * 5 * 784), "announces 6 x 28 x 28 bytes"),
    (NAMES[0], gzip.compress(b"\x00\x00\x08"), "fewer than its 16-byte IDX header"),
    (NAMES[0], _idx(2049, [6], [1] * 6), "Invalid magic number 2049"),
    (NAMES[3], _idx(2049, [3], [1, 12, 3]), "holds label 12"),
    (NAMES[3], _idx(2049, [4], [1, 2, 3, 4]), "holds 3 images but"),
])
def test_corrupt_or_truncated_files_raise_value_error_naming_the_file(tmp_path, name, data,
                                                                    message):
    _write_mnist(tmp_path, overrides={name: data})
    with pytest.raises(ValueError, match=message) as info:
        input_data.read_data_sets(str(tmp_path), validation_size=2)
    assert name in str(info.value)


def _offline(monkeypatch):
    requested = []

    def urlopen(url, timeout=None):
        requested.append(url)
        raise urllib.error.URLError("no network in this test")
    monkeypatch.setattr(base, "urlopen", urlopen)
    return requested


def test_missing_files_offline_say_which_files_go_where(tmp_path, monkeypatch):
    requested = _offline(monkeypatch)
    files = _write_mnist(tmp_path)
    os.remove(tmp_path / NAMES[0])
    os.remove(tmp_path / NAMES[3])
    with pytest.raises(FileNotFoundError) as info:
        input_data.read_data_sets(str(tmp_path), source_url="http://mirror.invalid/mnist/")
    message = str(info.value)
    assert str(tmp_path) in message and NAMES[0] in message and NAMES[3] in message
    assert NAMES[1] not in message and input_data.bundled_dir() in message
    assert "no network in this test" in message
    assert requested == ["http://mirror.invalid/mnist/" + NAMES[0]]
    assert sorted(os.listdir(tmp_path)) == sorted(set(files) - {NAMES[0], NAMES[3]})


class _Response(io.BytesIO):
    """An HTTP response that delivers `data`, then fails if `fail_after` bytes were sent."""

    def __init__(self, data, fail_after=None):
        super().__init__(data)
        self.fail_after = fail_after

    def read(self, size=-1):
        if self.fail_after is not None and self.tell() >= self.fail_after:
            raise ConnectionResetError("connection reset mid-download")
        return super().read(min(size, 100) if size > 0 else 100)


def test_absent_files_are_downloaded_from_source_url(tmp_path, monkeypatch):
    source = tmp_path / "server"
    source.mkdir()
    served = _write_mnist(source)
    requested = []

    def urlopen(url, timeout=None):
        requested.append(url)
        return _Response(served[url.rsplit("/", 1)[1]])
    monkeypatch.setattr(base, "urlopen", urlopen)
    target = tmp_path / "new" / "dir"
    data = input_data.read_data_sets(str(target), validation_size=1, source_url="http://m/")
    assert requested == ["http://m/" + name for name in NAMES]
    assert sorted(os.listdir(target)) == sorted(NAMES)
    assert data.train.num_examples == 5


def test_interrupted_download_leaves_no_half_written_file(tmp_path, monkeypatch):
    payload = _idx(2051, [6, 28, 28], np.random.RandomState(1).randint(0, 256, 6 * 784))
    monkeypatch.setattr(base, "urlopen", lambda url, timeout=None: _Response(payload, 300))
    with pytest.raises(FileNotFoundError, match="connection reset mid-download"):
        input_data.read_data_sets(str(tmp_path))
    assert os.listdir(tmp_path) == []
