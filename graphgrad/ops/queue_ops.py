"""Queues (TF 1.0-1.3 input pipelines): FIFOQueue and RandomShuffleQueue. Each session holds its
own queue contents; enqueue and dequeue ops block (on real threads) until there is room or data,
and a closed queue ends its readers with OutOfRangeError, as in TF."""
import threading
import weakref
from collections import deque

import numpy as np

from .. import errors
from ..graph import dtypes as _dtypes
from ..graph.constant import constant_value
from ..graph.registry import register_op
from ..graph.shapes import TensorShape

_LOCK = threading.Lock()
_STATES = weakref.WeakKeyDictionary()  # session state -> {queue key: _QueueState}


class _QueueState:
    """One session's queue: its elements (lists of arrays) and the condition threads wait on."""

    def __init__(self, queue):
        self.items = deque() if queue._min_after_dequeue is None else []
        self.closed = False
        self.cond = threading.Condition()
        self.queue = queue
        self.session = None  # a weakref to the Session, set by the queue runners using it
        seed, seed2 = queue._seeds
        self.rng = (np.random.default_rng() if seed is None
                    else np.random.default_rng([seed, seed2]))


def _queue_state(state, queue):
    with _LOCK:
        per_session = _STATES.setdefault(state, {})
        qs = per_session.get(queue._key)
        if qs is None:
            qs = per_session[queue._key] = _QueueState(queue)
        return qs


def watch_session(session, queue):
    """Lets ops blocked on `queue` in `session` end with CancelledError once it is closed, as
    TF cancels them (the queue runners' threads would otherwise wait forever)."""
    _queue_state(session._state, queue).session = weakref.ref(session)


def _wait(qs, op):
    qs.cond.wait(0.05)
    session = qs.session() if qs.session is not None else None
    if session is not None and session._closed:
        raise errors.CancelledError(None, op, f"Session closed while {errors.describe_op(op)} "
                                              "was waiting on its queue.")


def _bind(op, state):
    return {"qs": _queue_state(state, op.attrs["_queue"]), "op": op}


def _enqueue_kernel(xp, *components, many, qs, op, **_):
    queue = qs.queue
    arrays = [np.array(c) for c in components]  # the queue keeps its own copy, as TF does
    # a[k, ...] keeps each element an array (iterating a tf.string array yields bare bytes).
    rows = [[a[k, ...] for a in arrays] for k in range(min(len(a) for a in arrays))] \
        if many else [arrays]
    if many and len({a.shape[0] for a in arrays}) > 1:
        raise errors.InvalidArgumentError(None, op, "Shape mismatch in tuple component: "
                                          "enqueue_many needs one leading dimension.")
    for row in rows:
        queue._check(row, op)
    with qs.cond:
        for row in rows:
            while len(qs.items) >= queue._capacity and not qs.closed:
                _wait(qs, op)
            if qs.closed:
                raise errors.CancelledError(None, op, f"{queue._kind} '{queue.name}' is closed "
                                            f"({errors.describe_op(op)}).")
            qs.items.append(row)
            qs.cond.notify_all()


def _take(qs):
    if isinstance(qs.items, deque):
        return qs.items.popleft()
    i = int(qs.rng.integers(len(qs.items)))
    qs.items[i], qs.items[-1] = qs.items[-1], qs.items[i]
    return qs.items.pop()


def _dequeue_kernel(xp, *n, mode, qs, op, **_):
    queue = qs.queue
    count = 1 if mode == "one" else int(n[0])
    floor = queue._min_after_dequeue or 0
    with qs.cond:
        while not qs.closed and len(qs.items) < count + floor:
            _wait(qs, op)
        if qs.closed and (len(qs.items) < count if mode != "up_to" else not qs.items):
            raise errors.OutOfRangeError(
                None, op, f"{queue._kind} '{queue.name}' is closed and has insufficient elements "
                          f"(requested {count}, current size {len(qs.items)})")
        rows = [_take(qs) for _ in range(min(count, len(qs.items)))]
        qs.cond.notify_all()
    if mode == "one":
        out = [xp.asarray(a) for a in rows[0]]
    else:
        out = [xp.asarray(np.stack([r[c] for r in rows]) if rows else
                          np.zeros((0,) + tuple(s.as_list()), dtype=t.np))
               for c, (t, s) in enumerate(zip(queue._dtypes, queue._shapes))]
    return out[0] if len(out) == 1 else tuple(out)


