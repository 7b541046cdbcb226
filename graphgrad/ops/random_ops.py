"""Random ops (random_normal, truncated_normal, random_uniform), seeded as TF1 seeds them."""

__all__ = []
