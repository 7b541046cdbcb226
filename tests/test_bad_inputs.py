"""A catalogue of bad inputs: each gets a clear error of TF's class, and the session and the
checkpoint files stay usable afterwards. Then property tests of elementwise ops against NumPy."""
import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import graphgrad as tf

W = np.arange(6, dtype=np.float32).reshape(3, 2)
GOOD = np.array([[1.0, 2.0, 3.0]], np.float32)


class World:
    """A small model, an initialized session and a checkpoint, which no bad input may break."""

    def __init__(self, folder):
        self.folder = folder
        self.x = tf.placeholder(tf.float32, [None, 3], name="x")
        self.n = tf.placeholder(tf.int32, [None], name="n")
        self.w = tf.Variable(W, name="w")
        self.y = tf.matmul(self.x, self.w, name="y")
        self.saver = tf.train.Saver()
        self.sess = tf.Session()
        self.sess.run(tf.global_variables_initializer())
        self.prefix = self.saver.save(self.sess, os.path.join(folder, "model.ckpt"))

    def assert_usable(self):
        assert np.array_equal(self.sess.run(self.y, {self.x: GOOD}), GOOD @ W)
        latest = tf.train.latest_checkpoint(self.folder)
        assert latest == self.prefix
        self.saver.restore(self.sess, latest)
        assert np.array_equal(self.sess.run(self.w), W)


def _other_graph_tensor():
    with tf.Graph().as_default():
        return tf.constant(1.0, name="elsewhere")


def _closed_session(w):
    sess = tf.Session()
    sess.close()
    sess.run(w.y, {w.x: GOOD})


def _save_closed(w):
    sess = tf.Session()
    sess.close()
    w.saver.save(sess, os.path.join(w.folder, "model.ckpt"), global_step=1)


def _uninitialized(w):
    tf.Session().run(w.y, {w.x: GOOD})


def _wrong_graph_restore(w):
    with tf.Graph().as_default():
        tf.Variable(tf.zeros([3, 2]), name="weights")
        with tf.Session() as sess:
            tf.train.Saver().restore(sess, w.prefix)


def _restore_with_other_graphs_session(w):
    with tf.Graph().as_default():
        sess = tf.Session()
    w.saver.restore(sess, w.prefix)


def _damaged_copy(w, keep):
    blob = open(w.prefix + ".tensors", "rb").read()
    bad = os.path.join(w.folder, "bad")
    if keep < 0:  # flip one bit, `keep` bytes from the end
        blob = blob[:keep] + bytes([blob[keep] ^ 4]) + blob[keep + 1:]
    with open(bad + ".tensors", "wb") as f:
        f.write(blob[:keep] if keep > 0 else blob)
    w.saver.restore(w.sess, bad)


def _under_a_file(w):
    return os.path.join(w.prefix + ".tensors", "sub", "model.ckpt")


def _huge(w):
    shape = tf.placeholder(tf.int64, [2])
    w.sess.run(tf.zeros(shape), {shape: [2 ** 25, 2 ** 25]})


def _garbage_meta(w):
    path = os.path.join(w.folder, "garbage.meta")
    with open(path, "wb") as f:
        f.write(os.urandom(64))
    tf.train.import_meta_graph(path)


CATALOGUE = [
    ("feed of the wrong shape", ValueError, lambda w: w.sess.run(w.y, {w.x: np.ones((2, 4))})),
    ("feed of the wrong rank", ValueError, lambda w: w.sess.run(w.y, {w.x: np.ones(3)})),
    ("feed of strings", ValueError, lambda w: w.sess.run(w.y, {w.x: [["a", "b", "c"]]})),
    ("feed of a dict", ValueError, lambda w: w.sess.run(w.y, {w.x: {"a": 1}})),
    ("ragged feed", ValueError, lambda w: w.sess.run(w.y, {w.x: [[1, 2, 3], [1, 2]]})),
    ("fractions fed to int32", ValueError, lambda w: w.sess.run(w.n, {w.n: [1.5]})),
    ("int32 feed overflow", TypeError, lambda w: w.sess.run(w.n, {w.n: [2 ** 40]})),
    ("a Tensor as feed value", TypeError, lambda w: w.sess.run(w.y, {w.x: w.y})),
    ("feed_dict not a dict", TypeError, lambda w: w.sess.run(w.y, [w.x])),
    ("unfed placeholder", tf.errors.InvalidArgumentError, lambda w: w.sess.run(w.y)),
    ("unknown fetch name", ValueError, lambda w: w.sess.run("nope:0")),
    ("unknown feed name", TypeError, lambda w: w.sess.run(w.y, {"nope:0": GOOD})),
    ("None fetch", TypeError, lambda w: w.sess.run([w.y, None], {w.x: GOOD})),
    ("fetch from another graph", ValueError, lambda w: w.sess.run(_other_graph_tensor())),
    ("feed key from another graph", TypeError,
     lambda w: w.sess.run(w.y, {_other_graph_tensor(): 1.0, w.x: GOOD})),
    ("huge dims", tf.errors.ResourceExhaustedError, _huge),
    ("NaN caught by check_numerics", tf.errors.InvalidArgumentError,
     lambda w: w.sess.run(tf.check_numerics(w.y, "y"), {w.x: [[np.nan, 0, 0]]})),
    ("uninitialized variable", tf.errors.FailedPreconditionError, _uninitialized),
    ("closed session", RuntimeError, _closed_session),
    ("save with a closed session", RuntimeError, _save_closed),
    ("restore into a different model", tf.errors.NotFoundError, _wrong_graph_restore),
    ("restore with another graph's session", ValueError, _restore_with_other_graphs_session),
    ("restore a truncated checkpoint", tf.errors.DataLossError, lambda w: _damaged_copy(w, 100)),
    ("restore a bit-flipped checkpoint", tf.errors.DataLossError,
     lambda w: _damaged_copy(w, -50)),
    ("restore a missing checkpoint", ValueError,
     lambda w: w.saver.restore(w.sess, os.path.join(w.folder, "absent"))),
    ("save under a file", ValueError, lambda w: w.saver.save(w.sess, _under_a_file(w))),
    ("export a meta graph under a file", tf.errors.FailedPreconditionError,
     lambda w: tf.train.export_meta_graph(_under_a_file(w) + ".meta")),
    ("load an unknown variable", tf.errors.NotFoundError,
     lambda w: tf.train.load_variable(w.folder, "weights")),
    ("list a folder without checkpoints", ValueError,
     lambda w: tf.train.list_variables(os.path.dirname(w.folder))),
    ("import a garbage meta graph", ValueError, _garbage_meta),
]


