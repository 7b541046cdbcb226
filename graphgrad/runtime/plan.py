"""Compiles a (fetches, feeds, targets) signature into a pruned, ordered list of kernel steps."""
import heapq
from functools import partial

import numpy as np

from .. import errors
from ..graph.tensor import Tensor
from . import algebraic as _algebraic
from . import compiled_steps as _compiled_steps
from . import inplace as _inplace
from . import rewrite as _rewrite
from . import transfers as _transfers
from .backend import get_array_module, on_device
from .codegen import generate

# Ops with no kernel step: constants are preloaded, feeds written in, NoOps only order things.
_PRELOADED = ("Const",)
_NO_STEP = ("NoOp",)
# Ops whose output is a variable's buffer: as with TF's ref tensors, each consumer reads the value
# when it runs, so a read ordered after an assign (by a control dependency) sees the new value.
_REF_SOURCES = ("VariableV2",)


def _variable_read(t, fed):
    """The VariableV2 op whose buffer `t` aliases (the op itself, or an Identity of it), or None.

    TF1's `Variable/read` aliases the buffer, so `tf.identity(v)` under control_dependencies([v
    .assign(...)]) sees the assigned value; consumers re-read the variable when they run.
    """
    if t in fed:
        return None
    op = t.op
    if op.type == "Identity" and op.inputs[0] not in fed:
        op = op.inputs[0].op
    return op if op.type in _REF_SOURCES else None


def value_inputs(op):
    """The inputs whose values the op's kernel reads (not the variables it only writes)."""
    refs = op.opdef.ref_inputs
    if not refs:
        return op.inputs
    return tuple(t for i, t in enumerate(op.inputs) if i not in refs)


def needed_ops(fetch_tensors, target_ops, fed):
    """The ops the fetches and targets need, stopping at fed tensors."""
    seen = set()
    stack = [t.op for t in fetch_tensors if t not in fed] + list(target_ops)
    while stack:
        op = stack.pop()
        if op in seen:
            continue
        seen.add(op)
        stack.extend(t.op for t in value_inputs(op) if t not in fed and t.op not in seen)
        stack.extend(c for c in op.control_inputs if c not in seen)
    return seen


