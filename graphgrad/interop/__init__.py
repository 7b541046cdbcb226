"""TensorFlow's own files, read and written: V2 checkpoints (tf_checkpoint.py, NumPy only),
GraphDefs (graphdef.py reads, graphdef_export.py writes) and MetaGraphDefs (metagraph.py), whose
protobuf messages (protos.py: tf.GraphDef, tf.NodeDef, ...) need the `protobuf` package
(`pip install 'graphgrad[interop]'`). Submodules load on use.
"""


def load_protos():
    """The protos module (TF's GraphDef, NodeDef, AttrValue, ... message classes), or an
    ImportError saying how to install protobuf where it is missing."""
    try:
        from . import protos
    except ImportError as e:
        if not (e.name or "").startswith("google"):
            raise
        raise ImportError("TensorFlow's protobuf messages (tf.GraphDef, Graph.as_graph_def, "
                          "tf.graph_util, ...) need the protobuf package: "
                          "pip install 'graphgrad[interop]'") from None
    return protos
