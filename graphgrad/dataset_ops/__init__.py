"""tf.data's machinery: Dataset graphs evaluated in Python per session, the iterator ops that
hand their elements to the graph. The public namespace is graphgrad/data/__init__.py."""
# The nodes first, whichever module of this package loads first: nodes.py ends by importing
# batching.py, which subclasses the nodes.
from . import nodes  # noqa: E402,F401
