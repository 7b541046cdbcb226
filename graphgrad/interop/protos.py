"""TensorFlow's GraphDef and MetaGraphDef protobuf messages (GraphDef, NodeDef, AttrValue,
TensorProto, MetaGraphDef, CollectionDef, SaverDef, VariableDef, ...), built at run time from
descriptors in a private pool: field names and numbers follow TF's .proto files, so binary and
text files written by TensorFlow parse. Needs the `protobuf` package; no protoc.
"""
from google.protobuf import descriptor_pb2, descriptor_pool

try:
    from google.protobuf.message_factory import GetMessageClass
except ImportError:  # protobuf < 4.21
    from google.protobuf.message_factory import MessageFactory

    def GetMessageClass(descriptor):  # noqa: N802 - the protobuf name
        return MessageFactory().GetPrototype(descriptor)

_F = descriptor_pb2.FieldDescriptorProto
_OPT, _REP = _F.LABEL_OPTIONAL, _F.LABEL_REPEATED
_SCALARS = {"string": _F.TYPE_STRING, "bytes": _F.TYPE_BYTES, "int64": _F.TYPE_INT64,
            "int32": _F.TYPE_INT32, "float": _F.TYPE_FLOAT, "double": _F.TYPE_DOUBLE,
            "bool": _F.TYPE_BOOL, "uint32": _F.TYPE_UINT32, "uint64": _F.TYPE_UINT64}

DATA_TYPES = {
    "DT_INVALID": 0, "DT_FLOAT": 1, "DT_DOUBLE": 2, "DT_INT32": 3, "DT_UINT8": 4, "DT_INT16": 5,
    "DT_INT8": 6, "DT_STRING": 7, "DT_COMPLEX64": 8, "DT_INT64": 9, "DT_BOOL": 10,
    "DT_QINT8": 11, "DT_QUINT8": 12, "DT_QINT32": 13, "DT_BFLOAT16": 14, "DT_QINT16": 15,
    "DT_QUINT16": 16, "DT_UINT16": 17, "DT_COMPLEX128": 18, "DT_HALF": 19, "DT_RESOURCE": 20,
    "DT_VARIANT": 21, "DT_UINT32": 22, "DT_UINT64": 23,
}
# Reference dtypes (DT_FLOAT_REF = 101, ...) appear in graphs with variables.
DATA_TYPES.update({name + "_REF": value + 100 for name, value in list(DATA_TYPES.items())
                   if value})

# message name -> [(field name, number, type, repeated)]; a type not in _SCALARS is a message
# (or the DataType enum) of this package.
_MESSAGES = {
    "TensorShapeProto.Dim": [("size", 1, "int64", False), ("name", 2, "string", False)],
    "TensorShapeProto": [("dim", 2, "TensorShapeProto.Dim", True),
                         ("unknown_rank", 3, "bool", False)],
    "TensorProto": [
        ("dtype", 1, "DataType", False), ("tensor_shape", 2, "TensorShapeProto", False),
        ("version_number", 3, "int32", False), ("tensor_content", 4, "bytes", False),
        ("half_val", 13, "int32", True), ("float_val", 5, "float", True),
        ("double_val", 6, "double", True), ("int_val", 7, "int32", True),
        ("string_val", 8, "bytes", True), ("scomplex_val", 9, "float", True),
        ("int64_val", 10, "int64", True), ("bool_val", 11, "bool", True),
        ("dcomplex_val", 12, "double", True), ("uint32_val", 16, "uint32", True),
        ("uint64_val", 17, "uint64", True)],
    "NameAttrList": [("name", 1, "string", False),
                     ("attr", 2, "NameAttrList.AttrEntry", True)],
    "AttrValue.ListValue": [
        ("s", 2, "bytes", True), ("i", 3, "int64", True), ("f", 4, "float", True),
        ("b", 5, "bool", True), ("type", 6, "DataType", True),
        ("shape", 7, "TensorShapeProto", True), ("tensor", 8, "TensorProto", True),
        ("func", 9, "NameAttrList", True)],
    "AttrValue": [
        ("list", 1, "AttrValue.ListValue", False), ("s", 2, "bytes", False),
        ("i", 3, "int64", False), ("f", 4, "float", False), ("b", 5, "bool", False),
        ("type", 6, "DataType", False), ("shape", 7, "TensorShapeProto", False),
        ("tensor", 8, "TensorProto", False), ("placeholder", 9, "string", False),
        ("func", 10, "NameAttrList", False)],
    "NodeDef": [("name", 1, "string", False), ("op", 2, "string", False),
                ("input", 3, "string", True), ("device", 4, "string", False),
                ("attr", 5, "NodeDef.AttrEntry", True)],
    "VersionDef": [("producer", 1, "int32", False), ("min_consumer", 2, "int32", False),
                   ("bad_consumers", 3, "int32", True)],
    # Function libraries are kept as unknown fields: graphgrad imports no functions.
    "FunctionDefLibrary": [],
    "GraphDef": [("node", 1, "NodeDef", True), ("versions", 4, "VersionDef", False),
                 ("version", 3, "int32", False), ("library", 2, "FunctionDefLibrary", False)],
    # meta_graph.proto, saver.proto, variable.proto. Op lists, signatures, assets, Any payloads
    # and object graphs are kept as unknown fields: graphgrad reads the graph, the collections,
    # the variables and the saver.
    "OpList": [],
    "AnyList": [],
    # google.protobuf.Any, by its fields (graphgrad keeps its graph seed in any_info).
    "Any": [("type_url", 1, "string", False), ("value", 2, "bytes", False)],
    "MetaGraphDef.MetaInfoDef": [
        ("meta_graph_version", 1, "string", False), ("stripped_op_list", 2, "OpList", False),
        ("any_info", 3, "Any", False),
        ("tags", 4, "string", True), ("tensorflow_version", 5, "string", False),
        ("tensorflow_git_version", 6, "string", False),
        ("stripped_default_attrs", 7, "bool", False)],
    "MetaGraphDef": [("meta_info_def", 1, "MetaGraphDef.MetaInfoDef", False),
                     ("graph_def", 2, "GraphDef", False), ("saver_def", 3, "SaverDef", False),
                     ("collection_def", 4, "MetaGraphDef.CollectionDefEntry", True)],
    "CollectionDef.NodeList": [("value", 1, "string", True)],
    "CollectionDef.BytesList": [("value", 1, "bytes", True)],
    "CollectionDef.Int64List": [("value", 1, "int64", True)],
    "CollectionDef.FloatList": [("value", 1, "float", True)],
    "CollectionDef": [("node_list", 1, "CollectionDef.NodeList", False),
                      ("bytes_list", 2, "CollectionDef.BytesList", False),
                      ("int64_list", 3, "CollectionDef.Int64List", False),
                      ("float_list", 4, "CollectionDef.FloatList", False),
                      ("any_list", 5, "AnyList", False)],
    "SaverDef": [("filename_tensor_name", 1, "string", False),
                 ("save_tensor_name", 2, "string", False),
                 ("restore_op_name", 3, "string", False), ("max_to_keep", 4, "int32", False),
                 ("sharded", 5, "bool", False),
                 ("keep_checkpoint_every_n_hours", 6, "float", False),
                 ("version", 7, "enum:SaverDef.CheckpointFormatVersion", False)],
    "VariableDef": [("variable_name", 1, "string", False),
                    ("initial_value_name", 6, "string", False),
                    ("initializer_name", 2, "string", False),
                    ("snapshot_name", 3, "string", False), ("is_resource", 5, "bool", False),
                    ("trainable", 7, "bool", False)],
}
_ONEOF = {"AttrValue": "value", "CollectionDef": "kind"}
_MAPS = ("NodeDef", "NameAttrList")  # each has map<string, AttrValue> attr
# Other map fields: (message, entry name, value type); keys are strings.
_OTHER_MAPS = [("MetaGraphDef", "CollectionDefEntry", "CollectionDef")]
# Nested enums: message -> (enum name, {value name: number}).
_ENUMS = {"SaverDef": ("CheckpointFormatVersion", {"LEGACY": 0, "V1": 1, "V2": 2})}


