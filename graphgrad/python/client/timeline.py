"""TF1's `tensorflow.python.client.timeline`: the Chrome trace exporter of graphgrad.debug."""
from ...debug.timeline import Timeline

__all__ = ["Timeline"]
