"""Test-wide settings: one BLAS thread, since small matmuls slow down 5x with two on a busy box."""
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
