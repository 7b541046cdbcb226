"""`tf.train.Saver` and checkpoint inspection (`latest_checkpoint`, `list_variables`, ...).

Values go straight between the session's variable store and the file: saving or restoring adds
no ops to the graph, so a finalized graph can be saved from and a loop of saves does not grow it.
"""
import difflib
import os
import time
import warnings

import numpy as np

from .. import errors
from ..graph.graph import GraphKeys, get_default_graph
from . import checkpoint_io as io
from .checkpoint_io import CheckpointState, checkpoint_exists


def _var_key(var):
    op = getattr(var, "op", None)
    if op is None or op.type != "VariableV2":
        raise TypeError(f"Saver can only save variables, not {var!r}.")
    return op.name


def _named_vars(var_list):
    if var_list is None:
        var_list = get_default_graph().get_collection(GraphKeys.GLOBAL_VARIABLES) + \
            get_default_graph().get_collection("saveable_objects")
    if isinstance(var_list, dict):
        items = list(var_list.items())
    else:
        items = [(_var_key(v), v) for v in var_list]
    named = {}
    for name, var in items:
        _var_key(var)
        if name in named and named[name] is not var:
            raise ValueError(f"At least two variables have the same name: {name}")
        named[name] = var
    return named


def _store(sess, variables, what):
    if getattr(sess, "_closed", False):
        raise RuntimeError("Attempted to use a closed Session.")
    for var in variables:
        if var.graph is not sess.graph:
            raise ValueError(f"Cannot {what} variable '{var.name}' with a session of another "
                             "graph: create the Saver in the graph the session runs.")
    return sess._state.host_variables


def _prefix_dir(save_path):
    return os.path.dirname(save_path) or "."


