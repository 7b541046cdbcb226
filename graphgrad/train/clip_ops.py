"""Norm-based clipping for gradients: clip_by_norm, global_norm, clip_by_global_norm,
clip_by_average_norm (TF1 top-level names). Elementwise clip_by_value lives in math_ops."""
from collections.abc import Sequence

from ..graph.constant import constant, convert_to_tensor
from ..graph.default import name_scope
from ..ops.array_ops import identity, ones_like, stack
from ..ops.math_ops import cast, maximum, minimum, reduce_sum, sqrt, where
from ..ops.shape_ops import size


def clip_by_norm(t, clip_norm, axes=None, name=None):
    """t * clip_norm / max(l2norm(t), clip_norm): rescales `t` so that its L2 norm (over `axes`,
    default all) is at most `clip_norm`; unchanged when it already is."""
    with name_scope(name, "clip_by_norm", [t, clip_norm]) as scope:
        values = convert_to_tensor(t, name="t")
        l2sum = reduce_sum(values * values, axes, keepdims=True)
        pred = l2sum > 0
        # A zero norm would make sqrt's gradient infinite; route it around the sqrt.
        l2sum_safe = where(pred, l2sum, ones_like(l2sum))
        l2norm = where(pred, sqrt(l2sum_safe), l2sum)
        intermediate = values * clip_norm
        return identity(intermediate / maximum(l2norm, clip_norm), name=scope)


def _as_list(t_list):
    if not isinstance(t_list, Sequence) or isinstance(t_list, str):
        raise TypeError("t_list should be a sequence")
    return list(t_list)


def global_norm(t_list, name=None):
    """sqrt(sum of the squares of every element of every tensor in `t_list`); None entries are
    ignored."""
    t_list = _as_list(t_list)
    with name_scope(name, "global_norm", [t for t in t_list if t is not None]):
        values = [convert_to_tensor(t, name=f"t_{i}") for i, t in enumerate(t_list)
                  if t is not None]
        squared_norms = [reduce_sum(v * v) for v in values]
        return sqrt(reduce_sum(stack(squared_norms)), name="global_norm")


def clip_by_global_norm(t_list, clip_norm, use_norm=None, name=None):
    """Scales every tensor of `t_list` by clip_norm / max(global_norm, clip_norm); returns
    (list_clipped, global_norm). None entries stay None; a non-finite norm makes all NaN."""
    t_list = _as_list(t_list)
    if use_norm is None:
        use_norm = global_norm(t_list, name)
    use_norm = convert_to_tensor(use_norm)
    present = [t for t in t_list if t is not None]
    with name_scope(name, "clip_by_global_norm", present + [clip_norm]) as scope:
        one = constant(1.0, dtype=use_norm.dtype)
        scale_for_finite = clip_norm * minimum(1.0 / use_norm, one / clip_norm)
        # use_norm - use_norm is 0 for a finite norm and NaN otherwise: inf/NaN gradients
        # poison the result instead of being silently scaled to zero.
        scale = scale_for_finite + (use_norm - use_norm)
        clipped = []
        for i, t in enumerate(t_list):
            if t is None:
                clipped.append(None)
                continue
            v = convert_to_tensor(t, name=f"t_{i}")
            # TF1 names these '<scope>_<i>' relative to the scope: 'clip_by_global_norm/
            # clip_by_global_norm/_0'.
            clipped.append(identity(v * scale, name=f"{scope}_{i}"))
    return clipped, use_norm


def clip_by_average_norm(t, clip_norm, name=None):
    """Rescales `t` so that its L2 norm divided by its number of elements is at most
    `clip_norm` (TF1 `tf.clip_by_average_norm`)."""
    with name_scope(name, "clip_by_average_norm", [t, clip_norm]) as scope:
        t = convert_to_tensor(t, name="t")
        n_element = cast(size(t), t.dtype)
        l2norm_inv = 1.0 / sqrt(reduce_sum(t * t))
        return identity(t * clip_norm * minimum(l2norm_inv * n_element, 1.0 / clip_norm),
                        name=scope)


__all__ = ["clip_by_average_norm", "clip_by_global_norm", "clip_by_norm", "global_norm"]
