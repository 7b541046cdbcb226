"""tf.train.Saver, the checkpoint file format, the state file, inspection, and a save loop killed
with SIGKILL at random moments that must always leave a loadable latest checkpoint."""
import errno
import hashlib
import json
import os
import random
import signal
import struct
import time

import numpy as np
import pytest

import graphgrad as tf
from graphgrad.train import checkpoint_io


def _model(seed=0):
    rng = np.random.RandomState(seed)
    w = tf.Variable(rng.randn(3, 5).astype(np.float32), name="w")
    b = tf.Variable(rng.randn(5), name="dense/bias")  # float64
    n = tf.Variable(np.arange(4, dtype=np.int64), name="count")
    flag = tf.Variable(np.array([True, False]), name="flag")
    return [w, b, n, flag]


def _values(sess, variables):
    return [sess.run(v) for v in variables]


def _saved(tmp_path):
    """The prefix of a checkpoint of `_model()`'s initial values, saved under `tmp_path`."""
    _model()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return tf.train.Saver().save(sess, str(tmp_path / "m"))


def _save_steps(saver, prefix, steps, **kwargs):
    """Initializes the variables in a new session and saves once per global step."""
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in steps:
            saver.save(sess, prefix, global_step=step, **kwargs)


def test_save_then_restore_gives_back_every_value_bit_for_bit(tmp_path):
    variables = _model()
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        before = _values(sess, variables)
        prefix = saver.save(sess, str(tmp_path / "model.ckpt"), global_step=7)
    assert prefix == str(tmp_path / "model.ckpt-7")
    with tf.Session() as sess:
        saver.restore(sess, prefix)
        after = _values(sess, variables)
    for a, b in zip(before, after):
        assert a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b)


def test_saving_and_restoring_add_no_ops_to_the_graph(tmp_path):
    _model()
    saver = tf.train.Saver()
    init = tf.global_variables_initializer()
    graph = tf.get_default_graph()
    graph.finalize()
    count = len(graph.get_operations())
    with tf.Session() as sess:
        sess.run(init)
        for step in range(3):
            prefix = saver.save(sess, str(tmp_path / "m"), global_step=step)
            saver.restore(sess, prefix)
    assert len(graph.get_operations()) == count


def test_state_file_is_tf_checkpoint_state_text_and_latest_checkpoint_reads_it(tmp_path):
    _model()
    saver = tf.train.Saver(max_to_keep=2)
    _save_steps(saver, str(tmp_path / "model.ckpt"), (10, 20, 30))
    text = (tmp_path / "checkpoint").read_text()
    assert text.splitlines()[:3] == ['model_checkpoint_path: "model.ckpt-30"',
                                     'all_model_checkpoint_paths: "model.ckpt-20"',
                                     'all_model_checkpoint_paths: "model.ckpt-30"']
    state = tf.train.get_checkpoint_state(str(tmp_path))
    assert state.model_checkpoint_path == str(tmp_path / "model.ckpt-30")
    assert state.all_model_checkpoint_paths == [str(tmp_path / "model.ckpt-20"),
                                                str(tmp_path / "model.ckpt-30")]
    assert tf.train.latest_checkpoint(str(tmp_path)) == str(tmp_path / "model.ckpt-30")
    assert saver.last_checkpoints == [str(tmp_path / "model.ckpt-20"),
                                      str(tmp_path / "model.ckpt-30")]


def test_max_to_keep_deletes_the_oldest_checkpoint_files(tmp_path):
    _model()
    _save_steps(tf.train.Saver(max_to_keep=2), str(tmp_path / "m"), range(4))
    assert sorted(os.listdir(tmp_path)) == ["checkpoint", "m-2.meta", "m-2.tensors", "m-3.meta",
                                            "m-3.tensors"]


