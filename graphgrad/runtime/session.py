"""Session: owns variable values and random streams, caches one compiled Plan per signature."""
import threading
import warnings

import numpy as np

from ..graph import tensor as _tensor_module
from ..graph.graph import get_default_graph, pop_innermost
from . import rewrite as _rewrite
from . import threads as _threads
from .backend import get_array_module
from .feeds import convert_feed, fast_converter, feed_key
from .fetches import FetchStructure
from .placement import Placer
from .plan import Plan
from .transfers import HostStore, host_observed

# The debugger's plans run every op as written: no fused, folded, merged or skipped steps.
_NO_REWRITES = {name: False for name in _rewrite.ENABLED}
# A creation site that added ops before this many separate runs is building them in a loop.
_GROWTH_REPEATS = 3


class GraphGrowthWarning(UserWarning):
    """Ops keep being added to a graph between runs of a session on it (ops built inside the
    training loop): the graph, memory use and run time grow with every step."""


class SessionState:
    """What lives in a session between runs: variable values and per-op random generators."""

    def __init__(self, placer=None):
        self.placer = placer
        self.variables = {}
        # Variable buffers the optimizer kernels allocated themselves, so may update in place.
        self.owned = {}
        self._rngs = {}
        self._subplans = {}

    def generator(self, op):
        """The op's random stream; seeded ops restart it in every new session, as TF does."""
        if op.name not in self._rngs:
            seed = op.attrs.get("seed")
            seed2 = op.attrs.get("seed2")
            if seed is None and seed2 is None:
                self._rngs[op.name] = np.random.default_rng()
            else:
                self._rngs[op.name] = np.random.default_rng([seed or 0, seed2 or 0])
        return self._rngs[op.name]

    @property
    def host_variables(self):
        """The variable store as the host sees it (Saver, exports, `Variable.load`): values on
        a GPU are copied to NumPy when read and to their device when written."""
        if self.placer is None or not self.placer.gpus:
            return self.variables
        return HostStore(self.variables, self.placer)

    def compile(self, fetches, feeds):
        """`run(feed arrays) -> fetched values` for a cached sub-plan: the cond branches and
        loop bodies that If/While kernels run (bound through their `bind`)."""
        key = (tuple(fetches), tuple(feeds))
        if key not in self._subplans:
            self._subplans[key] = Plan(self, get_array_module(), list(fetches), list(feeds)).run
        return self._subplans[key]


class _SessionStack(threading.local):
    def __init__(self):
        self.stack = []


_default = _SessionStack()


def get_default_session():
    return _default.stack[-1] if _default.stack else None


def _session_for(session, what, method):
    session = session or get_default_session()
    if session is None:
        raise ValueError(f"Cannot {what} using `{method}()`: No default session is registered. "
                         "Use `with sess.as_default()` or pass an explicit session to "
                         f"`{method}(session=sess)`")
    return session


_tensor_module.find_session = _session_for


class _DefaultSession:
    def __init__(self, session):
        self._session = session

    def __enter__(self):
        _default.stack.append(self._session)
        return self._session

    def __exit__(self, *exc):
        pop_innermost(_default.stack, self._session)


