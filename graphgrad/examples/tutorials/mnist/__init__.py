"""Mirror of TF1's `tensorflow.examples.tutorials.mnist`: `from ... import input_data`."""