@pytest.mark.parametrize("options", [
    {"max_to_keep": 1, "keep_checkpoint_every_n_hours": 0.0},  # kept on disk, not in the state
    {"max_to_keep": None},
], ids=["keep_every_n_hours", "max_to_keep_none"])
def test_savers_that_delete_nothing_name_only_the_newest_in_the_state(tmp_path, options):
    _model()
    _save_steps(tf.train.Saver(**options), str(tmp_path / "m"), range(3), write_meta_graph=False)
    assert sorted(os.listdir(tmp_path)) == ["checkpoint", "m-0.tensors", "m-1.tensors",
                                            "m-2.tensors"]
    assert tf.train.get_checkpoint_state(str(tmp_path)).all_model_checkpoint_paths == [
        str(tmp_path / "m-2")]


def test_var_list_dict_maps_checkpoint_names_onto_other_variables(tmp_path):
    w = _model()[0]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        prefix = tf.train.Saver({"renamed/kernel": w}).save(sess, str(tmp_path / "m"))
        expected = sess.run(w)
    tf.reset_default_graph()
    other = tf.Variable(tf.zeros([3, 5]), name="elsewhere")
    assert tf.train.list_variables(prefix) == [("renamed/kernel", [3, 5])]
    with tf.Session() as sess:
        tf.train.Saver({"renamed/kernel": other}).restore(sess, prefix)
        assert np.array_equal(sess.run(other), expected)


def test_global_step_may_be_a_variable_and_pad_step_number_pads(tmp_path):
    step = tf.train.get_or_create_global_step()
    saver = tf.train.Saver(pad_step_number=True)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(step.assign(42))
        prefix = saver.save(sess, str(tmp_path / "m"), global_step=step)
    assert prefix.endswith("m-00000042")
    assert tf.train.load_variable(str(tmp_path), "global_step:0") == 42


def test_list_variables_load_variable_and_reader_inspect_a_checkpoint(tmp_path):
    variables = _model()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        tf.train.Saver().save(sess, str(tmp_path / "m"))
        w = sess.run(variables[0])
    assert tf.train.list_variables(str(tmp_path)) == [
        ("count", [4]), ("dense/bias", [5]), ("flag", [2]), ("w", [3, 5])]
    assert np.array_equal(tf.train.load_variable(str(tmp_path / "m"), "w"), w)
    reader = tf.train.NewCheckpointReader(str(tmp_path / "m"))
    assert reader.get_variable_to_dtype_map()["dense/bias"] == tf.float64
    assert reader.has_tensor("flag") and not reader.has_tensor("flags")
    with pytest.raises(tf.errors.NotFoundError, match="Key flags not found.*Did you mean 'flag'"):
        reader.get_tensor("flags")


def test_restoring_a_missing_variable_lists_graph_only_checkpoint_only_and_near_misses(tmp_path):
    prefix = _saved(tmp_path)
    tf.reset_default_graph()
    tf.Variable(tf.zeros([3, 5]), name="w")
    tf.Variable(tf.zeros([5], tf.float64), name="dense/biases")
    with tf.Session() as sess, pytest.raises(tf.errors.NotFoundError) as info:
        tf.train.Saver().restore(sess, prefix)
    text = str(info.value)
    assert "Key dense/biases not found in checkpoint" in text
    assert "only in the graph: dense/biases" in text
    assert "only in the checkpoint: count, dense/bias, flag" in text
    assert "near misses: 'dense/biases' ~ 'dense/bias'" in text


def test_restoring_a_mis_shaped_variable_names_both_shapes_and_changes_nothing(tmp_path):
    prefix = _saved(tmp_path)
    tf.reset_default_graph()
    b = tf.Variable(np.full(5, 3.0), name="dense/bias")
    w = tf.Variable(tf.zeros([5, 3]), name="w")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        with pytest.raises(tf.errors.InvalidArgumentError) as info:
            tf.train.Saver([w, b]).restore(sess, prefix)
        assert np.array_equal(sess.run(b), np.full(5, 3.0))  # nothing was half-restored
    assert "the graph has shape (5, 3) but the checkpoint holds shape [3, 5]" in str(info.value)


