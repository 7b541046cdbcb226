"""Debugger session wrappers (tfdbg's role, non-interactive): find the first op that made a NaN
or Inf, dump every intermediate tensor of a run, watch chosen tensors; the graph is never changed.

They run through Session._run_stepwise, a plan without rewrites called op by op, so ordinary
`sess.run` keeps its fast generated code.
"""
import json
import os

import numpy as np

from .. import errors
from ..graph.tensor import Tensor
from ..runtime.plan import value_inputs

# Likely causes of a non-finite output, by op type.
_HINTS = {
    "Log": "log of a value <= 0: keep its input positive (tf.clip_by_value(x, 1e-8, ...)), or "
           "use a fused, stable op such as tf.nn.softmax_cross_entropy_with_logits",
    "RealDiv": "division by zero: add a small epsilon to the denominator",
    "Div": "division by zero: add a small epsilon to the denominator",
    "Reciprocal": "1/0: add a small epsilon",
    "Sqrt": "sqrt of a negative value",
    "Rsqrt": "rsqrt of a value <= 0: add a small epsilon",
    "Exp": "exp overflowed: the input is too large (lower the learning rate, or use a stable op)",
    "Pow": "pow of a negative base or an overflow",
}
_UPDATE_HINT = ("a variable update overflowed or received a NaN: the learning rate may be too "
                "large, or the gradient was already non-finite")


class NonFiniteError(errors.InvalidArgumentError):
    """The debugger found an op that produced a NaN or Inf; `report` says which and why."""

    def __init__(self, report):
        super().__init__(None, report.op, report.text())
        self.report = report


def has_inf_or_nan(datum, tensor):
    """tfdbg's filter: True when a dumped float tensor holds a NaN or Inf."""
    arr = np.asarray(tensor)
    return arr.dtype.kind in "fc" and not np.isfinite(arr).all()


def _stats(arr):
    arr = np.asarray(arr)
    head = f"{arr.dtype.name}{list(arr.shape)}"
    if arr.dtype.kind not in "fciub":
        return head
    if arr.size == 0:
        return head + " (empty)"
    if arr.dtype.kind not in "fc":
        return f"{head} min {arr.min()} max {arr.max()}"
    finite = arr[np.isfinite(arr)]
    nan = int(np.isnan(arr).sum())
    inf = int(arr.size - finite.size - nan)
    text = f"{head} {nan} NaN, {inf} Inf"
    if finite.size:
        text += (f", finite min {finite.min():.6g} max {finite.max():.6g} "
                 f"mean {finite.mean():.6g}")
    return text


class NonFiniteReport:
    """The first op of a run (in execution order, optimizer updates included) whose output held
    a NaN or Inf: the op, the output, its inputs' statistics and where the op was created."""

    def __init__(self, run, step, op, output_name, output, inputs):
        self.run = run
        self.step = step
        self.op = op
        self.output_name = output_name
        self.output = output
        self.inputs = inputs  # [(tensor name, array)]

    @property
    def location(self):
        return errors.site(self.op)

    def text(self):
        op = self.op
        lines = [f"First NaN/Inf in run {self.run}: op {errors.describe_op(op)}, the op at "
                 f"position {self.step + 1} in execution order."]
        forward = op.attrs.get("_forward_op")
        if forward is not None:
            lines.append(f"  It computes part of the gradient of '{forward}'"
                         f"{_forward_site(op, forward)}.")
        lines.append(f"  output {self.output_name}: {_stats(self.output)}")
        for name, arr in self.inputs:
            lines.append(f"  input  {name}: {_stats(arr)}")
        hint = _UPDATE_HINT if op.opdef.writes else _HINTS.get(op.type)
        if hint:
            lines.append(f"  Likely cause: {hint}.")
        return "\n".join(lines)

    __str__ = text


def _forward_site(op, name):
    try:
        return f" (created at {errors.site(op.graph.get_operation_by_name(name))})"
    except (KeyError, ValueError):
        return ""


def _outputs_of(step, result):
    if len(step.outs) == 1:
        return [result]
    return list(result) if step.outs else []


