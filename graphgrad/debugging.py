"""The `tf.debugging` namespace: assertions and numeric checks (re-exports only)."""
# ruff: noqa: F401
from .ops.check_ops import (
    Assert,
    assert_equal,
    assert_greater,
    assert_greater_equal,
    assert_integer,
    assert_less,
    assert_less_equal,
    assert_negative,
    assert_non_negative,
    assert_non_positive,
    assert_none_equal,
    assert_positive,
    assert_rank,
    assert_rank_at_least,
    assert_scalar,
    assert_shapes,
    assert_type,
    check_numerics,
)
from .ops.math_ops import is_finite, is_inf, is_nan
