"""The Dataset nodes: each knows its element structure and how to iterate its elements as flat
lists of NumPy arrays, given the iteration context (captured values, session, iterator op)."""
import itertools

import numpy as np

from .. import errors
from ..graph import dtypes
from ..graph.constant import constant_value
from ..graph.default import get_seed
from ..graph.shapes import TensorShape, as_shape
from .dataset import Dataset, as_dtypes, structure_of
from .structure import as_tensor, cast_exact, flatten, is_tensor, leaf_spec, pack
from .tracing import TracedFunction


def _scalar(x):
    """A Python value, or a tensor's constant value, or the tensor itself (read at start)."""
    if is_tensor(x):
        value = constant_value(as_tensor(x))
        return as_tensor(x) if value is None else int(value)
    return int(x)


class TensorSlices(Dataset):
    def __init__(self, tensors):
        structure, self._leaves = structure_of(tensors)
        specs = [leaf_spec(leaf) for leaf in self._leaves]
        first = TensorShape(None)
        for _, shape in specs:
            if shape.ndims == 0:
                raise ValueError("Unbatching a tensor is only supported for rank >= 1")
            if shape.ndims is not None:
                first = first.merge_with(shape[:1])  # ValueError when the sizes differ
        shapes = [TensorShape(None) if s.ndims is None else s[1:] for _, s in specs]
        super().__init__(structure, [t for t, _ in specs], shapes, captures=self._leaves)

    def _iterate(self, ctx):
        arrays = [ctx.value(leaf) for leaf in self._leaves]
        sizes = {a.shape[0] for a in arrays}
        if len(sizes) > 1:
            raise ctx.error(errors.InvalidArgumentError, "Expected all component tensors to "
                            f"have the same size in dimension 0, got {sorted(sizes)}.")
        for i in range(arrays[0].shape[0]):
            yield [a[i] for a in arrays]


class Tensors(Dataset):
    def __init__(self, tensors):
        structure, self._leaves = structure_of(tensors)
        specs = [leaf_spec(leaf) for leaf in self._leaves]
        super().__init__(structure, [t for t, _ in specs], [s for _, s in specs],
                         captures=self._leaves)

    def _iterate(self, ctx):
        yield [ctx.value(leaf) for leaf in self._leaves]


class Range(Dataset):
    def __init__(self, *args):
        if not 1 <= len(args) <= 3:
            raise ValueError("Dataset.range takes 1 to 3 arguments: [start,] stop[, step].")
        self._args = [_scalar(a) for a in args]
        super().__init__(None, [dtypes.int64], [TensorShape([])], captures=self._args)

    def _iterate(self, ctx):
        args = [int(ctx.value(a)) for a in self._args]
        if len(args) == 3 and args[2] == 0:
            raise ctx.error(errors.InvalidArgumentError, "step must be a non-zero integer.")
        for v in range(*args):
            yield [np.int64(v)]


class Generator(Dataset):
    def __init__(self, generator, output_types, output_shapes, args):
        structure = output_types
        types = as_dtypes(flatten(output_types))
        if output_shapes is None:
            shapes = [TensorShape(None)] * len(types)
        else:
            shapes = [as_shape(s) for s in flatten(_shape_leaves(output_shapes))]
        self._generator = generator
        self._args = tuple(args or ())
        super().__init__(pack(structure, [None] * len(types)), types, shapes)

    def _iterate(self, ctx):
        for item in self._generator(*self._args):
            leaves = flatten(item)
            if len(leaves) != len(self._types):
                raise ctx.error(errors.InvalidArgumentError, "`generator` yielded an element "
                                f"of {len(leaves)} components where {len(self._types)} were "
                                "expected by output_types.")
            arrays = [cast_exact(v, t) for v, t in zip(leaves, self._types)]
            for a, s in zip(arrays, self._shapes):
                if not s.is_compatible_with(a.shape):
                    raise ctx.error(errors.InvalidArgumentError, "`generator` yielded an "
                                    f"element of shape {list(a.shape)} where an element of "
                                    f"shape {s} was expected.")
            yield arrays


def _shape_leaves(shapes):
    """output_shapes with each shape a leaf (TensorShape, list or tuple of dims)."""
    if isinstance(shapes, dict):
        return {k: _shape_leaves(v) for k, v in shapes.items()}
    if isinstance(shapes, tuple) and any(isinstance(s, (tuple, list, dict, TensorShape))
                                         for s in shapes):
        return tuple(_shape_leaves(s) for s in shapes)
    return TensorShape(shapes)


class Zip(Dataset):
    def __init__(self, datasets):
        parts = flatten(datasets)
        for d in parts:
            if not isinstance(d, Dataset):
                raise TypeError(f"Dataset.zip takes a nested structure of Datasets, got {d!r}.")
        structure = pack(datasets, [d._structure for d in parts])
        super().__init__(structure, [t for d in parts for t in d._types],
                         [s for d in parts for s in d._shapes], inputs=parts)

    def _iterate(self, ctx):
        for items in zip(*[d._iterate(ctx) for d in self._inputs]):
            yield [a for item in items for a in item]