class Session:
    """Runs parts of a graph (TF1 `tf.Session`)."""

    def __init__(self, target="", graph=None, config=None):
        self._graph = graph or get_default_graph()
        self._config = config
        self._state = SessionState(Placer(config, self._graph))
        self._plans = {}
        self._fast = {}
        self._converters = {}
        self._rewrites = _rewrite_options(config)
        _threads.configure(config)
        self._closed = False
        self._xp = get_array_module()
        self._context = None
        # Graph-growth detector: the graph version and op count at the last run, and how many
        # between-run growths each creation site took part in (None until the first run).
        self._seen_version = None
        self._seen_ops = 0
        self._growth = None

    graph = property(lambda self: self._graph)
    sess_str = property(lambda self: "")

    @property
    def graph_def(self):
        """The session's graph as a TensorFlow GraphDef message (`graph.as_graph_def()`).

        Differs from TF: needs the protobuf package (`pip install 'graphgrad[interop]'`);
        without it, ImportError, as for `tf.train.write_graph`, which needs it too.
        """
        return self._graph.as_graph_def()

    def as_default(self):
        return _DefaultSession(self)

    def __enter__(self):
        self._context = (self._graph.as_default(), self.as_default())
        for c in self._context:
            c.__enter__()
        return self

    def __exit__(self, *exc):
        for c in reversed(self._context):
            c.__exit__(*exc)
        self._context = None
        self.close()

    def close(self):
        self._closed = True
        self._plans.clear()
        self._fast.clear()

    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        """Computes `fetches` (a tensor, op, name or nested structure of them) given the feeds."""
        if self._closed:
            raise RuntimeError("Attempted to use a closed Session.")
        if self._graph._version != self._seen_version:
            self._graph_grew()
        # Fast path: a signature seen before, keyed on the fetch object and the feed keys.
        key = None
        if options is None and (feed_dict is None or type(feed_dict) is dict):
            try:
                key = (fetches if type(fetches) is not list else tuple(fetches),
                       tuple(feed_dict) if feed_dict else ())
                runner = self._fast.get(key)
            except TypeError:  # unhashable (a dict of fetches, nested lists): the general path
                key = runner = None
            if runner is not None:
                return runner(feed_dict)
        if feed_dict is not None and not isinstance(feed_dict, dict):
            raise TypeError(
                f"feed_dict must be a dict, got {type(feed_dict).__name__}. To fetch several "
                "values call sess.run([a, b]) with a list, not sess.run(a, b).")
        structure = FetchStructure(self._graph, fetches)
        feed_tensors, feed_arrays, order = self._feeds(feed_dict)
        plan = self._plan(structure.elements, feed_tensors)
        if getattr(options, "trace_level", 0) and run_metadata is not None:
            from .trace import traced_run
            values, run_metadata.step_stats = traced_run(plan, feed_arrays)
            return structure.build(values)
        result = structure.build(plan.run(feed_arrays))
        if key is not None and len(self._fast) < 4096:
            # order[p]: the feed_dict position of the plan's p-th feed.
            by_dict = [None] * len(order)
            for p, i in enumerate(order):
                by_dict[i] = feed_tensors[p]
            converters = [self._converter(t) for t in by_dict]
            self._fast[key] = _runner(plan.run, _builder(structure), converters, order)
        return result

    def _run_stepwise(self, fetches, feed_dict, run_step, extra=()):
        """The debugger's path: runs `fetches` and the `extra` tensors through a plan without
        rewrites, one Python call per op made by `run_step(step, args)` (see
        Plan.run_stepwise); returns (fetched structure, list of the extra tensors' values)."""
        if self._closed:
            raise RuntimeError("Attempted to use a closed Session.")
        if self._graph._version != self._seen_version:
            self._graph_grew()
        if feed_dict is not None and not isinstance(feed_dict, dict):
            raise TypeError(f"feed_dict must be a dict, got {type(feed_dict).__name__}.")
        structure = FetchStructure(self._graph, fetches)
        feed_tensors, feed_arrays, _ = self._feeds(feed_dict)
        elements = tuple(structure.elements) + tuple(extra)
        plan = self._plan(elements, feed_tensors, stepwise=True)
        if plan._placed is not None:  # the debugger sees host arrays, the kernels device ones
            run_step = host_observed(run_step)
        values = plan.run_stepwise(feed_arrays, run_step)
        n = len(structure.elements)
        return structure.build(list(values[:n])), list(values[n:])

    def _graph_grew(self):
        """Called when the graph changed since the last run: warns (once) when one creation
        site keeps adding ops between runs, the "ops built inside the training loop" leak."""
        graph = self._graph
        new_ops = graph._ops[self._seen_ops:]
        self._seen_version = graph._version
        self._seen_ops = len(graph._ops)
        if self._growth is None:  # ops built before the first run are the model, not a leak
            self._growth = {}
            return
        if self._growth is False:  # warned already
            return
        sites = {}  # site -> the last op made there (the user's call; the first is often a Const)
        for op in new_ops:
            if op.location:
                sites[op.location[:2]] = op
        for site, op in sites.items():
            count = self._growth.get(site, 0) + 1
            self._growth[site] = count
            if count >= _GROWTH_REPEATS:
                self._growth = False
                warnings.warn(_growth_message(len(new_ops), site, op, count),
                              GraphGrowthWarning, stacklevel=3)
                return

    def _plan(self, elements, feed_tensors, stepwise=False):
        """The cached plan for a signature; the debugger's (`stepwise`) has no rewrites."""
        key = (elements, feed_tensors, stepwise)
        plan = self._plans.get(key)
        if plan is None:
            plan = Plan(self._state, self._xp, list(elements), list(feed_tensors),
                        rewrites=_NO_REWRITES if stepwise else self._rewrites)
            self._plans[key] = plan
        return plan

    def _converter(self, tensor):
        """A feed check that costs one type, dtype and shape comparison once a value of that
        shape has passed the full check (`convert_feed`)."""
        conv = self._converters.get(tensor)
        if conv is None:
            conv = fast_converter(tensor)
            self._converters[tensor] = conv
        return conv

    def _feeds(self, feed_dict):
        if not feed_dict:
            return (), [], []
        items = []
        for i, (key, value) in enumerate(feed_dict.items()):
            tensor = feed_key(self._graph, key)
            items.append((tensor, convert_feed(tensor, value), i))
        items.sort(key=lambda kv: (kv[0].op._id, kv[0].value_index))
        return tuple(t for t, _, _ in items), [a for _, a, _ in items], [i for _, _, i in items]

    def make_callable(self, fetches, feed_list=None, accept_options=False):
        """A function of the feed values (in `feed_list` order) that runs one compiled plan:
        the session's cached plan for that signature (`call.plan`)."""
        structure = FetchStructure(self._graph, fetches)
        feeds = tuple(feed_key(self._graph, k) for k in (feed_list or ()))
        plan = self._plan(tuple(structure.elements), feeds)
        build = _builder(structure)
        converters = [fast_converter(t) for t in feeds]
        run = plan.run
        session = self

        def call(*values, **kwargs):
            if session._closed:
                raise RuntimeError("Attempted to use a closed Session.")
            if len(values) != len(converters):
                raise TypeError(f"This callable takes {len(converters)} feed values, got "
                                f"{len(values)}.")
            return build(run([c(v) for c, v in zip(converters, values)]))

        call.plan = plan
        return call


