"""Dataset.batch and padded_batch: consecutive elements stacked along a new first dimension."""
import numpy as np

from .. import errors
from ..graph.constant import constant_value
from ..graph.shapes import TensorShape, as_shape
from .nodes import _scalar, _shape_leaves, _Unary
from .structure import as_tensor, flatten, is_tensor


class Batch(_Unary):
    def __init__(self, dataset, batch_size, drop_remainder, padded_shapes=None,
                 padding_values=None):
        self._batch_size = _scalar(batch_size)
        self._drop = bool(drop_remainder)
        self._padded = None
        inner = dataset._shapes
        if padded_shapes is not None:
            self._padded = [as_shape(s) for s in flatten(_shape_leaves(padded_shapes))]
            inner = [TensorShape([None if d in (None, -1) else d for d in s.as_list()])
                     for s in self._padded]
            values = flatten(padding_values) if padding_values is not None else [0] * len(inner)
            self._padding = [np.asarray(_constant(v), dtype=t.np)
                             for v, t in zip(values, dataset._types)]
        lead = self._batch_size if self._drop and isinstance(self._batch_size, int) else None
        shapes = [TensorShape([lead]).concatenate(s) for s in inner]
        super().__init__(dataset, captures=[self._batch_size], shapes=shapes)

    def _iterate(self, ctx):
        size = int(ctx.value(self._batch_size))
        if size <= 0:
            raise ctx.error(errors.InvalidArgumentError,
                            f"Batch size must be greater than zero, got {size}.")
        batch = []
        for item in self._input._iterate(ctx):
            batch.append(item)
            if len(batch) == size:
                yield self._stack(ctx, batch)
                batch = []
        if batch and not self._drop:
            yield self._stack(ctx, batch)

    def _stack(self, ctx, batch):
        out = []
        for c in range(len(batch[0])):
            parts = [np.asarray(item[c]) for item in batch]
            if self._padded is not None:
                parts = self._pad(ctx, c, parts)
            first = parts[0].shape
            for i, p in enumerate(parts):
                if p.shape != first:
                    raise ctx.error(errors.InvalidArgumentError, "Cannot batch tensors with "
                                    f"different shapes in component {c}. First element had shape"
                                    f" {list(first)} and element {i} had shape {list(p.shape)}.")
            out.append(np.stack(parts))
        return out

    def _pad(self, ctx, c, parts):
        target = self._padded[c].as_list()
        longest = [max(p.shape[d] for p in parts) for d in range(len(target))]
        shape = [longest[d] if t in (None, -1) else t for d, t in enumerate(target)]
        padded = []
        for p in parts:
            if p.ndim != len(shape) or any(a > b for a, b in zip(p.shape, shape)):
                raise ctx.error(errors.InvalidArgumentError, f"Attempted to pad to a smaller "
                                f"size than the input element: {list(p.shape)} vs {shape}.")
            full = np.full(shape, self._padding[c], dtype=p.dtype)
            full[tuple(slice(0, n) for n in p.shape)] = p
            padded.append(full)
        return padded


def _constant(value):
    if not is_tensor(value):
        return value
    known = constant_value(as_tensor(value))
    if known is None:
        raise ValueError(f"padding_values must be constants, got {value!r}.")
    return known
