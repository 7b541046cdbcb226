"""The tables behind graphgrad's lazy loading, generated into graphgrad/_api_names.py.

`python -m graphgrad.api_table --write` refreshes that file; without `--write` it prints it.
NAMES says which module defines each public `tf.<name>` (read from the modules' __all__ in the
order of SOURCES, a later source winning a name, as a later star-import did); OPS says which
module registers each op type, so that a graph read from a file can load the ops it holds.
"""
import argparse
import importlib
import json
import os
import subprocess
import sys
import textwrap

# The TF1 root namespace, in the order its names are bound: "*" takes the module's __all__.
SOURCES = (
    ("graphgrad.autodiff.gradients", "gradients"),
    ("graphgrad.compat", "disable_eager_execution disable_v2_behavior executing_eagerly"),
    ("graphgrad.graph.constant", "constant convert_to_tensor placeholder"),
    ("graphgrad.graph.default", "add_to_collection add_to_collections container "
     "control_dependencies device get_collection get_collection_ref get_seed name_scope "
     "set_random_seed"),
    ("graphgrad.graph.dtypes", "DType as_dtype bool complex64 complex128 double float16 float32 "
     "float64 half int8 int16 int32 int64 string uint8 uint16 uint32 uint64"),
    ("graphgrad.graph.graph", "Graph GraphKeys get_default_graph reset_default_graph"),
    ("graphgrad.graph.operation", "Operation"),
    ("graphgrad.graph.registry", "NoGradient NotDifferentiable RegisterGradient"),
    ("graphgrad.graph.shapes", "Dimension TensorShape"),
    ("graphgrad.graph.tensor", "Tensor"),
    ("graphgrad.ops.aliases", "*"),
    ("graphgrad.ops.array_ops", "*"),
    ("graphgrad.ops.check_ops", "*"),
    ("graphgrad.ops.control_flow_ops", "*"),
    ("graphgrad.ops.image_impl_ops", "random_crop"),
    ("graphgrad.ops.indexing_ops", "*"),
    ("graphgrad.ops.init_ops", "*"),
    ("graphgrad.ops.logging_ops", "*"),
    ("graphgrad.ops.manip_ops", "*"),
    ("graphgrad.ops.math_ops", "*"),
    ("graphgrad.ops.random_ops", "*"),
    ("graphgrad.ops.script_ops", "*"),
    ("graphgrad.ops.sequence_ops", "*"),
    ("graphgrad.ops.shape_ops", "*"),
    ("graphgrad.ops.state_ops", "assign assign_add assign_sub"),
    ("graphgrad.ops.stitch_ops", "*"),
    ("graphgrad.ops.string_ops", "*"),
    ("graphgrad.ops.variable_scope", "*"),
    ("graphgrad.ops.variables", "*"),
    ("graphgrad.runtime.config", "ConfigProto GPUOptions GraphOptions RunMetadata RunOptions"),
    ("graphgrad.runtime.session", "InteractiveSession Session get_default_session"),
    ("graphgrad.train.checkpoint_meta", "import_graph_def"),
    ("graphgrad.train.clip_ops", "*"),
    ("graphgrad.debug", "explain"),
)

# Submodules that `from graphgrad import *` has always given (tf.nn, tf.train, ...); the
# namespaces in graphgrad/__init__.py's _LAZY are reachable too but were never star-exported.
MODULES = ("autodiff", "compat", "debug", "errors", "graph", "interop", "kernels", "math", "nn",
           "ops", "runtime", "train")

# Never imported while looking for op registrations: they run programs.
_NOT_SCANNED = ("graphgrad.__main__", "graphgrad.check.__main__", "graphgrad.demo")

# Run in a fresh interpreter: for each op type, the module whose import registers it (the
# innermost module-level frame under register_op; a profile hook sees it before graphgrad loads).
_SCAN = r"""
import importlib, json, os, pkgutil, sys
found = {}
registry_file = os.path.join("graph", "registry.py")

def hook(frame, event, arg):
    if event == "call" and frame.f_code.co_name == "register_op" \
            and frame.f_code.co_filename.endswith(registry_file):
        outer = frame
        while outer is not None and outer.f_code.co_name != "<module>":
            outer = outer.f_back
        if outer is not None:
            found[frame.f_locals["op_type"]] = outer.f_globals["__name__"]

sys.setprofile(hook)
import graphgrad
names = [m.name for m in pkgutil.walk_packages(graphgrad.__path__, "graphgrad.",
                                               onerror=lambda name: None)]
for name in sorted(set(names) - set(sys.argv[1:])):
    importlib.import_module(name)
sys.setprofile(None)
print(json.dumps(found))
"""


def name_table():
    """{public name: defining module}, the last source of each name winning."""
    table = {}
    for module_name, names in SOURCES:
        module = importlib.import_module(module_name)
        for name in (module.__all__ if names == "*" else names.split()):
            table[name] = module_name
    return table


def op_table():
    """{op type: the module whose import registers it}, from a scan in a fresh interpreter."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = subprocess.run([sys.executable, "-c", _SCAN, *_NOT_SCANNED], cwd=root,
                         capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(f"the op scan failed to import a module:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def operator_names():
    """The operator methods (`__add__`, `__getitem__`, ...) that ops/operators.py gives Tensor."""
    from .ops.operators import overload

    class Probe:
        pass
    overload(Probe)
    return tuple(sorted(k for k, v in vars(Probe).items() if callable(v) and k.startswith("__")
                        and k not in vars(type("Plain", (), {}))))


def _grouped(table):
    """{module: (names...)}: the table inverted, sorted, for a short readable file."""
    groups = {}
    for name, module in sorted(table.items()):
        groups.setdefault(module, []).append(name)
    return {module: tuple(names) for module, names in sorted(groups.items())}


def _block(title, groups):
    """`title = {module: (names...)}` as Python source, one module a line group."""
    lines = [f"{title} = {{"]
    for module, names in groups.items():
        lines.append(f'    "{module}": (')
        lines += ["        " + line for line in textwrap.wrap(
            " ".join(f'"{name}",' for name in names), 91, break_on_hyphens=False)]
        lines.append("    ),")
    return "\n".join(lines) + "\n}\n"


def _names(title, names):
    """`title = (names...)` as Python source."""
    text = f"{title} = (" + ", ".join(f'"{name}"' for name in names) + ")"
    return "\n".join(textwrap.wrap(text, 99, subsequent_indent=" " * (len(title) + 4),
                                   break_on_hyphens=False)) + "\n"


def generate():
    """The full text of graphgrad/_api_names.py."""
    return "\n".join([
        '"""Generated by `python -m graphgrad.api_table --write` (graphgrad/api_table.py): do not'
        ' edit.\n\nNAMES: module -> the public tf.<name>s it defines. MODULES: the star-exported '
        'submodules.\nOPS: module -> the op types its import registers. OPERATORS: the operator '
        'methods\nops/operators.py gives Tensor.\n"""\n' + _block("NAMES", _grouped(name_table())),
        _names("MODULES", MODULES),
        _block("OPS", _grouped(op_table())),
        _names("OPERATORS", operator_names())])


PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_api_names.py")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help=f"write {PATH}")
    args = parser.parse_args(argv)
    text = generate()
    if args.write:
        with open(PATH, "w", encoding="utf-8") as f:
            f.write(text)
        print(f"wrote {PATH}")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
