"""`tf.data.Dataset`: a Python description of an input pipeline. Nothing runs when it is built;
an iterator op evaluates it in the session, one element per `get_next()` run."""
from ..graph import dtypes
from ..graph.tensor import Tensor
from .structure import flatten, pack, source_leaf


class Dataset:
    """A sequence of elements, each a nested structure of tensors (TF1 `tf.data.Dataset`).

    Differs from TF: the pipeline runs in Python inside the iterator op (map and filter
    functions are graph code run per element by the session); there is no parallelism, so
    `num_parallel_calls` and `prefetch` only keep the program valid.
    """

    def __init__(self, structure, types, shapes, inputs=(), captures=()):
        self._structure = structure
        self._types = list(types)
        self._shapes = list(shapes)
        self._inputs = tuple(inputs)
        self._own_captures = [c for c in captures if isinstance(c, Tensor)]

    def _captures(self):
        """Tensors the pipeline reads, evaluated when an iterator over it starts."""
        out = list(self._own_captures)
        for d in self._inputs:
            out.extend(c for c in d._captures() if c not in out)
        return out

    def _iterate(self, ctx):
        raise NotImplementedError

    # -- structure ---------------------------------------------------------------------------
    @property
    def output_types(self):
        return pack(self._structure, self._types)

    @property
    def output_shapes(self):
        return pack(self._structure, self._shapes)

    @property
    def output_classes(self):
        return pack(self._structure, [Tensor] * len(self._types))

    def __iter__(self):
        raise RuntimeError("dataset.__iter__() is only supported when eager execution is enabled."
                           " In graph mode use dataset.make_one_shot_iterator().get_next().")

    def __repr__(self):
        return (f"<{type(self).__name__} shapes: {self.output_shapes}, "
                f"types: {self.output_types}>")

    # -- sources -----------------------------------------------------------------------------
    @staticmethod
    def from_tensor_slices(tensors):
        """Elements are the slices of `tensors` (nested) along their first dimension."""
        return _nodes.TensorSlices(tensors)

    @staticmethod
    def from_tensors(tensors):
        """A dataset of one element: `tensors`."""
        return _nodes.Tensors(tensors)

    @staticmethod
    def range(*args):
        """int64 scalars as Python's range(start, stop, step)."""
        return _nodes.Range(*args)

    @staticmethod
    def zip(datasets):
        """Elements are tuples (or dicts) of the elements of `datasets`, until one ends."""
        return _nodes.Zip(datasets)

    @staticmethod
    def from_generator(generator, output_types, output_shapes=None, args=None):
        """Elements are what `generator()` yields, cast to `output_types`."""
        return _nodes.Generator(generator, output_types, output_shapes, args)

    # -- transformations ---------------------------------------------------------------------
    def batch(self, batch_size, drop_remainder=False):
        """Stacks `batch_size` consecutive elements; the last batch may be smaller."""
        return _nodes.Batch(self, batch_size, drop_remainder)

    def padded_batch(self, batch_size, padded_shapes, padding_values=None,
                     drop_remainder=False):
        """Batches elements of different shapes, padding each up to `padded_shapes` (None or -1
        dims pad to the longest in the batch) with `padding_values` (default 0)."""
        return _nodes.Batch(self, batch_size, drop_remainder, padded_shapes, padding_values)

    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration=True):
        """Samples uniformly from a buffer of `buffer_size` elements, refilled from the input."""
        return _nodes.Shuffle(self, buffer_size, seed, reshuffle_each_iteration)

    def repeat(self, count=None):
        """The input `count` times (None or -1: forever)."""
        return _nodes.Repeat(self, count)

    def map(self, map_func, num_parallel_calls=None):
        """Applies `map_func` (graph code on the element's tensors) to each element."""
        return _nodes.Map(self, map_func)

    def filter(self, predicate):
        """The elements for which `predicate` (a scalar tf.bool tensor) is True."""
        return _nodes.Filter(self, predicate)

    def take(self, count):
        """The first `count` elements (-1: all)."""
        return _nodes.Take(self, count)

    def skip(self, count):
        """All but the first `count` elements (-1: none)."""
        return _nodes.Skip(self, count)

    def concatenate(self, dataset):
        """This dataset's elements, then `dataset`'s."""
        return _nodes.Concatenate(self, dataset)

    def prefetch(self, buffer_size):
        """The same elements (TF overlaps producing them with their use; here nothing runs
        ahead)."""
        return _nodes.Identity(self)

    def cache(self, filename=""):
        """The same elements, produced once and replayed on later passes (in memory)."""
        return _nodes.Cache(self)

    def apply(self, transformation_func):
        """`transformation_func(self)`, for transformations written as functions."""
        return transformation_func(self)

    # -- iterators ---------------------------------------------------------------------------
    def make_one_shot_iterator(self):
        """An iterator that starts on first use and cannot be re-initialized."""
        from .iterator import Iterator
        return Iterator._one_shot(self)

    def make_initializable_iterator(self, shared_name=None):
        """An iterator that must be started (and can be restarted) by running `.initializer`."""
        from .iterator import Iterator
        return Iterator._initializable(self, shared_name)


def structure_of(tensors):
    """(template, leaves) of a source: leaves converted by `source_leaf`."""
    leaves = [source_leaf(v) for v in flatten(tensors)]
    return pack(tensors, [None] * len(leaves)), leaves


def as_dtypes(types):
    return [dtypes.as_dtype(t) for t in types]


from . import nodes as _nodes  # noqa: E402 - the nodes subclass Dataset
