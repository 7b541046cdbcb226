"""TF 1.0-1.3 queue-based input: producers that fill a queue with (shuffled) epochs of input,
and `batch`/`shuffle_batch`, which queue single examples and dequeue them in batches. Each adds
a QueueRunner to the graph; `tf.train.start_queue_runners` runs them."""
from ..graph import dtypes
from ..graph.constant import convert_to_tensor
from ..graph.default import name_scope
from ..graph.shapes import TensorShape
from ..ops.indexing_ops import gather
from ..ops.queue_base import FIFOQueue, RandomShuffleQueue
from ..ops.queue_ops import limit_epochs
from ..ops.random_ops import random_shuffle
from ..ops.sequence_ops import range as _range
from .queue_runner import QueueRunner, add_queue_runner


def input_producer(input_tensor, element_shape=None, num_epochs=None, shuffle=True, seed=None,
                   capacity=32, shared_name=None, summary_name=None, name=None,
                   cancel_op=None):
    """A FIFOQueue fed with the rows of `input_tensor`, one (shuffled) epoch per enqueue, until
    `num_epochs` epochs (None: forever)."""
    with name_scope(name, "input_producer", [input_tensor]):
        input_tensor = convert_to_tensor(input_tensor)
        shape = input_tensor.shape[1:] if element_shape is None else TensorShape(element_shape)
        if shuffle:
            input_tensor = random_shuffle(input_tensor, seed=seed)
        input_tensor = limit_epochs(input_tensor, num_epochs)
        queue = FIFOQueue(capacity, [input_tensor.dtype], [shape], shared_name=shared_name)
        enqueue = queue.enqueue_many([input_tensor])
        add_queue_runner(QueueRunner(queue, [enqueue], cancel_op=cancel_op))
        return queue


def range_input_producer(limit, num_epochs=None, shuffle=True, seed=None, capacity=32,
                         shared_name=None, name=None):
    """A queue of the integers 0 .. limit-1, epoch after epoch."""
    with name_scope(name, "input_producer", [limit]):
        return input_producer(_range(limit), [], num_epochs, shuffle, seed, capacity,
                              shared_name)


def string_input_producer(string_tensor, num_epochs=None, shuffle=True, seed=None, capacity=32,
                          shared_name=None, name=None, cancel_op=None):
    """A queue of the strings (file names) in `string_tensor`, epoch after epoch."""
    string_tensor = convert_to_tensor(string_tensor, dtype=dtypes.string)
    return input_producer(string_tensor, [], num_epochs, shuffle, seed, capacity, shared_name,
                          name=name or "input_producer", cancel_op=cancel_op)


def slice_input_producer(tensor_list, num_epochs=None, shuffle=True, seed=None, capacity=32,
                         shared_name=None, name=None):
    """One row of each tensor in `tensor_list` per run (the same row index for all), going
    through the rows epoch after epoch."""
    with name_scope(name, "input_producer", tensor_list):
        tensors = [convert_to_tensor(t) for t in tensor_list]
        if not tensors:
            raise ValueError("Expected at least one tensor in slice_input_producer().")
        dims = tensors[0].shape.as_list() if tensors[0].shape.ndims else [None]
        size = dims[0]
        if size is None:
            from ..ops.shape_ops import shape as _shape
            size = _shape(tensors[0])[0]
        queue = range_input_producer(size, num_epochs, shuffle, seed, capacity, shared_name)
        index = queue.dequeue()
        return [gather(t, index) for t in tensors]


def _flatten(tensors):
    if isinstance(tensors, dict):
        keys = sorted(tensors)
        return [tensors[k] for k in keys], lambda out: dict(zip(keys, out))
    if isinstance(tensors, (list, tuple)):
        return list(tensors), lambda out: type(tensors)(out) if isinstance(tensors, tuple) else out
    return [tensors], lambda out: out[0]


def _queue_shapes(tensors, shapes, enqueue_many):
    if shapes is not None:
        return [TensorShape(s) for s in shapes]
    out = [t.shape[1:] if enqueue_many else t.shape for t in tensors]
    for t, s in zip(tensors, out):
        if not s.is_fully_defined():
            raise ValueError(f"All shapes must be fully defined: {[str(s) for s in out]} "
                             f"('{t.name}'); pass shapes= or call set_shape on the tensor.")
    return out


def _batch(queue_fn, tensors, batch_size, num_threads, enqueue_many, shapes,
           allow_smaller_final_batch, name, default_name):
    flat, repack = _flatten(tensors)
    with name_scope(name, default_name, [t for t in flat if hasattr(t, "graph")]):
        flat = [convert_to_tensor(t) for t in flat]
        queue = queue_fn([t.dtype for t in flat], _queue_shapes(flat, shapes, enqueue_many))
        enqueue = queue.enqueue_many(flat) if enqueue_many else queue.enqueue(flat)
        add_queue_runner(QueueRunner(queue, [enqueue] * num_threads))
        if allow_smaller_final_batch:
            out = queue.dequeue_up_to(batch_size)
        else:
            out = queue.dequeue_many(batch_size)
        return repack(out if isinstance(out, list) else [out])


def batch(tensors, batch_size, num_threads=1, capacity=32, enqueue_many=False, shapes=None,
          dynamic_pad=False, allow_smaller_final_batch=False, shared_name=None, name=None):
    """Batches of `batch_size` examples, in the order `num_threads` threads queued them.

    Differs from TF: `dynamic_pad=True` is not supported (use tf.data's padded_batch)."""
    if dynamic_pad:
        raise NotImplementedError("graphgrad's tf.train.batch does not support dynamic_pad; "
                                  "use tf.data.Dataset.padded_batch.")
    return _batch(lambda dts, shp: FIFOQueue(capacity, dts, shp, shared_name=shared_name),
                  tensors, batch_size, num_threads, enqueue_many, shapes,
                  allow_smaller_final_batch, name, "batch")


def shuffle_batch(tensors, batch_size, capacity, min_after_dequeue, num_threads=1, seed=None,
                  enqueue_many=False, shapes=None, allow_smaller_final_batch=False,
                  shared_name=None, name=None):
    """Batches of `batch_size` examples drawn at random from a queue holding at least
    `min_after_dequeue` of them (until the input ends)."""
    return _batch(lambda dts, shp: RandomShuffleQueue(capacity, min_after_dequeue, dts, shp,
                                                      seed=seed, shared_name=shared_name),
                  tensors, batch_size, num_threads, enqueue_many, shapes,
                  allow_smaller_final_batch, name, "shuffle_batch")


__all__ = ["input_producer", "range_input_producer", "string_input_producer",
           "slice_input_producer", "batch", "shuffle_batch", "limit_epochs"]
