"""Mirror of TF1's `tensorflow.examples.tutorials`."""
