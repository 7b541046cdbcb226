"""MatMul (batched, with broadcast batch dims) and tensordot; re-exported by math_ops."""
import numpy as np

from ..autodiff.sum_to_shape import sum_to_shape
from ..graph.constant import constant_value, convert_to_tensor
from ..graph.default import name_scope
from ..graph.registry import register_op
from ..graph.shapes import TensorShape, broadcast_dims
from ..graph.tensor import Tensor
from .math_ops import NUMERIC, dtype_rule
from .shape_ops import reshape, shape


def _matmul_shape(a, b, transpose_a, transpose_b):
    da, db = a.shape.as_tuple(), b.shape.as_tuple()
    for dims in (da, db):
        if dims is not None and len(dims) < 2:
            raise ValueError(f"Shape must be at least rank 2 but is rank {len(dims)}")
    if da is None or db is None:
        return TensorShape(None)
    m, k = (da[-1], da[-2]) if transpose_a else (da[-2], da[-1])
    k2, n = (db[-1], db[-2]) if transpose_b else (db[-2], db[-1])
    if k is not None and k2 is not None and k != k2:
        raise ValueError(f"Dimensions must be equal, but are {k} and {k2}")
    return TensorShape(broadcast_dims(da[:-2], db[:-2]) + (m, n))


def _t(xp, x, flag):
    return xp.swapaxes(x, -1, -2) if flag else x


def _matmul_kernel(xp, a, b, transpose_a, transpose_b):
    return xp.matmul(_t(xp, a, transpose_a), _t(xp, b, transpose_b))


def _matmul_grad(op, grad):
    a, b = op.inputs
    ta, tb = op.attrs["transpose_a"], op.attrs["transpose_b"]
    if not ta and not tb:
        ga, gb = matmul(grad, b, transpose_b=True), matmul(a, grad, transpose_a=True)
    elif not ta and tb:
        ga, gb = matmul(grad, b), matmul(grad, a, transpose_a=True)
    elif ta and not tb:
        ga, gb = matmul(b, grad, transpose_b=True), matmul(a, grad)
    else:
        ga, gb = (matmul(b, grad, transpose_a=True, transpose_b=True),
                  matmul(grad, a, transpose_a=True, transpose_b=True))
    # Broadcast batch dims: sum the gradient over the batch dims an input did not have.
    return [sum_to_shape(ga, a), sum_to_shape(gb, b)]


MATMUL = register_op("MatMul", shape=_matmul_shape, kernel=_matmul_kernel, grad=_matmul_grad,
                     dtype=dtype_rule("MatMul", NUMERIC))


def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False,
           a_is_sparse=False, b_is_sparse=False, name=None):
    """a @ b over the last two dims; leading (batch) dims broadcast (TF1 `tf.matmul`).

    Differs from TF: adjoint_* equal transpose_* (no complex conjugation); the sparsity hints
    are ignored.
    """
    with name_scope(name, "MatMul", [a, b]) as scope:
        return MATMUL(a, b, transpose_a=bool(transpose_a or adjoint_a),
                      transpose_b=bool(transpose_b or adjoint_b), name=scope)


def _contraction_axes(a, b, axes):
    ra, rb = a.shape.ndims, b.shape.ndims
    if ra is None or rb is None:
        raise ValueError("tensordot needs inputs of known rank.")
    if isinstance(axes, Tensor):
        value = constant_value(axes)
        if value is None:
            raise ValueError("graphgrad needs tensordot's `axes` known when the graph is built.")
        axes = value.tolist()
    if isinstance(axes, (int, np.integer)):
        if axes < 0:
            raise ValueError("'axes' must be at least 0.")
        if axes > ra or axes > rb:
            raise ValueError(f"'axes' must not be larger than the number of dimensions of "
                             f"tensor (got {axes} for ranks {ra} and {rb}).")
        return list(range(ra - axes, ra)), list(range(axes))
    if len(axes) != 2:
        raise ValueError(f"'axes' must be an integer or have length 2, got {axes!r}.")
    a_axes, b_axes = [[int(i) for i in np.atleast_1d(ax)] for ax in axes]
    if len(a_axes) != len(b_axes):
        raise ValueError(f"Different number of contraction axes 'a' and 'b', "
                         f"{len(a_axes)} != {len(b_axes)}.")
    return [i % ra for i in a_axes], [i % rb for i in b_axes]


def _dims(t, axes):
    """The sizes of `t` along `axes`: ints where known statically, else scalar tensors."""
    static = t.shape.as_tuple()
    dynamic = None
    out = []
    for i in axes:
        if static[i] is not None:
            out.append(static[i])
        else:
            dynamic = shape(t) if dynamic is None else dynamic
            out.append(dynamic[i])
    return out


def _product(dims):
    if all(isinstance(d, int) for d in dims):
        return int(np.prod(dims)) if dims else 1
    from .array_ops import stack
    from .reduction_ops import reduce_prod
    return reduce_prod(stack(dims))


def _as_matrix(t, rows, cols):
    """`t` with dims `rows` then `cols` (a transpose if needed), flattened to 2-D."""
    from .array_ops import transpose
    perm = rows + cols
    moved = t if perm == list(range(len(perm))) else transpose(t, perm)
    return reshape(moved, [_product(_dims(t, rows)), _product(_dims(t, cols))])


def tensordot(a, b, axes, name=None):
    """Sum of products of a and b over `axes` (TF1 `tf.tensordot`): an int N contracts the last
    N dims of a with the first N of b; a pair of lists names the dims to contract."""
    with name_scope(name, "Tensordot", [a, b]) as scope:
        a = convert_to_tensor(a, name="a")
        b = convert_to_tensor(b, name="b", preferred_dtype=a.dtype)
        a_axes, b_axes = _contraction_axes(a, b, axes)
        for i, j in zip(a_axes, b_axes):
            da, db = a.shape.as_tuple()[i], b.shape.as_tuple()[j]
            if da is not None and db is not None and da != db:
                raise ValueError(f"tensordot: dim {i} of a ({da}) does not match dim {j} of b "
                                 f"({db}).")
        a_free = [i for i in range(a.shape.ndims) if i not in a_axes]
        b_free = [i for i in range(b.shape.ndims) if i not in b_axes]
        product = MATMUL(_as_matrix(a, a_free, a_axes), _as_matrix(b, b_axes, b_free),
                         transpose_a=False, transpose_b=False)
        out_dims = _dims(a, a_free) + _dims(b, b_free)
        if not all(isinstance(d, int) for d in out_dims):
            from .array_ops import stack
            out_dims = stack(out_dims)
        return reshape(product, out_dims, name=scope)


__all__ = ["matmul", "tensordot"]
