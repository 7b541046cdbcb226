"""TF1's tensorflow.python paths that user scripts import directly (only the ones graphgrad has)."""
