"""The symbolic Tensor: one output of an Operation. Its operators are attached by ops/."""
from .shapes import as_shape

# runtime/session.py installs `find_session(session, what, method)` here, so that eval() and
# Operation.run() reach the default session without graph/ importing the runtime.
find_session = None


class Tensor:
    """A symbolic handle to one output of an op; its value exists only inside `Session.run`."""

    # NumPy defers `ndarray * tensor` to our __rmul__.
    __array_priority__ = 100

    def __init__(self, op, value_index, dtype, shape):
        self._op = op
        self._value_index = value_index
        self._dtype = dtype
        self._shape = as_shape(shape)
        self._consumers = []

    op = property(lambda self: self._op)
    value_index = property(lambda self: self._value_index)
    dtype = property(lambda self: self._dtype)
    graph = property(lambda self: self._op.graph)
    device = property(lambda self: self._op.device)

    @property
    def name(self):
        return f"{self._op.name}:{self._value_index}"

    @property
    def shape(self):
        return self._shape

    def get_shape(self):
        return self._shape

    def set_shape(self, shape):
        """Refines the static shape; raises ValueError if `shape` contradicts it."""
        self._shape = self._shape.merge_with(as_shape(shape))

    def consumers(self):
        return list(self._consumers)

    def eval(self, feed_dict=None, session=None):
        """Runs the default (or given) session to compute this tensor."""
        return find_session(session, "evaluate tensor", "eval").run(self, feed_dict)

    def _as_tensor(self):
        return self

    def __repr__(self):
        return f"<tf.Tensor '{self.name}' shape={self._shape} dtype={self._dtype.name}>"

    # TF1 graph tensors compare and hash by identity, so they can key dicts and sets (object's
    # own hash, as plans and Session.run's cache hash tensors on every run).
    __hash__ = object.__hash__
    __eq__ = object.__eq__

    def __bool__(self):
        raise TypeError(
            "Using a `tf.Tensor` as a Python `bool` is not allowed. Use `if t is not None:` "
            "instead of `if t:` to test if a tensor is defined, and use graph ops such as "
            "tf.cond to execute subgraphs conditioned on the value of a tensor.")

    def __iter__(self):
        dims = self._shape.as_tuple()
        if dims is None or not dims or dims[0] is None:
            raise TypeError(f"'Tensor' object is not iterable: {self.name} has shape {self._shape}"
                            "; use tf.unstack, or index it.")
        return iter([self[i] for i in range(dims[0])])

    def __len__(self):
        raise TypeError(f"len is not well defined for symbolic Tensors ({self.name}). "
                        "Please call `x.shape` rather than `len(x)` for shape information.")

    def __array__(self, dtype=None, copy=None):
        raise TypeError(f"Cannot convert a symbolic Tensor ({self.name}) to a numpy array; "
                        "run it with sess.run(tensor) to get its value.")
