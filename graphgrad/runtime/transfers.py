"""Where each value of a plan with GPU steps lives, and the copy steps between host and device
memory: at feeds (host to device), fetches (device to host) and device boundaries, decided at
compile time. Constants are copied once, when the plan is compiled; variables stay on their
device across runs. Plans with no GPU step never come here.
"""
from . import backend, placement
from .backend import CPU
from .rewrite import Step, frozen


class Devices:
    """Per op of a plan being compiled: the device its kernel runs on and where its outputs
    live (`placed` is {op: Device} from the Placer, or None for an all-CPU plan)."""

    def __init__(self, placed, fed):
        self._placed = placed
        self._where = dict.fromkeys(fed, CPU)
        self._info = {}
        self.ran_on = {}

    def home(self, op):
        return self._placed.get(op, CPU) if self._placed else CPU

    def run_device(self, op):
        if self._placed is None:
            return CPU
        dev = self._placed.get(op, CPU)
        inputs = [self._where.get(t, CPU) for t in op.inputs]
        run, out, host_ins, any_input = dev, dev, placement.host_inputs(op), False
        if not dev.is_gpu:
            host_ins = ()
        elif op.type in placement.METADATA_OPS:
            run, out, any_input = CPU, CPU, True
        elif placement.host_int(op, inputs):
            run = out = CPU
        self._info[op] = (host_ins, any_input, out)
        self.ran_on[op] = dev if any_input else run
        for t in op.outputs:
            self._where[t] = out
        return run

    def describe(self, step, run):
        step.device = run
        step.host_ins, step.any_input, step.out_device = self._info.get(step.op, ((), False,
                                                                                   run))


def on_gpu(step):
    return getattr(step, "device", CPU).is_gpu


def _copied(read, copy):
    def read_and_copy():
        return copy(read())
    return read_and_copy


def insert(steps, template, feed_slots, fetch_slots, first_free):
    """Adds copy steps where a value's residence differs from what its consumer needs;
    returns (steps, fetch slots now holding host values). Copies of constants are made here,
    once, and join the template."""
    where = {s: backend.residence(v) for s, v in template.items()}
    used = [first_free, *template, *feed_slots]
    used += [i for st in steps for i in st.ins if isinstance(i, int)]
    used += [o for st in steps for o in st.outs]
    free = [max(used) + 1]
    copies = {}
    out = []

    def moved(slot, dev, op):
        key = (slot, dev)
        if key not in copies:
            new = free[0]
            free[0] += 1
            copy = backend.to_device(dev)
            if slot in template:
                template[new] = frozen(copy(template[slot]))
            else:
                st = Step(op, copy, [slot], [new])
                st.tags.append("transfer")
                st.device = dev
                out.append(st)
            where[new] = dev
            copies[key] = new
        return copies[key]

    for st in steps:
        dev = getattr(st, "device", CPU)
        if not getattr(st, "any_input", False):
            host = getattr(st, "host_ins", ())
            for j, src in enumerate(st.ins):
                need = CPU if (j in host or not dev.is_gpu) else dev
                if isinstance(src, int):
                    if where.get(src, CPU) != need:
                        st.ins[j] = moved(src, need, st.op)
                elif src[2] != need:
                    st.ins[j] = ("read", _copied(src[1], backend.to_device(need)), need)
        out.append(st)
        for o in st.outs:
            where[o] = getattr(st, "out_device", dev)
    producer = {o: st.op for st in out for o in st.outs}
    fetched = [s if s is None or where.get(s, CPU) == CPU else moved(s, CPU, producer.get(s))
               for s in fetch_slots]
    return out, fetched


class HostStore:
    """A session's variable store seen from the host: reads copy device values to NumPy,
    writes copy host values to the device their variable is placed on."""

    def __init__(self, store, placer):
        self._store = store
        self._placer = placer

    def __contains__(self, name):
        return name in self._store

    def __iter__(self):
        return iter(self._store)

    def __len__(self):
        return len(self._store)

    def keys(self):
        return self._store.keys()

    def get(self, name, default=None):
        return self[name] if name in self._store else default

    def __getitem__(self, name):
        return backend.to_host(self._store[name])

    def items(self):
        return [(k, self[k]) for k in self._store]

    def __setitem__(self, name, value):
        self._store[name] = backend.to_device(self._device(name))(value)

    def update(self, values):
        for name, value in dict(values).items():
            self[name] = value

    def _device(self, name):
        current = self._store.get(name)
        if current is not None:
            return backend.residence(current)
        try:
            return self._placer.device(self._placer.graph.get_operation_by_name(name))
        except (AttributeError, KeyError, ValueError):
            return CPU


class _HostView:
    """A GPU plan's step as the debugger sees it: `call` takes and returns host arrays."""

    def __init__(self, step):
        self._step = step

    def __getattr__(self, name):
        return getattr(self._step, name)

    def call(self, *args):
        st = self._step
        dev = getattr(st, "device", CPU)
        if dev.is_gpu and not getattr(st, "any_input", False):
            host = getattr(st, "host_ins", ())
            upload = backend.to_device(dev)
            args = [a if j in host else upload(a) for j, a in enumerate(args)]
        return backend.to_host(st.call(*args))


def host_observed(run_step):
    """`run_step(step, args)` for Plan.run_stepwise that shows a host-only observer (the
    debug wrappers) host arrays, and puts each result back where the plan keeps it."""
    def observed(step, args):
        if "transfer" in step.tags:  # not an op of the user's graph: the observer never sees it
            return step.call(*args)
        result = run_step(_HostView(step), [backend.to_host(a) for a in args])
        out = getattr(step, "out_device", getattr(step, "device", CPU))
        return backend.to_device(out)(result) if out.is_gpu else result
    return observed