class DebugWrapperSession:
    """Wraps a Session (as tfdbg's LocalCLIDebugWrapperSession, without the interactive UI).

    Every `run` checks each op's outputs, in execution order, for NaN and Inf; the first one
    found raises NonFiniteError (`on_nonfinite="raise"`, before later ops such as the optimizer
    updates run) or is kept in `self.nonfinite` (`"record"`). `run(..., watch=[t1, t2])`
    returns `(fetched, [t1 value, t2 value])`. Everything else is the wrapped session's.

    Differs from TF: no curses UI; the report is the exception's message. Watched tensors the
    fetches do not need are computed as if fetched. `options`/`run_metadata` are accepted and
    ignored (trace with the plain session).
    """

    def __init__(self, sess, check_nonfinite=True, on_nonfinite="raise"):
        if on_nonfinite not in ("raise", "record"):
            raise ValueError(f"on_nonfinite must be 'raise' or 'record', got {on_nonfinite!r}")
        self._sess = sess
        self.check_nonfinite = check_nonfinite
        self.on_nonfinite = on_nonfinite
        self.run_count = 0
        self.nonfinite = None
        self._filters = {}
        self.filter_hits = {}

    def __getattr__(self, name):
        if name == "_sess":  # not set yet: avoid recursing
            raise AttributeError(name)
        return getattr(self._sess, name)

    def __enter__(self):
        self._sess.__enter__()
        return self

    def __exit__(self, *exc):
        return self._sess.__exit__(*exc)

    def add_tensor_filter(self, name, fn):
        """Registers a tfdbg-style filter `fn(datum, tensor) -> bool`; `self.filter_hits[name]`
        lists the tensor names it matched in the last run, in execution order."""
        self._filters[name] = fn

    def run(self, fetches, feed_dict=None, options=None, run_metadata=None, watch=None):
        """sess.run, one op at a time under the debugger; with `watch`, returns (fetched, the
        watched tensors' values in `watch` order)."""
        self.run_count += 1
        self.nonfinite = None
        self.filter_hits = {name: [] for name in self._filters}
        graph = self._sess.graph
        extra = [graph.as_graph_element(w, allow_tensor=True, allow_operation=False)
                 for w in (watch or ())]
        self._begin_run()
        state = {"step": 0}
        result, watched = self._sess._run_stepwise(
            fetches, feed_dict, lambda step, args: self._step(step, args, state), extra)
        return (result, watched) if watch is not None else result

    def _begin_run(self):
        pass

    def _step(self, step, args, state):
        result = step.call(*args)
        index = state["step"]
        state["step"] += 1
        op = step.op
        for tensor, value in zip(op.outputs, _outputs_of(step, result)):
            self._observe(index, step, tensor, value)
            for name, fn in self._filters.items():
                if fn(tensor, value):
                    self.filter_hits[name].append(tensor.name)
            if self.check_nonfinite and self.nonfinite is None and has_inf_or_nan(tensor, value):
                self._found(index, step, args, tensor, value)
        return result

    def _observe(self, index, step, tensor, value):
        """A hook for subclasses: sees each op output as it is made."""

    def _found(self, index, step, args, tensor, value):
        op = step.op
        names = [t.name for t in value_inputs(op)]
        self.nonfinite = NonFiniteReport(self.run_count, index, op, tensor.name, value,
                                         list(zip(names, args)))
        if self.on_nonfinite == "raise":
            raise NonFiniteError(self.nonfinite)


class DumpingDebugWrapperSession(DebugWrapperSession):
    """Dumps every op output of every run to `session_root/run_<n>/` as .npy files (no pickle),
    with `index.json` listing them in execution order (TF1 tfdbg's DumpingDebugWrapperSession).

    NaN/Inf are recorded (`self.nonfinite`), not raised, so that a dump is complete; pass
    `on_nonfinite="raise"` to stop at the first one.

    Differs from TF: no `watch_fn` or thread filter (every op output is dumped); the dump
    layout is graphgrad's own (read it with DumpDir).
    """

    def __init__(self, sess, session_root, on_nonfinite="record"):
        super().__init__(sess, on_nonfinite=on_nonfinite)
        self.session_root = session_root
        os.makedirs(session_root, exist_ok=True)

    def run(self, fetches, feed_dict=None, options=None, run_metadata=None, watch=None):
        try:
            return super().run(fetches, feed_dict, options, run_metadata, watch)
        finally:
            self._write_index()

    def _begin_run(self):
        self.run_dir = os.path.join(self.session_root, f"run_{self.run_count}")
        os.makedirs(self.run_dir, exist_ok=True)
        self._index = []

    def _observe(self, index, step, tensor, value):
        arr = np.asarray(value)
        rel = os.path.join(*tensor.name.replace(":", "_").split("/")) + ".npy"
        entry = {"tensor": tensor.name, "op": tensor.op.name, "type": tensor.op.type,
                 "step": index, "dtype": arr.dtype.name, "shape": list(arr.shape),
                 "location": errors.site(tensor.op), "file": rel,
                 "has_inf_or_nan": bool(has_inf_or_nan(tensor, arr))}
        path = os.path.join(self.run_dir, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        try:
            np.save(path, arr, allow_pickle=False)
        except ValueError:  # object arrays need pickle, which dumps never use
            entry["file"] = None
            entry["skipped"] = f"{arr.dtype.name} values cannot be saved without pickle"
        self._index.append(entry)

    def _write_index(self):
        with open(os.path.join(self.run_dir, "index.json"), "w") as f:
            json.dump({"run": self.run_count, "tensors": self._index}, f, indent=1)


class DumpDir:
    """A dumped run read back (`DumpDir(session_root + "/run_1")`), as tfdbg's DebugDumpDir."""

    def __init__(self, run_dir):
        self.run_dir = run_dir
        with open(os.path.join(run_dir, "index.json")) as f:
            self.entries = json.load(f)["tensors"]
        self._by_name = {e["tensor"]: e for e in self.entries}

    def tensor_names(self):
        return [e["tensor"] for e in self.entries]

    def get_tensor(self, name):
        if isinstance(name, Tensor):
            name = name.name
        entry = self._by_name[name]
        if entry["file"] is None:
            raise ValueError(f"'{name}' was not dumped: {entry['skipped']}")
        return np.load(os.path.join(self.run_dir, entry["file"]), allow_pickle=False)

    def find(self, predicate):
        """Entries, in execution order, whose tensor satisfies `predicate(entry, array)`."""
        return [e for e in self.entries
                if e["file"] is not None and predicate(e, self.get_tensor(e["tensor"]))]