class Concatenate(Dataset):
    def __init__(self, first, second):
        if first._types != second._types:
            raise TypeError(f"Datasets to concatenate have different types {first.output_types}"
                            f" and {second.output_types}")
        shapes = [_common_shape(a, b) for a, b in zip(first._shapes, second._shapes)]
        super().__init__(first._structure, first._types, shapes, inputs=(first, second))

    def _iterate(self, ctx):
        return itertools.chain(self._inputs[0]._iterate(ctx), self._inputs[1]._iterate(ctx))


def _common_shape(a, b):
    if a.ndims is None or b.ndims is None or a.ndims != b.ndims:
        return TensorShape(None)
    return TensorShape([x if x == y else None for x, y in zip(a.as_list(), b.as_list())])


class _Unary(Dataset):
    """A transformation of one input that keeps its element structure."""

    def __init__(self, dataset, captures=(), shapes=None):
        super().__init__(dataset._structure, dataset._types,
                         dataset._shapes if shapes is None else shapes,
                         inputs=(dataset,), captures=captures)
        self._input = dataset


class Identity(_Unary):
    def _iterate(self, ctx):
        return self._input._iterate(ctx)


class Take(_Unary):
    def __init__(self, dataset, count):
        self._count = _scalar(count)
        super().__init__(dataset, captures=[self._count])

    def _iterate(self, ctx):
        count = int(ctx.value(self._count))
        it = self._input._iterate(ctx)
        return it if count < 0 else itertools.islice(it, count)


class Skip(_Unary):
    def __init__(self, dataset, count):
        self._count = _scalar(count)
        super().__init__(dataset, captures=[self._count])

    def _iterate(self, ctx):
        count = int(ctx.value(self._count))
        it = self._input._iterate(ctx)
        if count < 0:
            return iter(())
        return itertools.islice(it, count, None)


class Repeat(_Unary):
    def __init__(self, dataset, count):
        self._count = -1 if count is None else _scalar(count)
        super().__init__(dataset, captures=[self._count])

    def _iterate(self, ctx):
        count = int(ctx.value(self._count))
        epoch = 0
        while count < 0 or epoch < count:
            produced = False
            for item in self._input._iterate(ctx):
                produced = True
                yield item
            epoch += 1
            if not produced:  # TF also stops repeating an empty input rather than spin
                return


class Cache(_Unary):
    def _iterate(self, ctx):
        cached = ctx.cache.get(id(self))
        if cached is not None:
            yield from cached
            return
        items = []
        for item in self._input._iterate(ctx):
            items.append(item)
            yield item
        ctx.cache[id(self)] = items


class Shuffle(_Unary):
    def __init__(self, dataset, buffer_size, seed, reshuffle_each_iteration):
        self._buffer_size = _scalar(buffer_size)
        self._seeds = get_seed(seed)
        self._reshuffle = reshuffle_each_iteration
        super().__init__(dataset, captures=[self._buffer_size])

    def _rng(self, ctx):
        # Each pass (each epoch under repeat) draws a new order when reshuffling; the sequence of
        # orders restarts with every iterator initialization and every session, as in TF.
        epoch = ctx.count(self)
        seed, seed2 = self._seeds
        if seed is None:
            return np.random.default_rng()
        return np.random.default_rng([seed, seed2, epoch if self._reshuffle else 0])

    def _iterate(self, ctx):
        size = int(ctx.value(self._buffer_size))
        if size <= 0:
            raise ctx.error(errors.InvalidArgumentError,
                            f"buffer_size must be greater than zero, got {size}.")
        rng = self._rng(ctx)
        source = self._input._iterate(ctx)
        buffer = list(itertools.islice(source, size))
        while buffer:
            i = int(rng.integers(len(buffer)))
            item = buffer[i]
            nxt = next(source, None)
            if nxt is None:
                buffer[i] = buffer[-1]
                buffer.pop()
            else:
                buffer[i] = nxt
            yield item


class Map(Dataset):
    def __init__(self, dataset, fn):
        self._fn = TracedFunction(fn, dataset, "MapDataset")
        super().__init__(self._fn.structure, self._fn.types, self._fn.shapes, inputs=(dataset,))

    def _iterate(self, ctx):
        for item in self._inputs[0]._iterate(ctx):
            yield self._fn(ctx, item)


class Filter(_Unary):
    def __init__(self, dataset, predicate):
        self._fn = TracedFunction(predicate, dataset, "FilterDataset")
        out = self._fn.outputs
        if len(out) != 1 or out[0].dtype != dtypes.bool or out[0].shape.ndims not in (0, None):
            raise ValueError("`predicate` must return a scalar boolean tensor, got "
                             f"{[(t.dtype.name, str(t.shape)) for t in out]}.")
        super().__init__(dataset)

    def _iterate(self, ctx):
        for item in self._input._iterate(ctx):
            if bool(self._fn(ctx, item)[0]):
                yield item


from .batching import Batch  # noqa: E402,F401 - re-exported for Dataset.batch
