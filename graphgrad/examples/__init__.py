"""Mirror of TF1's `tensorflow.examples`: only what tutorials import (the MNIST input helper)."""