@pytest.mark.parametrize("action,error", [(a, e) for _, e, a in CATALOGUE],
                         ids=[name for name, _, _ in CATALOGUE])
def test_a_bad_input_gets_its_error_class_and_leaves_session_and_files_usable(tmp_path, action,
                                                                              error):
    folder = tmp_path / "run"
    folder.mkdir()
    world = World(str(folder))
    with pytest.raises(error) as info:
        action(world)
    assert str(info.value)  # a message, never a bare class
    world.assert_usable()


def test_nan_and_inf_feeds_propagate_like_ieee_without_poisoning_the_session(tmp_path):
    world = World(str(tmp_path))
    out = world.sess.run(world.y, {world.x: [[np.nan, 0, 0], [0, np.inf, 1]]})
    assert np.isnan(out[0]).all() and np.isposinf(out[1]).all()
    world.assert_usable()


def test_an_empty_batch_runs_and_gives_empty_results(tmp_path):
    world = World(str(tmp_path))
    out, total = world.sess.run([world.y, tf.reduce_sum(world.y)],
                                {world.x: np.zeros((0, 3), np.float32)})
    assert out.shape == (0, 2) and out.dtype == np.float32 and total == 0.0
    world.assert_usable()


# --- property tests: elementwise ops against NumPy over random shapes and broadcasting ---
BINARY = {
    "add": (tf.add, np.add), "subtract": (tf.subtract, np.subtract),
    "multiply": (tf.multiply, np.multiply), "maximum": (tf.maximum, np.maximum),
    "minimum": (tf.minimum, np.minimum),
    "squared_difference": (tf.squared_difference, lambda a, b: np.square(a - b)),
}
UNARY = {"negative": (tf.negative, np.negative), "abs": (tf.abs, np.abs),
         "square": (tf.square, np.square), "tanh": (tf.tanh, np.tanh), "exp": (tf.exp, np.exp)}
_DTYPES = st.sampled_from([np.float32, np.float64, np.int32])


def _elements(dtype):
    if dtype == np.int32:
        return st.integers(-1000, 1000)
    return st.floats(-20, 20, width=32 if dtype == np.float32 else 64)


def _run(build, *arrays):
    with tf.Graph().as_default():
        out = build(*[tf.constant(a) for a in arrays])
        with tf.Session() as sess:
            value = sess.run(out)
    assert out.shape.is_compatible_with(value.shape)
    return value


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(sorted(BINARY)), _DTYPES,
       hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, max_side=4),
       st.data())
def test_binary_elementwise_ops_match_numpy_with_broadcasting(name, dtype, shapes, data):
    if name == "squared_difference" and dtype == np.int32:
        dtype = np.float64
    a = data.draw(hnp.arrays(dtype, shapes.input_shapes[0], elements=_elements(dtype)))
    b = data.draw(hnp.arrays(dtype, shapes.input_shapes[1], elements=_elements(dtype)))
    ours, ref = BINARY[name]
    value = _run(ours, a, b)
    expected = ref(a, b)
    assert value.dtype == dtype and value.shape == shapes.result_shape
    np.testing.assert_allclose(value, expected, rtol=1e-6 if dtype == np.float32 else 1e-12)


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(sorted(UNARY)), st.sampled_from([np.float32, np.float64]),
       hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=5), st.data())
def test_unary_elementwise_ops_match_numpy_on_any_shape(name, dtype, shape, data):
    a = data.draw(hnp.arrays(dtype, shape, elements=_elements(dtype)))
    ours, ref = UNARY[name]
    value = _run(ours, a)
    assert value.dtype == dtype and value.shape == a.shape
    np.testing.assert_allclose(value, ref(a), rtol=2e-6 if dtype == np.float32 else 1e-12)
