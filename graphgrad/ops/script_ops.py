"""`py_func`: a Python/NumPy function as a graph op, with an optional graph-code gradient."""

__all__ = []
