"""Reverse-mode autodiff: `gradients` and the helpers gradient functions use (sum_to_shape)."""
