"""MNIST as TF1's tutorial helper reads it: gzipped IDX files -> DataSet objects with next_batch.

The IDX parsing checks magic numbers and sizes so a truncated download fails with a ValueError
naming the file. Downloading itself is base.maybe_download.
"""
import gzip
import os
import zlib

import numpy as np

from ..graph import dtypes
from ..graph.graph import get_default_graph
from .base import Datasets, maybe_download

DEFAULT_SOURCE_URL = "https://storage.googleapis.com/cvdf-datasets/mnist/"
TRAIN_IMAGES = "train-images-idx3-ubyte.gz"
TRAIN_LABELS = "train-labels-idx1-ubyte.gz"
TEST_IMAGES = "t10k-images-idx3-ubyte.gz"
TEST_LABELS = "t10k-labels-idx1-ubyte.gz"
FILES = (TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS)
IMAGES_MAGIC = 2051  # 0x00000803: unsigned bytes, 3 dimensions
LABELS_MAGIC = 2049  # 0x00000801: unsigned bytes, 1 dimension


def bundled_dir():
    """The directory of the small real MNIST subset shipped with graphgrad (10000 train and
    2000 test examples, the first ones of each official file), usable offline."""
    return os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                        "data", "mnist")


def _read_idx(f, magic, ndim, kind):
    """Header dims and uint8 payload of the gzipped IDX file object `f`; ValueError if corrupt."""
    name = getattr(f, "name", "<stream>")
    fix = "The file is truncated or corrupt: delete it and download it again."
    try:
        data = gzip.GzipFile(fileobj=f).read()
    except (OSError, EOFError, zlib.error) as e:
        raise ValueError(f"Cannot decompress MNIST {kind} file {name}: {e}. {fix}") from None
    header_size = 4 * (1 + ndim)
    magic_found = int.from_bytes(data[:4], "big")
    if len(data) >= 4 and magic_found != magic:
        raise ValueError(f"Invalid magic number {magic_found} in MNIST {kind} file: {name} "
                         f"(expected {magic}). Is it the right file, still gzipped?")
    if len(data) < header_size:
        raise ValueError(f"MNIST {kind} file {name} holds {len(data)} bytes, fewer than its "
                         f"{header_size}-byte IDX header. {fix}")
    header = np.frombuffer(data, dtype=">u4", count=1 + ndim)
    dims = [int(d) for d in header[1:]]
    expected = int(np.prod(dims))
    got = len(data) - header_size
    if got != expected:
        shape = " x ".join(str(d) for d in dims)
        raise ValueError(f"MNIST {kind} file {name}: its header announces {shape} bytes "
                         f"({expected}) but it holds {got}. {fix}")
    return dims, np.frombuffer(data, dtype=np.uint8, offset=header_size)


def extract_images(f):
    """Images of a gzipped IDX3 file object as uint8 [index, y, x, depth=1]."""
    dims, pixels = _read_idx(f, IMAGES_MAGIC, 3, "image")
    return pixels.reshape(dims[0], dims[1], dims[2], 1)


def dense_to_one_hot(labels_dense, num_classes):
    """Class ids [n] -> one-hot float64 [n, num_classes] (float64 as in TF)."""
    labels_one_hot = np.zeros((labels_dense.shape[0], num_classes))
    labels_one_hot[np.arange(labels_dense.shape[0]), labels_dense] = 1
    return labels_one_hot


def extract_labels(f, one_hot=False, num_classes=10):
    """Labels of a gzipped IDX1 file object as uint8 [index], or one-hot [index, num_classes]."""
    _, labels = _read_idx(f, LABELS_MAGIC, 1, "label")
    if labels.size and labels.max() >= num_classes:
        raise ValueError(f"MNIST label file {getattr(f, 'name', '<stream>')} holds label "
                         f"{labels.max()}, outside 0..{num_classes - 1}; the file is corrupt.")
    return dense_to_one_hot(labels, num_classes) if one_hot else labels


