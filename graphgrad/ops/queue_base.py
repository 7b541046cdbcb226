"""The queue objects: FIFOQueue and RandomShuffleQueue build the queue ops of ops/queue_ops.py
(one Python object names the queue; each session holds its contents)."""
from .. import errors
from ..graph import dtypes as _dtypes
from ..graph.constant import convert_to_tensor
from ..graph.default import get_seed
from ..graph.graph import get_default_graph
from ..graph.shapes import TensorShape, as_shape


class QueueBase:
    """A queue of elements, each a tuple (or dict, with `names`) of tensors (TF1
    `tf.QueueBase`).

    Differs from TF: there is no `queue_ref` resource tensor; the ops name the queue directly.
    """

    _kind = "Queue"

    def __init__(self, capacity, dtypes, shapes=None, names=None, shared_name=None,
                 name="queue", min_after_dequeue=None, seed=None):
        single = not isinstance(dtypes, (list, tuple))
        self._dtypes = [_dtypes.as_dtype(d) for d in ([dtypes] if single else dtypes)]
        if shapes is None:
            self._shapes = [TensorShape(None)] * len(self._dtypes)
        else:
            # TF's rule: a TensorShape, or a list of ints/None, is the one shape of a one-component
            # queue; otherwise one shape per dtype.
            if isinstance(shapes, TensorShape) or all(
                    d is None or isinstance(d, int) for d in shapes):
                shapes = [shapes]
            if len(shapes) != len(self._dtypes):
                raise ValueError("Queue shapes must have the same length as dtypes")
            self._shapes = [as_shape(s) for s in shapes]
        self._names = list(names) if names is not None else None
        self._capacity = int(capacity)
        self._min_after_dequeue = min_after_dequeue
        self._seeds = get_seed(seed)
        graph = get_default_graph()
        self.name = graph.unique_name(name)
        # TF names a queue's ops after the last part of its name, in the scope they are made in.
        self._short = self.name.split("/")[-1]
        # shared_name makes two queue objects one queue, as in TF.
        self._key = shared_name or f"{self.name}#{id(self)}"

    dtypes = property(lambda self: list(self._dtypes))
    shapes = property(lambda self: list(self._shapes))
    names = property(lambda self: self._names)

    def _check(self, row, op):
        for a, s in zip(row, self._shapes):
            if not s.is_compatible_with(a.shape):
                raise errors.InvalidArgumentError(
                    None, op, f"Shape mismatch in tuple component: expected {s}, got "
                              f"{list(a.shape)} ({errors.describe_op(op)}).")

    def _components(self, vals, many):
        if isinstance(vals, dict):
            if self._names is None:
                raise ValueError("Queue must have names to enqueue a dictionary")
            vals = [vals[n] for n in self._names]
        elif not isinstance(vals, (list, tuple)):
            vals = [vals]
        if len(vals) != len(self._dtypes):
            raise ValueError(f"Expected {len(self._dtypes)} components to enqueue, got "
                             f"{len(vals)}.")
        tensors = [convert_to_tensor(v, dtype=t) for v, t in zip(vals, self._dtypes)]
        for t, s in zip(tensors, self._shapes):
            shape = t.shape[1:] if many and t.shape.ndims is not None else t.shape
            if not s.is_compatible_with(shape):
                raise ValueError(f"Shapes {t.shape} and {s} are incompatible for enqueue to "
                                 f"'{self.name}'.")
        return tensors

    def enqueue(self, vals, name=None):
        """The op adding one element; blocks while the queue is full."""
        from .queue_ops import ENQUEUE
        return ENQUEUE(*self._components(vals, False), many=False, _queue=self,
                       name=name or f"{self._short}_enqueue")

    def enqueue_many(self, vals, name=None):
        """The op adding the slices of `vals` along dimension 0 as elements."""
        from .queue_ops import ENQUEUE_MANY
        return ENQUEUE_MANY(*self._components(vals, True), many=True, _queue=self,
                            name=name or f"{self._short}_EnqueueMany")

    def _pack(self, out):
        out = out if isinstance(out, list) else [out]
        if self._names is not None:
            return dict(zip(self._names, out))
        return out[0] if len(out) == 1 else out

    def dequeue(self, name=None):
        """One element; blocks until there is one, OutOfRangeError once closed and empty."""
        from .queue_ops import DEQUEUE
        return self._pack(DEQUEUE(mode="one", _queue=self, name=name or f"{self._short}_Dequeue"))

    def dequeue_many(self, n, name=None):
        """`n` elements stacked along a new first dimension."""
        from .queue_ops import DEQUEUE_MANY
        n = convert_to_tensor(n, dtype=_dtypes.int32)
        return self._pack(DEQUEUE_MANY(n, mode="many", _queue=self,
                                       name=name or f"{self._short}_DequeueMany"))

    def dequeue_up_to(self, n, name=None):
        """Like dequeue_many, but a closed queue gives what it has left (at least one)."""
        from .queue_ops import DEQUEUE_UP_TO
        n = convert_to_tensor(n, dtype=_dtypes.int32)
        return self._pack(DEQUEUE_UP_TO(n, mode="up_to", _queue=self,
                                        name=name or f"{self._short}_DequeueUpTo"))

    def close(self, cancel_pending_enqueues=False, name=None):
        """The op closing the queue: later enqueues fail, dequeues drain what is left."""
        from .queue_ops import CLOSE
        return CLOSE(cancel_pending_enqueues=bool(cancel_pending_enqueues), _queue=self,
                     name=name or f"{self._short}_Close")

    def size(self, name=None):
        """The number of elements in the queue (int32 scalar)."""
        from .queue_ops import SIZE
        return SIZE(_queue=self, name=name or f"{self._short}_Size")


class FIFOQueue(QueueBase):
    """Elements come out in the order they went in (TF1 `tf.FIFOQueue`)."""

    _kind = "FIFOQueue"

    def __init__(self, capacity, dtypes, shapes=None, names=None, shared_name=None,
                 name="fifo_queue"):
        super().__init__(capacity, dtypes, shapes, names, shared_name, name)


class RandomShuffleQueue(QueueBase):
    """Dequeues a uniformly random element, keeping at least `min_after_dequeue` in the queue
    until it is closed (TF1 `tf.RandomShuffleQueue`)."""

    _kind = "RandomShuffleQueue"

    def __init__(self, capacity, min_after_dequeue, dtypes, shapes=None, names=None, seed=None,
                 shared_name=None, name="random_shuffle_queue"):
        if min_after_dequeue >= capacity:
            raise ValueError("capacity must be larger than min_after_dequeue")
        super().__init__(capacity, dtypes, shapes, names, shared_name, name,
                         min_after_dequeue=int(min_after_dequeue), seed=seed)


__all__ = ["QueueBase", "FIFOQueue", "RandomShuffleQueue"]