class Saver:
    """Saves and restores variables (TF1 `tf.train.Saver`).

    Differs from TF: saves one `<prefix>.tensors` file per checkpoint (checksummed, see
    checkpoint_io.py) instead of `.index` + `.data-*`, which TF cannot read (restore reads both);
    `.meta` is TF's binary MetaGraphDef, which TF's import_meta_graph loads (graphgrad's JSON
    meta graph, with a warning, where the protobuf package is missing); the state file records
    paths relative to its folder; no save/restore ops in graphgrad's graph (the `.meta` file
    carries TF's `save/` subgraph for TF).
    """

    def __init__(self, var_list=None, reshape=False, sharded=False, max_to_keep=5,
                 keep_checkpoint_every_n_hours=10000.0, name=None, restore_sequentially=False,
                 saver_def=None, builder=None, defer_build=False, allow_empty=False,
                 write_version=2, pad_step_number=False, save_relative_paths=False,
                 filename=None):
        self._vars = _named_vars(var_list)
        if not self._vars and not allow_empty:
            raise ValueError("No variables to save")
        self._max_to_keep = max_to_keep
        self._keep_every = keep_checkpoint_every_n_hours * 3600.0
        self._next_keep_time = time.time() + self._keep_every
        self._pad_step_number = pad_step_number
        self._last = []  # (prefix, timestamp), oldest first

    @property
    def last_checkpoints(self):
        return [p for p, _ in self._last]

    def set_last_checkpoints_with_time(self, last_checkpoints_with_time):
        self._last = list(last_checkpoints_with_time)

    def recover_last_checkpoints(self, checkpoint_paths):
        """Takes over `checkpoint_paths` (from a previous run) for max_to_keep deletion."""
        now = time.time()
        self._last = [(p, now) for p in checkpoint_paths if checkpoint_exists(p)]

    def build(self):
        pass

    def save(self, sess, save_path, global_step=None, latest_filename=None,
             meta_graph_suffix="meta", write_meta_graph=True, write_state=True,
             strip_default_attrs=False, save_debug_info=False):
        """Writes the variables' values to `save_path[-global_step]`; returns that prefix."""
        store = _store(sess, self._vars.values(), "save")
        if global_step is not None:
            step = global_step if isinstance(global_step, (int, np.integer)) \
                else sess.run(global_step)
            save_path = f"{save_path}-{int(step):08d}" if self._pad_step_number \
                else f"{save_path}-{int(step)}"
        folder = _prefix_dir(save_path)
        if not os.path.isdir(folder):
            raise ValueError(f"Parent directory of {save_path} doesn't exist, can't save.")
        values = {}
        for name, var in self._vars.items():
            if var.op.name not in store:
                raise errors.FailedPreconditionError(
                    None, var.op, f"Attempting to use uninitialized value {var.op.name}: "
                    f"cannot save variable {errors.describe_op(var.op)} before it is initialized.")
            values[name] = store[var.op.name]
        io.write_file(save_path + io.SUFFIX, io.encode_tensors(values), "write checkpoint")
        if write_meta_graph:
            self._write_meta(sess, f"{save_path}.{meta_graph_suffix}")
        if write_state:
            self._record(save_path, folder, latest_filename or "checkpoint")
        return save_path

    def _write_meta(self, sess, path):
        from .checkpoint_meta import meta_graph_bytes
        try:
            data = meta_graph_bytes(sess.graph, saver=self)
        except ValueError as e:
            # The checkpoint itself is fine without it: the model can be rebuilt in code.
            warnings.warn(f"Saver.save: no meta graph written to {path}: {e}", stacklevel=3)
            return
        io.write_file(path, data, "write meta graph")

    def _record(self, prefix, folder, latest_filename):
        now = time.time()
        self._last = [(p, t) for p, t in self._last if p != prefix] + [(prefix, now)]
        expired = []
        if not self._max_to_keep:
            # As TF: nothing is deleted, and the state file names only the newest checkpoint.
            self._last = self._last[-1:]
        while self._max_to_keep and len(self._last) > self._max_to_keep:
            expired.append(self._last.pop(0))
        state = CheckpointState(
            _relative(prefix, folder), [_relative(p, folder) for p, _ in self._last],
            [t for _, t in self._last])
        path = os.path.join(folder, latest_filename)
        io.write_file(path, io.format_state(state).encode(), "write checkpoint state")
        # Deleted only once the state file no longer names them.
        for old, stamp in expired:
            if stamp >= self._next_keep_time:
                self._next_keep_time += self._keep_every
                continue
            for f in io.checkpoint_files(old):
                try:
                    os.remove(f)
                except OSError:
                    pass

    def restore(self, sess, save_path):
        """Loads every variable of the Saver from the checkpoint at `save_path`.

        All checks run before any value is written: a failed restore leaves the session as it was.
        """
        if save_path is None:
            raise ValueError("Can't load save_path when it is None.")
        store = _store(sess, self._vars.values(), "restore")
        if not checkpoint_exists(save_path):
            raise ValueError(f"The passed save_path is not a valid checkpoint: {save_path}")
        reader = io.open_checkpoint(save_path)
        saved = reader.names()
        _check_names(self._vars, saved, save_path)
        values = {}
        for name, var in self._vars.items():
            dtype, shape = saved[name]
            if dtype != var.dtype.name:
                raise errors.InvalidArgumentError(
                    None, var.op, f"tensor_name = {name}; expected dtype {var.dtype.name} does "
                    f"not equal original dtype {dtype} in checkpoint '{save_path}' (variable "
                    f"{errors.describe_op(var.op)}).")
            if not var.shape.is_compatible_with(shape):
                raise errors.InvalidArgumentError(
                    None, var.op, f"Restoring variable {errors.describe_op(var.op)} from "
                    f"checkpoint '{save_path}': the graph has shape {var.shape} but the checkpoint "
                    f"holds shape {list(shape)} (Assign requires shapes of both tensors to match. "
                    f"lhs shape= {var.shape.as_list()} rhs shape= {list(shape)}).")
            values[var.op.name] = reader.read(name)
        store.update(values)

    def export_meta_graph(self, filename=None, collection_list=None, as_text=False,
                          export_scope=None, clear_devices=False, clear_extraneous_savers=False,
                          strip_default_attrs=False, save_debug_info=False):
        from .checkpoint_meta import export_meta_graph
        return export_meta_graph(filename, collection_list=collection_list, as_text=as_text,
                                 clear_devices=clear_devices, saver=self)

    def _saved_names(self):
        return {name: var.op.name for name, var in self._vars.items()}


def _relative(prefix, folder):
    """The state file names checkpoints in its own folder by base name: the folder can move."""
    if os.path.abspath(os.path.dirname(prefix) or ".") != os.path.abspath(folder):
        return prefix
    return os.path.basename(prefix)


def _check_names(variables, saved, save_path):
    missing = sorted(n for n in variables if n not in saved)
    if not missing:
        return
    extra = sorted(n for n in saved if n not in variables)
    near = []
    for name in missing:
        close = difflib.get_close_matches(name, extra, n=1, cutoff=0.6)
        if close:
            near.append(f"'{name}' ~ '{close[0]}'")
    raise errors.NotFoundError(
        None, None,
        f"Restoring from checkpoint failed: Key {missing[0]} not found in checkpoint "
        f"'{save_path}'. {len(missing)} variable(s) of the graph are not in it.\n"
        f"  only in the graph: {', '.join(missing)}\n"
        f"  only in the checkpoint: {', '.join(extra) or '(none)'}\n"
        f"  near misses: {', '.join(near) or '(none)'}\n"
        "The graph most likely differs from the one that wrote the checkpoint: build the same "
        "model, or map names with Saver(var_list={checkpoint name: variable}).")