def _field(name, number, type_name, repeated):
    f = _F(name=name, number=number, label=_REP if repeated else _OPT)
    if type_name in _SCALARS:
        f.type = _SCALARS[type_name]
    elif type_name == "DataType":
        f.type, f.type_name = _F.TYPE_ENUM, ".tensorflow.DataType"
    elif type_name.startswith("enum:"):
        f.type, f.type_name = _F.TYPE_ENUM, ".tensorflow." + type_name[5:]
    else:
        f.type, f.type_name = _F.TYPE_MESSAGE, ".tensorflow." + type_name
    return f


def _build_file():
    fd = descriptor_pb2.FileDescriptorProto(name="graphgrad_tf_graph.proto",
                                            package="tensorflow", syntax="proto3")
    enum = fd.enum_type.add(name="DataType")
    for name, value in DATA_TYPES.items():
        enum.value.add(name=name, number=value)
    top = {full: fd.message_type.add(name=full) for full in _MESSAGES if "." not in full}
    for full, fields in _MESSAGES.items():
        outer, _, inner = full.partition(".")
        message = top[outer].nested_type.add(name=inner) if inner else top[outer]
        for spec in fields:
            message.field.add().CopyFrom(_field(*spec))
        if full in _ONEOF:
            message.oneof_decl.add(name=_ONEOF[full])
            for f in message.field:
                f.oneof_index = 0
    for outer in _MAPS:
        entry = top[outer].nested_type.add(name="AttrEntry")
        entry.field.add().CopyFrom(_field("key", 1, "string", False))
        entry.field.add().CopyFrom(_field("value", 2, "AttrValue", False))
        entry.options.map_entry = True
    for outer, name, value_type in _OTHER_MAPS:
        entry = top[outer].nested_type.add(name=name)
        entry.field.add().CopyFrom(_field("key", 1, "string", False))
        entry.field.add().CopyFrom(_field("value", 2, value_type, False))
        entry.options.map_entry = True
    for outer, (name, values) in _ENUMS.items():
        enum = top[outer].enum_type.add(name=name)
        for value_name, number in values.items():
            enum.value.add(name=value_name, number=number)
    return fd


_POOL = descriptor_pool.DescriptorPool()
_POOL.Add(_build_file())


def message_class(name):
    """The message class `tensorflow.<name>` (e.g. "GraphDef", "AttrValue")."""
    return GetMessageClass(_POOL.FindMessageTypeByName("tensorflow." + name))


GraphDef = message_class("GraphDef")
NodeDef = message_class("NodeDef")
AttrValue = message_class("AttrValue")
TensorProto = message_class("TensorProto")
TensorShapeProto = message_class("TensorShapeProto")
MetaGraphDef = message_class("MetaGraphDef")
CollectionDef = message_class("CollectionDef")
SaverDef = message_class("SaverDef")
VariableDef = message_class("VariableDef")
