"""`tf.data.Iterator` and its ops. Each session keeps its own iterator positions: MakeIterator
starts a pass (reading the pipeline's captured tensors), IteratorGetNext advances it and raises
OutOfRangeError("End of sequence") at the end, as TF does."""
import itertools
import threading
import weakref

from .. import errors
from ..graph.graph import get_default_graph
from ..graph.registry import register_op
from ..graph.shapes import TensorShape, as_shape
from ..graph.tensor import Tensor
from ..runtime.plan import Plan
from .structure import cast_exact, flatten, pack

_NAMES = itertools.count()
# Session state -> {resource key: value}: iterator positions and compiled map functions.
_RESOURCES = weakref.WeakKeyDictionary()


def _resources(state):
    res = _RESOURCES.get(state)
    if res is None:
        res = _RESOURCES.setdefault(state, {})
    return res


class _Context:
    """What a pass over a dataset needs: captured values, the session, the op to blame."""

    def __init__(self, values, state, xp, op):
        self.values = values
        self.state = state
        self.xp = xp
        self.op = op
        self.cache = {}
        self._counts = {}

    def value(self, x):
        return self.values[x] if isinstance(x, Tensor) else x

    def count(self, node):
        """How many passes `node` has started in this iteration (its epoch)."""
        n = self._counts.get(id(node), 0)
        self._counts[id(node)] = n + 1
        return n

    def error(self, cls, message):
        return cls(None, self.op, f"{message}\n  in the input pipeline of iterator "
                                  f"{errors.describe_op(self.op)}")

    def plan(self, key, fetches, feeds):
        plans = _resources(self.state)
        plan = plans.get(("plan", id(key)))
        if plan is None:
            plan = Plan(self.state, self.xp, list(fetches), list(feeds))
            plans[("plan", id(key))] = plan
        return plan


class _Position:
    """One session's pass over a dataset."""

    def __init__(self, dataset, arrays, state, xp, op):
        values = {}
        for t, a in zip(dataset._captures(), arrays):
            values[t] = a
        self._items = dataset._iterate(_Context(values, state, xp, op))
        self._lock = threading.Lock()

    def next(self):
        with self._lock:
            return next(self._items, None)


def _bind(op, state):
    return {"state": state, "op": op}


def _make_iterator_kernel(xp, *captured, shared_name, state, op):
    dataset = op.attrs["_dataset"]
    _resources(state)[shared_name] = _Position(dataset, captured, state, xp, op)


def _get_next_kernel(xp, *captured, shared_name, state, op):
    res = _resources(state)
    position = res.get(shared_name)
    if position is None:
        dataset = op.attrs.get("_dataset")
        if dataset is None:
            raise errors.FailedPreconditionError(
                None, op, "GetNext() failed because the iterator has not been initialized. "
                          "Ensure that you have run the initializer operation for this iterator "
                          f"before getting the next element ({errors.describe_op(op)}): "
                          "sess.run(iterator.initializer).")
        position = res.setdefault(shared_name, _Position(dataset, captured, state, xp, op))
    item = position.next()
    if item is None:
        raise errors.OutOfRangeError(None, op, "End of sequence")
    arrays = [xp.asarray(cast_exact(a, t)) for a, t in zip(item, op.attrs["_types"])]
    return arrays[0] if len(arrays) == 1 else tuple(arrays)


MAKE_ITERATOR = register_op(
    "MakeIterator", shape=lambda *inputs, **attrs: [], kernel=_make_iterator_kernel,
    num_outputs=0, same_dtype=False, stateful=True, bind=_bind, differentiable=False)
ITERATOR_GET_NEXT = register_op(
    "IteratorGetNext", shape=lambda *inputs, _shapes, **attrs: list(_shapes),
    kernel=_get_next_kernel, dtype=lambda inputs, attrs: list(attrs["_types"]),
    num_outputs=lambda attrs: len(attrs["_types"]), same_dtype=False, stateful=True,
    bind=_bind, differentiable=False)