class InteractiveSession(Session):
    """A Session that installs itself as the default, for shells and notebooks."""

    def __init__(self, target="", graph=None, config=None):
        super().__init__(target, graph, config)
        # As in TF, both the session and its graph stay default until close().
        self._default = (self._graph.as_default(), self.as_default())
        for c in self._default:
            c.__enter__()

    def close(self):
        super().close()
        if self._default is not None:
            for c in reversed(self._default):
                c.__exit__(None, None, None)
        self._default = None


def _growth_message(count, site, op, repeats):
    return (f"{count} op(s) were added to the graph since the previous run of this Session, "
            f"among them '{op.name}' ({op.type}) created at {site[0]}:{site[1]}, which has "
            f"added ops before {repeats} separate runs. Building ops inside the training loop "
            "makes the graph, memory use and every run grow with each step. Create the ops once, "
            "before the loop, and feed changing values through placeholders; call "
            "tf.get_default_graph().finalize() before the loop to turn this into an error at "
            "the line that adds an op.")


def _builder(structure):
    """`values -> fetch result` without rebuilding the nesting for the common shapes."""
    elements = structure.elements
    template = structure._template
    if structure.scalars:  # 0-d values become NumPy scalars (bytes for strings)
        return structure.build
    if template == 0 and len(elements) == 1:
        return _first
    if isinstance(template, tuple) and template[0] is list and all(
            isinstance(t, int) for t in template[1]):
        return list
    return structure.build


def _runner(run, build, converters, order):
    """`feed_dict -> result` for one signature, specialised for zero, one or more feeds."""
    if not converters:
        def run_no_feeds(feed_dict):
            return build(run(()))
        return run_no_feeds
    if len(converters) == 1:
        convert = converters[0]

        def run_one_feed(feed_dict):
            for value in feed_dict.values():
                return build(run((convert(value),)))
        return run_one_feed

    def run_feeds(feed_dict):
        values = [c(v) for c, v in zip(converters, feed_dict.values())]
        return build(run([values[i] for i in order]))
    return run_feeds


def _first(values):
    return values[0]


def _rewrite_options(config):
    graph_options = getattr(config, "graph_options", None)
    return getattr(graph_options, "rewrite_options", None)