class DataSet:
    """Images and labels with a shuffling `next_batch` (TF1 `mnist.DataSet`).

    `dtype` float32 rescales the pixels to [0, 1]; uint8 keeps 0..255. `reshape` flattens
    [n, 28, 28, 1] to [n, 784]. `seed` (else the graph-level seed) makes shuffling reproducible.
    Differs from TF: each DataSet draws from its own numpy RandomState instead of reseeding
    numpy's global one, so creating a DataSet does not disturb other users of np.random.
    """

    def __init__(self, images, labels, fake_data=False, one_hot=False, dtype=dtypes.float32,
                 reshape=True, seed=None):
        self._rng = np.random.RandomState(get_default_graph().seed if seed is None else seed)
        dtype = dtypes.as_dtype(dtype).base_dtype
        if dtype not in (dtypes.uint8, dtypes.float32):
            raise TypeError(f"Invalid image dtype {dtype!r}, expected uint8 or float32")
        if fake_data:
            self._num_examples = 10000
            self.one_hot = one_hot
        else:
            if images.shape[0] != labels.shape[0]:
                raise ValueError(f"images.shape: {images.shape} labels.shape: {labels.shape}: "
                                 "there must be one label per image.")
            self._num_examples = images.shape[0]
            if reshape:
                if images.ndim != 4 or images.shape[3] != 1:
                    raise ValueError(f"reshape=True needs images of shape [n, rows, cols, 1], "
                                     f"got {images.shape}")
                images = images.reshape(images.shape[0], images.shape[1] * images.shape[2])
            if dtype == dtypes.float32:
                images = images.astype(np.float32) * np.float32(1.0 / 255.0)
        self._images = images
        self._labels = labels
        self._epochs_completed = 0
        self._index_in_epoch = 0

    @property
    def images(self):
        return self._images

    @property
    def labels(self):
        return self._labels

    @property
    def num_examples(self):
        return self._num_examples

    @property
    def epochs_completed(self):
        return self._epochs_completed

    def _shuffle(self):
        perm = np.arange(self._num_examples)
        self._rng.shuffle(perm)
        self._images = self._images[perm]
        self._labels = self._labels[perm]

    def next_batch(self, batch_size, fake_data=False, shuffle=True):
        """The next `batch_size` examples. The data is shuffled before the first batch; a batch
        that crosses the end of an epoch is the rest of that epoch followed by the start of the
        next, reshuffled one."""
        if fake_data:
            fake_image = [1] * 784
            fake_label = [1] + [0] * 9 if self.one_hot else 0
            return [fake_image] * batch_size, [fake_label] * batch_size
        start = self._index_in_epoch
        if self._epochs_completed == 0 and start == 0 and shuffle:
            self._shuffle()
        if start + batch_size <= self._num_examples:
            self._index_in_epoch += batch_size
            end = self._index_in_epoch
            return self._images[start:end], self._labels[start:end]
        self._epochs_completed += 1
        images_rest = self._images[start:self._num_examples]
        labels_rest = self._labels[start:self._num_examples]
        if shuffle:
            self._shuffle()
        self._index_in_epoch = batch_size - (self._num_examples - start)
        end = self._index_in_epoch
        return (np.concatenate((images_rest, self._images[:end]), axis=0),
                np.concatenate((labels_rest, self._labels[:end]), axis=0))


def _fetch_missing(train_dir, source_url):
    """Downloads the absent MNIST files; FileNotFoundError saying what to put where if offline."""
    missing = [n for n in FILES if not os.path.exists(os.path.join(train_dir, n))]
    failure = None
    for name in missing:
        try:
            maybe_download(name, train_dir, source_url + name)
        except OSError as e:
            failure = e
            break  # offline: one failure says enough, and each try may wait for a timeout
    still_missing = [n for n in missing if not os.path.exists(os.path.join(train_dir, n))]
    if still_missing:
        where = os.path.abspath(train_dir)
        raise FileNotFoundError(
            f"MNIST files are missing from {where} and could not be downloaded from "
            f"{source_url} ({type(failure).__name__}: {failure}).\n"
            f"Put these gzipped IDX files, unchanged, in {where}:\n  "
            + "\n  ".join(still_missing)
            + f"\nor, offline, use the small MNIST subset shipped with graphgrad: "
            f"read_data_sets(input_data.bundled_dir(), ...) reads it from {bundled_dir()}."
        ) from failure


def _read(path, extract, **kwargs):
    with open(path, "rb") as f:
        return extract(f, **kwargs)


def read_data_sets(train_dir, fake_data=False, one_hot=False, dtype=dtypes.float32,
                   reshape=True, validation_size=5000, seed=None,
                   source_url=DEFAULT_SOURCE_URL):
    """Reads MNIST from `train_dir` (downloading absent files) into Datasets(train, validation,
    test); the first `validation_size` training examples become the validation set."""
    if fake_data:
        def fake():
            return DataSet([], [], fake_data=True, one_hot=one_hot, dtype=dtype, seed=seed)
        return Datasets(train=fake(), validation=fake(), test=fake())
    source_url = source_url or DEFAULT_SOURCE_URL
    _fetch_missing(train_dir, source_url)
    paths = {name: os.path.join(train_dir, name) for name in FILES}
    train_images = _read(paths[TRAIN_IMAGES], extract_images)
    train_labels = _read(paths[TRAIN_LABELS], extract_labels, one_hot=one_hot)
    test_images = _read(paths[TEST_IMAGES], extract_images)
    test_labels = _read(paths[TEST_LABELS], extract_labels, one_hot=one_hot)
    for images, labels, names in ((train_images, train_labels, (TRAIN_IMAGES, TRAIN_LABELS)),
                                  (test_images, test_labels, (TEST_IMAGES, TEST_LABELS))):
        if len(images) != len(labels):
            raise ValueError(f"{paths[names[0]]} holds {len(images)} images but "
                             f"{paths[names[1]]} holds {len(labels)} labels; one of them is "
                             "from another copy of MNIST or corrupt.")
    if not 0 <= validation_size <= len(train_images):
        raise ValueError(f"Validation size should be between 0 and {len(train_images)}. "
                         f"Received: {validation_size}.")
    options = dict(dtype=dtype, reshape=reshape, seed=seed)
    train = DataSet(train_images[validation_size:], train_labels[validation_size:], **options)
    validation = DataSet(train_images[:validation_size], train_labels[:validation_size],
                         **options)
    test = DataSet(test_images, test_labels, **options)
    return Datasets(train=train, validation=validation, test=test)


def load_mnist(train_dir="MNIST-data"):
    """TF1 `tf.contrib.learn.datasets.mnist.load_mnist`: read_data_sets(train_dir)."""
    return read_data_sets(train_dir)
