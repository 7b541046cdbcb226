"""The layers import one way: graph/ knows no runtime, ops, kernels or train; kernels/ no graph.
And `import graphgrad` stays cheap: no CuPy, MPI, TensorBoard or protobuf at import time."""
import ast
import os

from .helpers import run_python

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = os.path.join(ROOT, "graphgrad")


def _imports(path):
    """Absolute names of every module `path` imports, at top level or inside functions."""
    module = os.path.relpath(path, ROOT)[:-3].replace(os.sep, ".")
    package = module.rsplit(".", 1)[0] if not module.endswith("__init__") else module[:-9]
    names = []
    for node in ast.walk(ast.parse(open(path).read(), path)):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module
            names.append(prefix)
            names.extend(f"{prefix}.{alias.name}" for alias in node.names)
    return names


def _files(layer):
    folder = os.path.join(PACKAGE, layer)
    return [os.path.join(folder, f) for f in sorted(os.listdir(folder)) if f.endswith(".py")]


def _violations(layer, forbidden):
    bad = []
    for path in _files(layer):
        for name in _imports(path):
            if any(name == f or name.startswith(f + ".") for f in forbidden):
                bad.append(f"{os.path.relpath(path, ROOT)} imports {name}")
    return bad


def test_the_import_walker_sees_relative_and_function_level_imports():
    names = _imports(os.path.join(PACKAGE, "autodiff", "gradients.py"))
    assert "graphgrad.graph.constant" in names
    assert "graphgrad.ops.array_ops" in names  # imported inside a function there


def test_graph_imports_nothing_from_runtime_ops_kernels_or_train():
    forbidden = ["graphgrad." + p for p in ("runtime", "ops", "kernels", "train", "autodiff")]
    assert _violations("graph", forbidden) == []


def test_kernels_import_nothing_from_the_graph_or_the_runtime():
    forbidden = ["graphgrad." + p for p in ("graph", "runtime", "ops", "train")]
    assert _violations("kernels", forbidden) == []


def test_import_graphgrad_loads_no_gpu_mpi_tensorboard_or_protobuf_module():
    loaded = run_python(
        "import sys, graphgrad\n"
        "heavy = ('cupy', 'mpi4py', 'tensorboard', 'tensorflow', 'torch', 'google')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & set(heavy)))").strip()
    assert loaded == "[]"


def test_import_graphgrad_leaves_the_heavy_namespaces_for_first_use():
    # Import *time* is measured in benchmarks/run.py (never by a timed unit test); what keeps it
    # low is that these load only when a program touches them.
    lazy = ("contrib", "layers", "losses", "summary", "data", "onnx", "interop", "distributed",
            "dataset_ops", "app", "flags", "gfile", "logging", "graph_util")
    loaded = run_python(
        "import sys, graphgrad\n"
        f"print(sorted(n for n in {lazy!r} if 'graphgrad.' + n in sys.modules))").strip()
    assert loaded == "[]"
    touched = run_python("import sys, graphgrad as tf\ntf.layers.dense\n"
                          "print('graphgrad.layers' in sys.modules)").strip()
    assert touched == "True"