def schedule(ops):
    """Topological order; ops that write variables wait until nothing else is ready, so a fetched
    loss sees the weights from before the update (creation order breaks ties)."""
    pending = {}
    consumers = {}
    for op in ops:
        deps = {t.op for t in value_inputs(op) if t.op in ops}
        deps |= {c for c in op.control_inputs if c in ops}
        pending[op] = len(deps)
        for d in deps:
            consumers.setdefault(d, []).append(op)
    ready = [(op.opdef.writes, op._id, op) for op, n in pending.items() if n == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        _, _, op = heapq.heappop(ready)
        order.append(op)
        for c in consumers.get(op, ()):
            pending[c] -= 1
            if pending[c] == 0:
                heapq.heappush(ready, (c.opdef.writes, c._id, c))
    return order


def _missing_placeholders(ops, fed, fetches):
    missing = sorted((op for op in ops if op.type == "Placeholder" and op.outputs[0] not in fed),
                     key=lambda o: o._id)
    if not missing:
        return
    lines = []
    for op in missing:
        needer = _first_fetch_needing(op, fetches, fed)
        lines.append(f"  {errors.describe_tensor(op.outputs[0])}, which "
                     f"'{needer}' needs")
    first = missing[0].outputs[0]
    if len(missing) == 1:
        head = (f"You must feed a value for placeholder tensor '{first.op.name}' with dtype "
                f"{first.dtype.name} and shape {first.shape.short()}:")
    else:
        head = ("You must feed a value for placeholder tensors "
                + ", ".join(f"'{op.name}'" for op in missing) + ":")
    raise errors.InvalidArgumentError(
        None, missing[0],
        head + "\n" + "\n".join(lines) +
        "\nAdd it to feed_dict (for example feed_dict={" + missing[0].name + ": ...}), or use "
        "tf.placeholder_with_default for values such as keep_prob that have a natural default.")


def _first_fetch_needing(op, fetches, fed):
    for f in fetches:
        start = [f.op] if isinstance(f, Tensor) else [f]
        if op in needed_ops([], start, fed):
            return f.name
    return "?"


class Plan:
    """A compiled run: one generated Python function over local variables, a line per kernel
    step; feeds are its arguments, constants its globals, fetches its return value."""

    def __init__(self, state, xp, fetches, feeds, rewrites=None):
        self.fetches = fetches
        self.feeds = feeds
        self._store = state.variables
        self._owned = state.owned
        self.options = _rewrite.options(rewrites)
        self._state, self._xp = state, xp
        self._build(_compiled_steps.compile_at_build())

    def _build(self, compile_now, upgrade=False):
        """Compiles the plan; `compile_now`: with the compiled kernels (numba), else with NumPy's
        and, if the compiled ones would apply, a Tier that rebuilds the plan with them once it
        has run long enough to pay for their loading (runtime/compiled_steps.py)."""
        self._compile_now, self._tier = compile_now, None
        state, xp = self._state, self._xp
        feeds, fetches = self.feeds, self.fetches
        fed = set(feeds)
        fetch_tensors = [f for f in fetches if isinstance(f, Tensor)]
        targets = [f for f in fetches if not isinstance(f, Tensor)]
        ops = needed_ops(fetch_tensors, targets, fed)
        _missing_placeholders(ops, fed, fetches)
        self.order = schedule(ops)
        placer = getattr(state, "placer", None)
        placed = placer.place(self.order) if placer is not None else {}
        # A plan with nothing on a GPU is built exactly as before devices existed.
        self._placed = placed if any(d.is_gpu for d in placed.values()) else None
        slot, write = _slots(self.order, feeds, ops)
        template, steps = self._steps(slot, write, state, xp, fed, fetch_tensors)
        self.feed_slots = [slot[t] for t in feeds]
        fetch_slots = [slot[f] if isinstance(f, Tensor) else None for f in fetches]
        steps, alias = self._rewrite(steps, template, set(self.feed_slots), set(fetch_slots))
        self.fetch_slots = [None if s is None else _rewrite.resolve(alias, s)
                            for s in fetch_slots]
        if self._placed is not None:
            steps, self.fetch_slots = _transfers.insert(
                steps, template, self.feed_slots, self.fetch_slots, len(write) + len(feeds))
        if placer is not None and placer.log and not upgrade:
            placer.log_lines(self.order, self._ran_on or placed)
        # Two fetches of one value (x and identity(x)) must still be two arrays.
        seen = set()
        repeats = []
        for i, s in enumerate(self.fetch_slots):
            if s is not None and s in seen:
                repeats.append(i)
            seen.add(s)
        self._repeats = frozenset(repeats)
        self.template = template
        self.steps = steps
        self._var_keys = _store_keys(self.steps)
        self._checked = tuple(i for i, s in enumerate(self.fetch_slots) if s is not None)
        self._fn, self._code = generate(steps, template, self.feed_slots, self.fetch_slots)
        self._errstate = np.errstate

    def _steps(self, slot, write, state, xp, fed, fetch_tensors):
        template = {}
        steps = []
        position = {op: i for i, op in enumerate(self.order)}
        writers = _writers(self.order)
        devices = _transfers.Devices(self._placed, fed)
        self._ran_on = devices.ran_on
        for op in self.order:
            if op.type in _PRELOADED:
                if op.outputs[0] not in fed:
                    # Constants stay on the host; a GPU consumer gets a copy made at compile time.
                    template[slot[op.outputs[0]]] = _rewrite.frozen(
                        np.asarray(op.attrs["value"]))
                continue
            if op.type in _NO_STEP or op.type == "Placeholder":
                continue
            run = devices.run_device(op)
            if op.type in _REF_SOURCES and op.outputs[0] not in fetch_tensors:
                continue
            op_xp = xp if not run.is_gpu else get_array_module(run)
            fn = on_device(_bound_kernel(op, state, op_xp), run)
            ins = []
            for t in value_inputs(op):
                src = _variable_read(t, fed)
                # A read needs redoing only if a writer of its variable runs between the
                # read's own step and this consumer (TF's ref semantics, made cheap).
                if src is not None and (t.op.type in _REF_SOURCES or any(
                        position[t.op] < w < position[op] for w in writers.get(src, ()))):
                    home = devices.home(src)
                    read = _bound_kernel(src, state, xp if not home.is_gpu else
                                         get_array_module(home))
                    ins.append(("read", read, home) if self._placed else ("read", read))
                else:
                    ins.append(slot[t])
            step = _rewrite.Step(op, fn, ins, [write[t] for t in op.outputs])
            if op.type == "Identity" and not isinstance(ins[0], int):
                step.fn, step.ins = ins[0][1], []  # Variable/read: the read itself is the step
                step.tags.append("read")
            if self._placed is not None:
                devices.describe(step, run)
            steps.append(step)
        return template, steps

    def _rewrite(self, steps, template, fed, fetched):
        alias = {}
        opts = self.options
        fetched.discard(None)
        if opts["remove_identity"]:
            steps = _rewrite.remove_identity(steps, alias, fed)
        _resolve_inputs(steps, alias)
        if opts["constant_folding"]:
            steps = _rewrite.constant_folding(steps, template, fed)
        if opts["cse"]:
            steps = _rewrite.cse(steps, alias)
            _resolve_inputs(steps, alias)
        live = {_rewrite.resolve(alias, s) for s in fetched}  # the aliases are final from here
        if opts["fuse_softmax_grad"] and self._placed is None:  # a NumPy-only kernel
            steps = _rewrite.fuse_softmax_grad(steps, live)
        if opts["prune_dead"]:
            steps = _rewrite.prune_dead(steps, live)
        if opts["specialize_kernels"]:  # NumPy/BLAS kernels: for CPU steps only
            _rewrite.specialize_kernels(steps if self._placed is None else
                                        [st for st in steps if not _transfers.on_gpu(st)])
        if opts["shape_only_stand_ins"] and self._placed is None:  # NumPy stand-ins
            steps = _rewrite.shape_only_stand_ins(steps, live)
        if opts["log_softmax"] and self._placed is None:  # a NumPy kernel
            steps = _algebraic.log_softmax_rewrite(steps)
        if opts["shape_memo"]:
            steps = _rewrite.shape_memo(steps, template)
        if opts["inplace_updates"]:
            for st in _rewrite.inplace_updates(steps, live):
                st.fn = partial(st.fn, owned=self._owned)
                st.tags.append("inplace")
                if self._placed is None:
                    _rewrite.direct_update(st, opts["compiled_kernels"] and self._compile_now)
        if opts["gradient_buffers"] and self._placed is None:
            _rewrite.gradient_buffers(steps, live)
        if opts["inplace_elementwise"] and self._placed is None:  # NumPy `out=`
            _inplace.inplace_elementwise(steps, live)
        if opts["compiled_kernels"] and self._placed is None:  # numba loops over NumPy arrays
            if self._compile_now:
                steps = _compiled_steps.compiled_steps(steps, live)
            elif _compiled_steps.would_compile(steps, live):
                self._tier = _compiled_steps.Tier()
        return steps, alias

    def run(self, feed_arrays):
        """The fetched values (None for ops) given the feed arrays in `self.feeds` order."""
        if self._tier is not None and self._tier.due():
            self._upgrade()
        try:
            with self._errstate(all="ignore"):
                values = self._fn(*feed_arrays)
        except errors.FailedPreconditionError as e:
            raise self._with_all_uninitialized(e) from None
        except errors.OpError:
            raise
        except Exception as e:  # a kernel failed: say which op, where it was made, on what
            error = self._kernel_error(e)
            if error is e:
                raise
            # The cause keeps its message but not its NumPy frames: the op and the user's line
            # are what matter, and framework frames would bury them.
            raise error from e.with_traceback(None)
        if not self._checked:
            return values
        return self._hand_out(values, feed_arrays)

    def _upgrade(self):
        """Rebuilds the plan with the compiled kernels aside, then swaps it in with one
        assignment: a run in another thread sees the old plan or the new one, whole."""
        self._tier = None
        new = object.__new__(Plan)
        new.__dict__.update(self.__dict__)
        new._build(compile_now=True, upgrade=True)
        self.__dict__ = new.__dict__

    def _with_all_uninitialized(self, exc):
        """The error of the first uninitialized read, listing every variable this run needs that
        has no value yet, so one fix covers them all."""
        missing = [op for op in self.order if op.type == "VariableV2"
                   and op.name not in self._store]
        if len(missing) < 2:
            return exc
        names = "\n".join(f"  {errors.describe_op(op)}" for op in missing)
        return type(exc)(exc.node_def, exc.op, f"{exc.message}\nAll {len(missing)} "
                         f"uninitialized variables this run needs:\n{names}")

    def run_stepwise(self, feed_arrays, run_step):
        """As `run`, but one step at a time in Python, `run_step(step, args)` making each kernel
        call (`step.call(*args)`) and returning its result: the slow path that tracing and the
        debugger use, so that the generated code of ordinary runs carries no hooks."""
        values = dict(self.template)
        for s, a in zip(self.feed_slots, feed_arrays):
            values[s] = a
        try:
            with self._errstate(all="ignore"):
                for st in self.steps:
                    self._run_one(st, values, run_step)
        except errors.FailedPreconditionError as e:
            raise self._with_all_uninitialized(e) from None
        out = tuple(None if s is None else values[s] for s in self.fetch_slots)
        return self._hand_out(out, feed_arrays) if self._checked else out

    @staticmethod
    def _run_one(st, values, run_step):
        args = [values[i] if isinstance(i, int) else i[1]() for i in st.ins]
        try:
            result = run_step(st, args)
        except errors.OpError:
            raise
        except Exception as e:
            raise _kernel_error(st.op, args, e) from e.with_traceback(None)
        if len(st.outs) == 1:
            values[st.outs[0]] = result
        elif st.outs:
            for o, r in zip(st.outs, result):
                values[o] = r

    def _hand_out(self, values, feed_arrays):
        # TF hands back fresh arrays: a fetched variable buffer, fed array, cached constant or
        # view of one of them is copied (cached values are read-only, so the flags catch them).
        values = list(values)
        store = self._store
        for i in self._checked:
            v = values[i]
            if type(v) is not np.ndarray:
                continue
            flags = v.flags
            if not (flags.owndata and flags.writeable) or i in self._repeats:
                values[i] = v.copy()
                continue
            for k in self._var_keys:
                if store.get(k) is v:
                    values[i] = v.copy()
                    break
            else:
                for a in feed_arrays:
                    if a is v:
                        values[i] = v.copy()
                        break
        return values

    def _kernel_error(self, exc):
        tb = exc.__traceback__
        while tb is not None and tb.tb_frame.f_code is not self._code:
            tb = tb.tb_next
        if tb is None:
            return exc
        step = self.steps[tb.tb_lineno - 2]
        scope = tb.tb_frame.f_locals
        arrays = [scope.get(f"v{i}", self.template.get(i)) if isinstance(i, int) else None
                  for i in step.ins]
        return _kernel_error(step.op, arrays, exc)


def _slots(order, feeds, ops):
    slot = {}
    for t in feeds:
        slot[t] = len(slot)
    for op in order:
        for t in op.outputs:
            if t not in slot:
                slot[t] = len(slot)
    # An op that runs for another output must not overwrite a fed output: it writes elsewhere.
    write = dict(slot)
    size = len(slot)
    for t in feeds:
        if t.op in ops:
            write[t] = size
            size += 1
    return slot, write


def _writers(order):
    """For each VariableV2 op: the schedule positions of the ops that write it."""
    out = {}
    for i, op in enumerate(order):
        for r in op.opdef.ref_inputs:
            out.setdefault(op.inputs[r].op, []).append(i)
    return out


def _resolve_inputs(steps, alias):
    for st in steps:
        st.ins = [_rewrite.resolve(alias, i) if isinstance(i, int) else i for i in st.ins]


def _store_keys(steps):
    """Store keys of the variables the plan's kernels can hand out (read or written)."""
    keys = []
    for st in steps:
        fns = [st.fn] + [i[1] for i in st.ins if not isinstance(i, int)]
        for fn in fns:
            kw = getattr(fn, "keywords", None) or {}
            if "store" in kw:
                keys.extend([kw["var"]] if "var" in kw else list(kw.get("refs", ())))
    return tuple(dict.fromkeys(keys))


def _bound_kernel(op, state, xp):
    """The op's kernel with xp, its attrs and its per-session bindings filled in."""
    opdef = op.opdef
    attrs = {k: v for k, v in op.attrs.items() if not k.startswith("_")}
    if opdef.bind is not None:
        attrs.update(opdef.bind(op, state))
    return partial(opdef.kernel, xp, **attrs)


def _kernel_error(op, arrays, exc):
    shapes = ", ".join(f"{getattr(a, 'dtype', type(a).__name__)}"
                       f"{list(a.shape if hasattr(a, 'shape') else np.shape(a))}"
                       for a in arrays)
    # TF reports an allocation failure as OOM (ResourceExhausted), not as a bad argument.
    cls = errors.ResourceExhaustedError if isinstance(exc, MemoryError) \
        else errors.InvalidArgumentError
    return cls(
        None, op,
        f"{type(exc).__name__}: {exc}\n  in op {errors.describe_op(op)}{_gradient_of(op)}\n"
        f"  with inputs: {shapes}")


def _gradient_of(op):
    """' (gradient of 'MatMul' (MatMul, created at model.py:12))' for an op that tf.gradients
    built (autodiff records the forward op's name in its `_forward_op` attr), else ''."""
    name = op.attrs.get("_forward_op")
    if name is None:
        return ""
    try:
        forward = op.graph.get_operation_by_name(name)
    except (KeyError, ValueError):
        return f" (gradient of '{name}')"
    return f" (gradient of {errors.describe_op(forward)})"