# --- inspection ---
def get_checkpoint_state(checkpoint_dir, latest_filename=None):
    """The CheckpointState in `checkpoint_dir` (paths made absolute or dir-joined), or None."""
    path = os.path.join(checkpoint_dir, latest_filename or "checkpoint")
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError):
        return None
    try:
        state = io.parse_state(text)
    except ValueError as e:
        warnings.warn(f"{path}: {e}: Checkpoint ignored", stacklevel=2)
        return None
    if not state.model_checkpoint_path:
        raise ValueError(f"Invalid checkpoint state loaded from {checkpoint_dir}")

    def resolve(p):
        return p if os.path.isabs(p) else os.path.join(checkpoint_dir, p)
    state.model_checkpoint_path = resolve(state.model_checkpoint_path)
    state.all_model_checkpoint_paths = [resolve(p) for p in state.all_model_checkpoint_paths]
    return state


def update_checkpoint_state(save_dir, model_checkpoint_path, all_model_checkpoint_paths=None,
                            latest_filename=None, all_model_checkpoint_timestamps=None,
                            last_preserved_timestamp=None):
    """Writes the state file of `save_dir` atomically (TF1 `tf.train.update_checkpoint_state`)."""
    paths = list(all_model_checkpoint_paths or [])
    if not paths or paths[-1] != model_checkpoint_path:
        paths.append(model_checkpoint_path)
    state = CheckpointState(_relative(model_checkpoint_path, save_dir),
                            [_relative(p, save_dir) for p in paths],
                            all_model_checkpoint_timestamps or (), last_preserved_timestamp or 0.0)
    io.write_file(os.path.join(save_dir, latest_filename or "checkpoint"),
                  io.format_state(state).encode(), "write checkpoint state")


def latest_checkpoint(checkpoint_dir, latest_filename=None):
    """The prefix of the newest checkpoint in `checkpoint_dir` whose files exist, or None."""
    state = get_checkpoint_state(checkpoint_dir, latest_filename)
    if state and checkpoint_exists(state.model_checkpoint_path):
        return state.model_checkpoint_path
    return None


def _resolve(ckpt_dir_or_file):
    if os.path.isdir(ckpt_dir_or_file):
        found = latest_checkpoint(ckpt_dir_or_file)
        if found is None:
            raise ValueError(f"Couldn't find 'checkpoint' file or checkpoints in given directory "
                             f"{ckpt_dir_or_file}")
        return found
    return ckpt_dir_or_file


class CheckpointReader:
    """TF1 `tf.train.NewCheckpointReader`: the tensors of one checkpoint."""

    def __init__(self, prefix):
        self._prefix = prefix
        self._reader = io.open_checkpoint(prefix)

    def get_variable_to_shape_map(self):
        return {n: list(s) for n, (_, s) in self._reader.names().items()}

    def get_variable_to_dtype_map(self):
        from ..graph.dtypes import as_dtype
        return {n: as_dtype(d) for n, (d, _) in self._reader.names().items()}

    def has_tensor(self, name):
        return name in self._reader.names()

    def get_tensor(self, name):
        names = self._reader.names()
        if name not in names:
            close = difflib.get_close_matches(name, list(names), n=3)
            hint = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
            raise errors.NotFoundError(
                None, None, f"Key {name} not found in checkpoint '{self._prefix}'.{hint}")
        return self._reader.read(name)


def NewCheckpointReader(filepattern):  # noqa: N802 - TF's public name
    return CheckpointReader(filepattern)


def load_checkpoint(ckpt_dir_or_file):
    return CheckpointReader(_resolve(ckpt_dir_or_file))


def list_variables(ckpt_dir_or_file):
    """[(name, shape)] of every tensor in the checkpoint, sorted by name."""
    shapes = load_checkpoint(ckpt_dir_or_file).get_variable_to_shape_map()
    return sorted(shapes.items())


def load_variable(ckpt_dir_or_file, name):
    """The value of tensor `name` in the checkpoint (a trailing ':0' is ignored)."""
    if name.endswith(":0"):
        name = name[:-2]
    return load_checkpoint(ckpt_dir_or_file).get_tensor(name)
