"""Rows for the array families: ops/array_ops.py, shape_ops.py, indexing_ops.py, manip_ops.py
and sequence_ops.py."""
import numpy as np

import graphgrad as tf
from graphgrad.ops.indexing_ops import STRIDED_SLICE_GRAD
from graphgrad.ops.manip_ops import MIRROR_PAD_GRAD
from graphgrad.ops.shape_ops import reduced_shape, sum_to

from .harness import Case

X = (-2.0, 2.0)
SHAPE_ONLY = [((3, 4),), ((0, 2),), ((),), ((2, 1, 3),)]


def _ints(low, high, dtype=np.int32):
    """A domain of integers in [low, high): indices that repeat, lengths, shapes."""
    return lambda rng, shape, _dtype: rng.integers(low, high, size=shape).astype(dtype)


def _scatter_ref(indices, updates, shape):
    out = np.zeros(shape, updates.dtype)
    np.add.at(out, tuple(np.moveaxis(indices, -1, 0)), updates)
    return out


def _sum_to_ref(g, shape):
    lead = g.ndim - len(shape)
    g = g.sum(axis=tuple(range(lead)))
    axes = tuple(i for i, d in enumerate(shape) if d == 1 and g.shape[i] != 1)
    return g.sum(axis=axes, keepdims=True).reshape(shape)


def _pad_adjoint(g, pads, mode):
    """The transpose of np.pad's linear map applied to g, through basis vectors."""
    shape = tuple(d - a - b for d, (a, b) in zip(g.shape, pads))
    out = np.zeros(shape, g.dtype)
    for k in np.ndindex(*shape):
        e = np.zeros(shape)
        e[k] = 1
        out[k] = np.sum(np.pad(e, pads, mode=mode) * g)
    return out


def _reverse_sequence_ref(x, lengths, seq_axis, batch_axis):
    out = np.array(x)
    for b, n in enumerate(lengths):
        key = [slice(None)] * x.ndim
        key[batch_axis], key[seq_axis] = b, slice(0, n)
        out[tuple(key)] = x[tuple(key)][::-1]
    return out


def _slice_grad_ref(dy):
    out = np.zeros((4, 5), dy.dtype)
    out[1:, ::-2] = dy
    return out