class Iterator:
    """Reads the elements of a Dataset into the graph (TF1 `tf.data.Iterator`).

    Differs from TF: no feedable iterators (`string_handle`, `from_string_handle`), and a graph
    holding iterator ops cannot be exported to a meta graph (the pipeline is Python).
    """

    def __init__(self, structure, types, shapes, shared_name, dataset=None, initializer=None):
        self._structure = structure
        self._types = list(types)
        self._shapes = list(shapes)
        self._shared_name = shared_name
        self._one_shot = dataset
        self._initializer = initializer

    @classmethod
    def _one_shot(cls, dataset):
        return cls(dataset._structure, dataset._types, dataset._shapes,
                   f"OneShotIterator_{next(_NAMES)}", dataset=dataset)

    @classmethod
    def _initializable(cls, dataset, shared_name=None):
        it = cls(dataset._structure, dataset._types, dataset._shapes,
                 shared_name or f"Iterator_{next(_NAMES)}")
        it._initializer = it.make_initializer(dataset)
        return it

    @staticmethod
    def from_structure(output_types, output_shapes=None, shared_name=None, output_classes=None):
        """An iterator not bound to a dataset: `make_initializer(dataset)` gives the ops that
        start it on datasets of this structure (one iterator for training and test data)."""
        from ..graph import dtypes
        types = [dtypes.as_dtype(t) for t in flatten(output_types)]
        if output_shapes is None:
            shapes = [TensorShape(None)] * len(types)
        else:
            from .nodes import _shape_leaves
            shapes = [as_shape(s) for s in flatten(_shape_leaves(output_shapes))]
        structure = pack(output_types, [None] * len(types))
        return Iterator(structure, types, shapes, shared_name or f"Iterator_{next(_NAMES)}")

    @property
    def initializer(self):
        if self._initializer is None:
            raise ValueError("Iterator does not have an initializer: a one-shot iterator starts "
                             "itself, and one from Iterator.from_structure is started by the op "
                             "`iterator.make_initializer(dataset)`.")
        return self._initializer

    def make_initializer(self, dataset, name=None):
        """The op that (re)starts this iterator on `dataset`."""
        if [t.name for t in dataset._types] != [t.name for t in self._types]:
            raise TypeError(f"Expected output types {self.output_types} but got dataset with "
                            f"output types {dataset.output_types}.")
        for mine, theirs in zip(self._shapes, dataset._shapes):
            if not mine.is_compatible_with(theirs):
                raise TypeError(f"Expected output shapes compatible with {self.output_shapes} "
                                f"but got dataset with output shapes {dataset.output_shapes}.")
        with get_default_graph().control_dependencies(None):
            return MAKE_ITERATOR(*dataset._captures(), name=name or "MakeIterator",
                                 shared_name=self._shared_name, _dataset=dataset)

    def get_next(self, name=None):
        """The next element's tensors; running them past the end raises OutOfRangeError."""
        captures = self._one_shot._captures() if self._one_shot is not None else []
        attrs = {"shared_name": self._shared_name, "_types": self._types,
                 "_shapes": self._shapes}
        if self._one_shot is not None:
            attrs["_dataset"] = self._one_shot
        with get_default_graph().control_dependencies(None):
            out = ITERATOR_GET_NEXT(*captures, name=name or "IteratorGetNext", **attrs)
        out = out if isinstance(out, list) else [out]
        return pack(self._structure, out)

    output_types = property(lambda self: pack(self._structure, self._types))
    output_shapes = property(lambda self: pack(self._structure, self._shapes))

    @property
    def output_classes(self):
        return pack(self._structure, [Tensor] * len(self._types))


def make_one_shot_iterator(dataset):
    """`dataset.make_one_shot_iterator()` (TF 1.13+ `tf.data.make_one_shot_iterator`)."""
    return dataset.make_one_shot_iterator()


def make_initializable_iterator(dataset, shared_name=None):
    """`dataset.make_initializable_iterator()` (TF 1.13+ spelling)."""
    return dataset.make_initializable_iterator(shared_name)


def get_output_types(dataset_or_iterator):
    return dataset_or_iterator.output_types


def get_output_shapes(dataset_or_iterator):
    return dataset_or_iterator.output_shapes
