"""Flattens nested fetches (lists, tuples, namedtuples, dicts) to graph elements and back."""


class FetchStructure:
    """`elements` is the flat tuple of Tensors/Operations; `build(values)` restores the nesting."""

    def __init__(self, graph, fetches):
        self._graph = graph
        elements = []
        self._template = self._flatten(fetches, elements)
        self.elements = tuple(elements)
        # TF hands a 0-d value back as a NumPy scalar (np.float32(2.0); `bytes` for tf.string),
        # not as a 0-d array: the tensors that may be 0-d (static rank 0 or unknown).
        self.scalars = tuple(i for i, e in enumerate(self.elements)
                             if getattr(e, "dtype", None) is not None
                             and e.shape.ndims in (0, None))

    def _flatten(self, fetch, out):
        if isinstance(fetch, dict):
            return (type(fetch), [(k, self._flatten(v, out)) for k, v in fetch.items()])
        if isinstance(fetch, tuple) and hasattr(fetch, "_fields"):
            return ("namedtuple", type(fetch), [self._flatten(v, out) for v in fetch])
        if isinstance(fetch, (list, tuple)):
            return (type(fetch), [self._flatten(v, out) for v in fetch])
        if fetch is None:
            raise TypeError("Fetch argument None has invalid type <class 'NoneType'>: a fetch "
                            "is None (a function that should return a tensor returned None?).")
        try:
            element = self._graph.as_graph_element(fetch)
        except TypeError:
            raise TypeError(f"Fetch argument {fetch!r} has invalid type {type(fetch)}, must be a "
                            "string or Tensor. (Can not convert a "
                            f"{type(fetch).__name__} into a Tensor or Operation.)") from None
        except (KeyError, ValueError) as e:
            raise ValueError(f"Fetch argument {fetch!r} cannot be interpreted as a Tensor. "
                             f"({e})") from None
        out.append(element)
        return len(out) - 1

    def build(self, values):
        if self.scalars:
            values = list(values)
            for i in self.scalars:
                if getattr(values[i], "ndim", None) == 0:
                    values[i] = values[i][()]
        return self._build(self._template, values)

    def _build(self, t, values):
        if isinstance(t, int):
            return values[t]
        if t[0] == "namedtuple":
            return t[1](*[self._build(v, values) for v in t[2]])
        kind, items = t
        if issubclass(kind, dict):
            return kind((k, self._build(v, values)) for k, v in items)
        return kind(self._build(v, values) for v in items)