def _close_kernel(xp, cancel_pending_enqueues, qs, op):
    with qs.cond:
        qs.closed = True
        qs.cond.notify_all()


def _size_kernel(xp, qs, op):
    with qs.cond:
        return xp.asarray(len(qs.items), dtype=np.int32)


def _register(op_type, kernel, **kw):
    return register_op(op_type, kernel=kernel, same_dtype=False, stateful=True, bind=_bind,
                       differentiable=False, **kw)


def _no_outputs(*inputs, **attrs):
    return []


def _out_shapes(*inputs, mode, _queue, **attrs):
    if mode == "one":
        return list(_queue._shapes)
    n = constant_value(inputs[0]) if mode == "many" else None
    lead = TensorShape([None if n is None else int(n)])
    return [lead.concatenate(s) for s in _queue._shapes]


def _out_dtypes(inputs, attrs):
    return list(attrs["_queue"]._dtypes)


ENQUEUE = _register("QueueEnqueueV2", _enqueue_kernel, shape=_no_outputs, num_outputs=0)
ENQUEUE_MANY = _register("QueueEnqueueManyV2", _enqueue_kernel, shape=_no_outputs,
                         num_outputs=0)
DEQUEUE = _register("QueueDequeueV2", _dequeue_kernel, shape=_out_shapes, dtype=_out_dtypes,
                    num_outputs=lambda attrs: len(attrs["_queue"]._dtypes))
DEQUEUE_MANY = _register("QueueDequeueManyV2", _dequeue_kernel, shape=_out_shapes,
                         dtype=_out_dtypes, num_outputs=lambda attrs: len(attrs["_queue"]._dtypes))
DEQUEUE_UP_TO = _register("QueueDequeueUpToV2", _dequeue_kernel, shape=_out_shapes,
                          dtype=_out_dtypes,
                          num_outputs=lambda attrs: len(attrs["_queue"]._dtypes))
CLOSE = _register("QueueCloseV2", _close_kernel, shape=_no_outputs, num_outputs=0)
SIZE = _register("QueueSizeV2", _size_kernel, shape=lambda **attrs: TensorShape([]),
                 dtype=_dtypes.int32)


def _epoch_bind(op, state):
    with _LOCK:
        counters = _STATES.setdefault(state, {})
    return {"counters": counters, "op": op}


def _limit_epochs_kernel(xp, x, num_epochs, counters, op):
    with _LOCK:
        key = ("epochs", op.name)
        n = counters.get(key, 0)
        if n >= num_epochs:
            raise errors.OutOfRangeError(None, op, f"Reached limit of {num_epochs}")
        counters[key] = n + 1
    return x


LIMIT_EPOCHS = register_op("LimitEpochs", shape=lambda x, **attrs: x.shape,
                           kernel=_limit_epochs_kernel, stateful=True, bind=_epoch_bind,
                           differentiable=False)


def limit_epochs(tensor, num_epochs=None, name=None):
    """`tensor`, which can be computed `num_epochs` times; after that it raises OutOfRangeError
    (None: no limit) (TF1 `tf.train.limit_epochs`).

    Differs from TF: the count lives in the session, not in a local variable, so it needs no
    `tf.local_variables_initializer()` (running one anyway is harmless).
    """
    if num_epochs is None:
        return tensor
    if num_epochs <= 0:
        raise ValueError(f"num_epochs must be > 0 not {num_epochs}.")
    return LIMIT_EPOCHS(tensor, num_epochs=int(num_epochs), name=name or "limit_epochs")


from .queue_base import QueueBase, FIFOQueue, RandomShuffleQueue  # noqa: E402,F401,I001

__all__ = ["QueueBase", "FIFOQueue", "RandomShuffleQueue"]