def test_restoring_a_variable_of_another_dtype_is_an_invalid_argument(tmp_path):
    prefix = _saved(tmp_path)
    tf.reset_default_graph()
    w = tf.Variable(tf.zeros([3, 5], tf.float64), name="w")
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError,
                                             match="expected dtype float64 does not equal "
                                                   "original dtype float32"):
        tf.train.Saver([w]).restore(sess, prefix)


@pytest.mark.parametrize("damage", ["flip_data_byte", "truncate", "empty", "flip_header_byte",
                                    "append"])
def test_a_damaged_checkpoint_is_refused_with_data_loss_naming_the_file(tmp_path, damage):
    prefix = _saved(tmp_path)
    path = prefix + ".tensors"
    blob = bytearray(open(path, "rb").read())
    if damage == "flip_data_byte":
        blob[-60] ^= 1
    elif damage == "flip_header_byte":
        blob[20] ^= 1
    elif damage == "truncate":
        blob = blob[: len(blob) // 2]
    elif damage == "empty":
        blob = b""
    else:
        blob += b"junk"
    open(path, "wb").write(bytes(blob))
    with pytest.raises(tf.errors.DataLossError, match=f"Checkpoint file '{path}' is corrupted"):
        tf.train.list_variables(prefix)
    with tf.Session() as sess, pytest.raises(tf.errors.DataLossError):
        tf.train.Saver().restore(sess, prefix)


def test_a_checksummed_file_whose_header_names_a_non_tensor_dtype_is_refused(tmp_path):
    # Loading never unpickles: an 'object' dtype (what pickle would need) is not in the allow-list
    # even when every checksum has been forged to match.
    header = json.dumps({"version": 1, "tensors": [
        {"name": "x", "dtype": "object", "shape": [1], "offset": 0, "nbytes": 8,
         "sha256": hashlib.sha256(b"\0" * 8).hexdigest()}]}).encode()
    body = checkpoint_io.MAGIC + struct.pack("<Q", len(header)) + header + b"\0" * 8
    (tmp_path / "evil.tensors").write_bytes(body + hashlib.sha256(body).digest()
                                            + checkpoint_io.END)
    with pytest.raises(tf.errors.DataLossError, match="unknown dtype 'object'"):
        tf.train.load_variable(str(tmp_path / "evil"), "x")


def test_restore_checks_its_arguments_like_tf(tmp_path):
    _model()
    saver = tf.train.Saver()
    with tf.Session() as sess:
        with pytest.raises(ValueError, match="Can't load save_path when it is None"):
            saver.restore(sess, None)
        with pytest.raises(ValueError, match="not a valid checkpoint"):
            saver.restore(sess, str(tmp_path / "nothing-here"))


def test_saving_an_uninitialized_variable_is_a_failed_precondition(tmp_path):
    _model()
    with tf.Session() as sess, pytest.raises(tf.errors.FailedPreconditionError,
                                             match="uninitialized value"):
        tf.train.Saver().save(sess, str(tmp_path / "m"))
    assert os.listdir(tmp_path) == []


def test_a_saver_with_nothing_to_save_is_an_error_unless_allowed():
    with pytest.raises(ValueError, match="No variables to save"):
        tf.train.Saver()
    assert tf.train.Saver(allow_empty=True).last_checkpoints == []


def test_a_failed_write_is_permission_denied_and_the_previous_checkpoint_survives(
        tmp_path, monkeypatch):
    prefix = _saved(tmp_path)
    saver = tf.train.Saver()

    def refuse(path, data):
        raise PermissionError(errno.EACCES, "Permission denied", path)
    monkeypatch.setattr(checkpoint_io, "atomic_write", refuse)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        with pytest.raises(tf.errors.PermissionDeniedError, match="Permission denied"):
            saver.save(sess, str(tmp_path / "m"), global_step=1)
    monkeypatch.undo()
    assert tf.train.latest_checkpoint(str(tmp_path)) == prefix
    assert len(tf.train.list_variables(prefix)) == 4


def test_a_corrupt_state_file_is_ignored_with_a_warning(tmp_path):
    (tmp_path / "checkpoint").write_text("model_checkpoint_path: unquoted {")
    with pytest.warns(UserWarning, match="Checkpoint ignored"):
        assert tf.train.get_checkpoint_state(str(tmp_path)) is None
    assert tf.train.latest_checkpoint(str(tmp_path / "absent")) is None


def test_state_file_quotes_round_trip():
    state = checkpoint_io.CheckpointState('we"ird\\name\nx', ['a', 'we"ird\\name\nx'], [1.5, 2.0])
    back = checkpoint_io.parse_state(checkpoint_io.format_state(state))
    assert back.model_checkpoint_path == state.model_checkpoint_path
    assert back.all_model_checkpoint_paths == state.all_model_checkpoint_paths
    assert back.all_model_checkpoint_timestamps == [1.5, 2.0]


# --- a save loop killed at random moments ---
def _fill(sess, variables, step):
    for i, v in enumerate(variables):
        v.load(np.full(v.shape.as_list(), step * 10 + i, v.dtype.np), sess)


def _kill_model():
    return [tf.Variable(tf.zeros([256, 256]), name="a"), tf.Variable(tf.zeros([300]), name="b"),
            tf.Variable(tf.zeros([], tf.int64), name="step")]


def _save_loop(folder, variables, saver):
    """Runs in the forked child until killed: every checkpoint holds step*10+i in variable i."""
    start = tf.train.latest_checkpoint(folder)
    step = int(start.rsplit("-", 1)[1]) + 1 if start else 0
    with tf.Session() as sess:
        while True:
            _fill(sess, variables, step)
            saver.save(sess, os.path.join(folder, "model.ckpt"), global_step=step)
            step += 1


def _check_latest(folder, variables, saver):
    latest = tf.train.latest_checkpoint(folder)
    if latest is None:
        return -1
    step = int(latest.rsplit("-", 1)[1])
    with tf.Session() as sess:
        saver.restore(sess, latest)
        for i, v in enumerate(variables):
            assert np.all(sess.run(v) == step * 10 + i), (latest, v.name)
    for path in tf.train.get_checkpoint_state(folder).all_model_checkpoint_paths:
        assert len(tf.train.list_variables(path)) == 3
    return step


def test_a_save_loop_killed_at_random_moments_always_leaves_a_loadable_latest_checkpoint(
        tmp_path):
    folder = str(tmp_path)
    variables = _kill_model()
    saver = tf.train.Saver(max_to_keep=3)
    rng = random.Random(1234)
    steps, stalled, deadline = [], 0, time.time() + 10.0
    while (len(steps) < 40 or steps[-1] < 5) and time.time() < deadline:
        pid = os.fork()
        if pid == 0:  # the child saves until SIGKILL; it never returns into pytest
            try:
                _save_loop(folder, variables, saver)
            finally:
                os._exit(1)
        # Under load a child may not finish a save in time: wait longer after each stall.
        time.sleep(rng.uniform(0.0, 0.1 + 0.05 * stalled))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        steps.append(_check_latest(folder, variables, saver))
        stalled = stalled + 1 if len(steps) > 1 and steps[-1] == steps[-2] else 0
    assert len(steps) >= 20
    assert steps == sorted(steps) and steps[-1] >= 5, steps  # progress carried across kills


def test_update_checkpoint_state_points_latest_checkpoint_at_an_existing_checkpoint(tmp_path):
    first = _saved(tmp_path)
    tf.train.update_checkpoint_state(str(tmp_path), first, [first])
    assert (tmp_path / "checkpoint").read_text().splitlines()[:2] == [
        'model_checkpoint_path: "m"', 'all_model_checkpoint_paths: "m"']
    assert tf.train.latest_checkpoint(str(tmp_path)) == first
    tf.train.update_checkpoint_state(str(tmp_path), str(tmp_path / "gone"))
    assert tf.train.latest_checkpoint(str(tmp_path)) is None  # its files do not exist
