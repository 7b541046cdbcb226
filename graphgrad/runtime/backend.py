"""The array module (xp) a plan runs its kernels with: NumPy, or CuPy on a GPU."""
import numpy

numpy_backend = numpy


def get_array_module(device=""):
    """NumPy for CPU placement. CuPy support arrives with the GPU issue (#7)."""
    return numpy
