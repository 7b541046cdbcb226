"""Reading TensorFlow's own files: V2 checkpoints (tf_checkpoint.py, NumPy only) and GraphDefs
(graphdef.py, needs the `protobuf` package). Submodules load on use.
"""
