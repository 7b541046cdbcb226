"""`from tensorflow.python.client import timeline` as graphgrad.python.client.timeline."""
