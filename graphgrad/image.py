"""The `tf.image` namespace: re-exports only (loaded on first use; decoding needs Pillow)."""
from .ops.image_adjust_ops import *  # noqa: F401,F403
from .ops.image_impl_ops import *  # noqa: F401,F403
from .ops.image_ops import *  # noqa: F401,F403
