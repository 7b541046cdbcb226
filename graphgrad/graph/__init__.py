"""The graph IR: dtypes, shapes, Tensor, Operation, Graph, the op registry. No arrays here."""