ARRAY_CASES = [
    # --- array_ops ---
    Case("Identity", tf.identity, lambda x: x, [((3, 4),), ((0,),), ((),)]),
    Case("StopGradient", tf.stop_gradient, lambda x: x, [((3, 4),), ((0,),), ((),)], order=0),
    Case("PlaceholderWithDefault", lambda x: tf.placeholder_with_default(x, x.shape),
         lambda x: x, [((3, 4),), ((0, 2),), ((),)]),
    Case("Fill", lambda x, v: tf.fill(tf.shape(x), v), lambda x, v: np.full(x.shape, v),
         [((3, 1, 2), ()), ((0, 4), ()), ((), ())], grad=(1,)),
    Case("ZerosLike", tf.zeros_like, np.zeros_like, SHAPE_ONLY, order=0),
    Case("OnesLike", lambda x: tf.ones_like(x, dtype=tf.int32),
         lambda x: np.ones(x.shape, np.int32), SHAPE_ONLY, order=0, name="OnesLike-int32"),
    Case("Pack", lambda x, y: tf.stack([x, y, x], axis=-1), lambda x, y: np.stack([x, y, x], -1),
         [((3, 4), (3, 4)), ((0, 2), (0, 2)), ((), ()), ((1,), (1,))]),
    Case("Unpack", lambda x: tf.unstack(x, num=2, axis=1)[1], lambda x: x[:, 1],
         [((3, 2),), ((0, 2, 3),), ((1, 2),)]),
    Case("ConcatV2", lambda x, y: tf.concat([x, y], 1), lambda x, y: np.concatenate([x, y], 1),
         [((3, 2), (3, 4)), ((2, 0, 3), (2, 1, 3)), ((1, 1), (1, 0))]),
    Case("ConcatV2", lambda x, y, z: tf.concat([x, y, z], -1),
         lambda x, y, z: np.concatenate([x, y, z], -1), [((2,), (3,), (1,)), ((0,), (2,), (0,))],
         name="ConcatV2-three-1d"),
    Case("Split", lambda x: tf.split(x, 3, axis=1)[2], lambda x: np.split(x, 3, axis=1)[2],
         [((2, 6),), ((0, 3),), ((4, 3, 1),)]),
    Case("SplitV", lambda x: tf.split(x, [1, -1, 2], axis=0)[1], lambda x: x[1:-2],
         [((5, 3),), ((3, 0),), ((4,),)]),
    Case("Transpose", lambda x: tf.transpose(x, [2, 0, 1]), lambda x: x.transpose(2, 0, 1),
         [((2, 3, 4),), ((0, 1, 3),)]),
    Case("Transpose", tf.transpose, np.transpose, [((3, 4),), ((),), ((2, 1, 3),)],
         name="Transpose-default-perm"),
    # --- shape_ops ---
    Case("Shape", tf.shape, lambda x: np.array(x.shape, np.int32), SHAPE_ONLY, order=0),
    Case("ShapeN", lambda x, y: tf.shape_n([x, y])[1], lambda x, y: np.array(y.shape, np.int32),
         [((3, 4), (2,)), ((), (0, 5))], order=0),
    Case("Size", lambda x: tf.size(x, out_type=tf.int64), lambda x: np.int64(x.size), SHAPE_ONLY,
         order=0),
    Case("Rank", tf.rank, lambda x: np.int32(x.ndim), SHAPE_ONLY, order=0),
    Case("Reshape", lambda x: tf.reshape(x, [-1, 2]), lambda x: x.reshape(-1, 2),
         [((3, 4),), ((0, 6),), ((2, 1),)]),
    Case("Reshape", lambda x, y: tf.reshape(x, tf.shape(y)), lambda x, y: x.reshape(y.shape),
         [((6,), (2, 3)), ((), (1, 1)), ((0, 3), (3, 0))], grad=(0,), name="Reshape-dynamic"),
    Case("ExpandDims", lambda x: tf.expand_dims(x, -1), lambda x: x[..., None],
         [((3, 4),), ((0,),), ((),)]),
    Case("ExpandDims", lambda x: tf.expand_dims(x, dim=1), lambda x: x[:, None],
         [((3, 4),), ((2,),)], name="ExpandDims-dim"),
    Case("Squeeze", tf.squeeze, np.squeeze, [((3, 1, 4, 1),), ((1,),), ((1, 0),)]),
    Case("Squeeze", lambda x: tf.squeeze(x, squeeze_dims=[0]), lambda x: x[0],
         [((1, 3),), ((1, 0),), ((1, 1),)], name="Squeeze-axis"),
    Case("BroadcastTo", lambda x: tf.broadcast_to(x, [2, 3, 4]),
         lambda x: np.broadcast_to(x, (2, 3, 4)), [((3, 1),), ((4,),), ((),), ((1, 1, 4),)]),
    Case("BroadcastTo", lambda x: tf.broadcast_to(x, [0, 3]), lambda x: np.broadcast_to(x, (0, 3)),
         [((1, 3),), ((),)], name="BroadcastTo-empty"),
    Case("SumToShape", lambda g: sum_to(g, [3, 1]), lambda g: _sum_to_ref(g, (3, 1)),
         [((2, 3, 4),), ((3, 1),), ((3, 0),)]),
    Case("ReducedShape", lambda s: reduced_shape(s, (1,)),
         lambda s: np.where(np.arange(s.size) == 1, 1, s).astype(s.dtype),
         [((3,),), ((2,),)], domain=[_ints(0, 6)], order=0, dtypes=("float64",)),
    Case("ReducedShape", lambda s: reduced_shape(s, None), lambda s: np.ones_like(s),
         [((3,),), ((0,),)], domain=[_ints(0, 6)], order=0, dtypes=("float64",),
         name="ReducedShape-all"),
    # --- indexing_ops ---
    Case("StridedSlice", lambda x: x[1:, ::-2], lambda x: x[1:, ::-2],
         [((4, 5),), ((0, 3),), ((1, 1),)]),
    Case("StridedSlice", lambda x: x[..., 0], lambda x: x[..., 0], [((3, 4),), ((2,),), ((0, 1),)],
         name="StridedSlice-ellipsis-index"),
    Case("StridedSlice", lambda x: x[None, :, 1:-1:2], lambda x: x[None, :, 1:-1:2],
         [((2, 7),), ((0, 4),), ((1, 1),)], name="StridedSlice-newaxis-step"),
    Case("StridedSlice", lambda x, i: x[i, ..., -i - 1], lambda x, i: x[i, ..., -i - 1],
         [((3, 4, 2), ()), ((2, 3), ())], domain=[X, _ints(0, 2)], name="StridedSlice-tensor"),
    Case("StridedSlice", lambda x: x[()], lambda x: x, [((),), ((2, 3),)], name="StridedSlice-()"),
    Case("StridedSlice",
         lambda x: tf.strided_slice(x, [0, 3, 1], [0, 0, 1], [1, -1, 1], ellipsis_mask=1,
                                    end_mask=2, shrink_axis_mask=4),
         lambda x: x[..., 3::-1, 1], [((2, 5, 2),), ((4, 3),), ((0, 6, 3),)],
         name="StridedSlice-masks"),
    Case("StridedSliceGrad",
         lambda dy: STRIDED_SLICE_GRAD([4, 5], [1, 0], [0, 0], [1, -2], dy, begin_mask=2,
                                       end_mask=3, ellipsis_mask=0, new_axis_mask=0,
                                       shrink_axis_mask=0),
         _slice_grad_ref, [((3, 3),)]),
    Case("Slice", lambda x: tf.slice(x, [1, 0], [2, -1]), lambda x: x[1:3, 0:],
         [((4, 3),), ((3, 0),), ((3, 1),)]),
    Case("Slice", lambda x, b: tf.slice(x, b, [1, 2]),
         lambda x, b: x[b[0]:b[0] + 1, b[1]:b[1] + 2], [((3, 4), (2,))], domain=[X, _ints(0, 2)],
         name="Slice-tensor-begin"),
    Case("GatherV2", tf.gather, lambda p, i: p[i],
         [((5, 3), (4,)), ((4,), (2, 3)), ((3, 2), (0,)), ((3, 0), (2,)), ((4, 3), ())],
         domain=[X, _ints(0, 2)]),
    Case("GatherV2", lambda p, i: tf.gather(p, i, axis=1), lambda p, i: np.take(p, i, axis=1),
         [((2, 4, 3), (5,)), ((3, 2), (2, 2)), ((2, 3), ())], domain=[X, _ints(0, 2)],
         name="GatherV2-axis1"),
    Case("GatherV2", lambda p, i: tf.gather(p, i, axis=-1), lambda p, i: np.take(p, i, axis=-1),
         [((2, 3, 4), (3,))], domain=[X, _ints(0, 4, np.int64)], name="GatherV2-int64-last"),
    Case("GatherNd", tf.gather_nd, lambda p, i: p[tuple(np.moveaxis(i, -1, 0))],
         [((4, 3), (5, 2)), ((4, 3), (2, 1)), ((3, 2, 2), (2, 2, 2)), ((2, 3), (0, 2))],
         domain=[X, _ints(0, 2)]),
    Case("ScatterNd", lambda i, u: tf.scatter_nd(i, u, [4, 3]),
         lambda i, u: _scatter_ref(i, u, (4, 3)),
         [((5, 1), (5, 3)), ((6, 2), (6,)), ((0, 1), (0, 3))], domain=[_ints(0, 3), X]),
    # Data-dependent output shapes: the static shape cannot equal the real one.
    Case("Where", tested_by="tests/test_indexing.py"),
    # --- manip_ops ---
    Case("Tile", lambda x: tf.tile(x, [2, 1, 3]), lambda x: np.tile(x, (2, 1, 3)),
         [((2, 3, 1),), ((1, 0, 2),)]),
    Case("Tile", lambda x: tf.tile(x, [3]), lambda x: np.tile(x, 3), [((2,),), ((0,),)],
         name="Tile-1d"),
    Case("Tile", lambda x: tf.tile(x, tf.constant([], tf.int32)), lambda x: x, [((),)],
         name="Tile-scalar"),
    Case("Pad", lambda x: tf.pad(x, [[1, 0], [2, 1]]), lambda x: np.pad(x, [(1, 0), (2, 1)]),
         [((3, 2),), ((0, 2),), ((1, 1),)]),
    Case("PadV2", lambda x, c: tf.pad(x, [[1, 2]], constant_values=c),
         lambda x, c: np.pad(x, [(1, 2)], constant_values=c), [((3,), ()), ((0,), ())],
         grad=(0,)),
    Case("MirrorPad", lambda x: tf.pad(x, [[1, 2], [0, 1]], "REFLECT"),
         lambda x: np.pad(x, [(1, 2), (0, 1)], "reflect"), [((3, 4),), ((4, 2),)]),
    Case("MirrorPad", lambda x: tf.pad(x, [[2, 3], [0, 0]], mode="symmetric"),
         lambda x: np.pad(x, [(2, 3), (0, 0)], "symmetric"), [((3, 2),), ((3, 0),), ((4, 1),)],
         name="MirrorPad-symmetric"),
    Case("MirrorPadGrad", lambda g: MIRROR_PAD_GRAD(g, [[1, 2], [0, 1]], mode="REFLECT"),
         lambda g: _pad_adjoint(g, [(1, 2), (0, 1)], "reflect"), [((6, 5),), ((6, 4),)]),
    Case("MirrorPadGrad", lambda g: MIRROR_PAD_GRAD(g, [[2, 1]], mode="SYMMETRIC"),
         lambda g: _pad_adjoint(g, [(2, 1)], "symmetric"), [((5,),), ((7,),)],
         name="MirrorPadGrad-symmetric"),
    Case("ReverseV2", lambda x: tf.reverse(x, [0, -1]), lambda x: x[::-1, ..., ::-1],
         [((2, 3, 4),), ((0, 2, 1),), ((3, 1),)]),
    Case("ReverseV2", lambda x: tf.reverse(x, []), lambda x: x, [((),), ((2,),)],
         name="ReverseV2-no-axis"),
    Case("ReverseSequence", lambda x, n: tf.reverse_sequence(x, n, seq_axis=1, batch_axis=0),
         lambda x, n: _reverse_sequence_ref(x, n, 1, 0), [((3, 4, 2), (3,)), ((2, 5), (2,))],
         domain=[X, _ints(0, 5, np.int64)]),
    Case("ReverseSequence", lambda x, n: tf.reverse_sequence(x, n, seq_dim=0, batch_dim=2),
         lambda x, n: _reverse_sequence_ref(x, n, 0, 2), [((4, 2, 3), (3,)), ((3, 1, 0), (0,))],
         domain=[X, _ints(0, 4)], name="ReverseSequence-batch-after-seq"),
    # --- sequence_ops ---
    Case("Range", lambda x: tf.range(tf.size(x)), lambda x: np.arange(x.size, dtype=np.int32),
         SHAPE_ONLY, order=0),
    Case("Range", lambda x: tf.range(0.5, tf.cast(tf.size(x), x.dtype), 0.75),
         lambda x: np.arange(0.5, x.size, 0.75).astype(x.dtype), [((3, 4),), ((2,),), ((),)],
         order=0, name="Range-float"),
    Case("Range", lambda x: tf.range(tf.size(x), 0, -2), lambda x: np.arange(x.size, 0, -2),
         [((3, 3),), ((0,),)], order=0, name="Range-negative-delta"),
    Case("LinSpace", lambda a, b: tf.linspace(a, b, 5), lambda a, b: np.linspace(a, b, 5),
         [((), ())], order=0),
    Case("LinSpace", lambda a, b: tf.lin_space(a, b, 1), lambda a, b: a[None],
         [((), ())], order=0, name="LinSpace-one"),
    Case("OneHot", lambda i: tf.one_hot(i, 4), lambda i: (i[..., None] == np.arange(4)) * 1.0,
         [((5,),), ((2, 3),), ((),), ((0,),)], domain=[_ints(-1, 5)], order=0,
         dtypes=("float64",)),
    Case("OneHot", lambda i: tf.one_hot(i, 3, on_value=5, off_value=-1, axis=0),
         lambda i: np.moveaxis(np.where(i[..., None] == np.arange(3), 5, -1), -1, 0),
         [((4,),), ((2, 3),)], domain=[_ints(0, 3, np.int64)], order=0, dtypes=("float64",),
         name="OneHot-axis0-int"),
    Case("Unique", tested_by="tests/test_array_semantics.py"),
]
