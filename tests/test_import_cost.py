"""`import graphgrad` loads only the graph core and Tensor's operators; every other tf.<name>, each
namespace and each op type loads its module on first use, from the tables that
`python -m graphgrad.api_table --write` generates. Structural tests only: speed is measured by
benchmarks/run.py, never here. Fresh-interpreter checks run in subprocesses."""
import importlib
import json
import os
import subprocess
import sys
import textwrap

import numpy as np

import graphgrad as tf
from graphgrad import _api_names, api_table
from graphgrad.graph import registry

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(tf.__file__)))
FIXTURES = os.path.join(ROOT, "tests", "fixtures", "tf")

# Modules a program loads only when it uses them (each is heavy, or needs what is heavy).
LAZY_MODULES = ["graphgrad.ops", "graphgrad.ops.operators", "graphgrad.ops.math_ops",
                "graphgrad.ops.array_ops", "graphgrad.kernels", "graphgrad.autodiff",
                "graphgrad.nn", "graphgrad.train", "graphgrad.math", "graphgrad.debug",
                "graphgrad.runtime.session", "graphgrad.autodiff.gradients",
                "graphgrad.ops.image_ops", "graphgrad.ops.conv_ops", "graphgrad.ops.variables",
                "graphgrad.ops.control_flow_ops", "graphgrad.interop", "graphgrad.errors"]


def _fresh(code):
    """stdout of `code` run in a new interpreter (that imports graphgrad from this checkout)."""
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_import_graphgrad_leaves_lazy_modules_and_stdlib_extras_unloaded():
    loaded = json.loads(_fresh("""
        import json, sys
        import numpy
        before = set(sys.modules)
        import graphgrad
        print(json.dumps(sorted(set(sys.modules) - before)))
    """))
    assert not set(LAZY_MODULES) & set(loaded)
    # Beyond what NumPy loads itself, only `threading` may come along (the default graph stack
    # is per thread; NumPy may or may not have loaded it already).
    assert {m for m in loaded if not m.startswith("graphgrad")} <= {"threading"}


def test_every_public_name_is_the_object_its_module_defines():
    for module, names in _api_names.NAMES.items():
        for name in names:
            assert getattr(tf, name) is getattr(importlib.import_module(module), name), name


def test_names_follow_the_sources_in_order_as_star_imports_did():
    bound = {}
    for module, names in api_table.SOURCES:
        mod = importlib.import_module(module)
        for name in (mod.__all__ if names == "*" else names.split()):
            bound[name] = getattr(mod, name)
    assert bound and all(getattr(tf, name) is obj for name, obj in bound.items())


def test_a_resolved_name_is_then_a_plain_module_attribute():
    tf.reduce_logsumexp  # noqa: B018 - the first access resolves and binds it
    assert vars(tf)["reduce_logsumexp"] is tf.reduce_logsumexp


def test_star_import_and_dir_give_every_public_name():
    namespace = {}
    exec("from graphgrad import *", namespace)
    assert set(tf.__all__) <= set(namespace)
    assert namespace["matmul"] is tf.matmul and namespace["nn"] is tf.nn
    assert set(tf.__all__) | {"FIFOQueue", "GraphDef"} <= set(dir(tf))


def test_generated_tables_are_in_sync_with_the_modules():
    with open(api_table.PATH, encoding="utf-8") as f:
        committed = f.read()
    assert api_table.generate() == committed, (
        "graphgrad/_api_names.py is stale: run `python -m graphgrad.api_table --write`")


def test_no_public_name_is_shadowed_by_a_submodule_of_the_same_name():
    # Importing graphgrad.<x> rebinds tf.<x> to the module, which would hide a function x.
    submodules = {f[:-3] if f.endswith(".py") else f for f in os.listdir(os.path.dirname(
        tf.__file__))}
    assert not submodules & {n for names in _api_names.NAMES.values() for n in names}


def test_registered_op_types_lists_ops_of_modules_not_loaded_yet():
    ops = json.loads(_fresh("""
        import json, sys
        from graphgrad.graph import registry
        print(json.dumps([sys.modules.get("graphgrad.ops.conv_ops") is None,
                          registry.registered_op_types()]))
    """))
    assert ops[0] and {"Conv2D", "QueueDequeueV2", "MaxPool"} <= set(ops[1])
    assert set(registry.registered_op_types()) == {
        op for op_types in _api_names.OPS.values() for op in op_types} | set(registry._OPDEFS)


def test_unknown_op_type_is_still_a_key_error():
    try:
        registry.get_opdef("NoSuchOpAnywhere")
    except KeyError:
        return
    raise AssertionError("get_opdef found an op type nobody registers")


def test_each_lazy_module_loads_first_in_a_fresh_interpreter():
    # Import order is the user's: each public name, namespace and op module must load when it
    # is the first thing used after `import graphgrad` (a forked child per module).
    firsts = {module: names[0] for module, names in _api_names.NAMES.items()}
    attrs = list(firsts.values()) + list(_api_names.MODULES) + list(tf._LAZY)
    ops = [op_types[0] for op_types in _api_names.OPS.values()]
    out = _fresh(f"""
        import os, traceback
        import graphgrad as tf
        from graphgrad.graph import registry
        failed = []
        for kind, x in [("attr", a) for a in {attrs!r}] + [("op", o) for o in {ops!r}]:
            pid = os.fork()
            if pid == 0:
                try:
                    getattr(tf, x) if kind == "attr" else registry.get_opdef(x)
                except BaseException:
                    traceback.print_exc()
                    os._exit(1)
                os._exit(0)
            if os.waitpid(pid, 0)[1]:
                failed.append(x)
        print(failed)
    """)
    assert out.strip() == "[]"


def test_tensor_operators_eval_and_explain_work_with_only_the_core_loaded():
    out = _fresh("""
        import sys
        import numpy as np
        import graphgrad as tf
        x = tf.placeholder(tf.float32, [2, 3], name="x")
        y = (np.float32(2) * x + 1)[0] / tf.constant([1.0, 2.0, 4.0]) - [[1.0, 1.0, 1.0]]
        stubs = [m for m in tf._api_names.OPERATORS
                 if getattr(tf.Tensor, m).__name__ == "load_operators"]
        print("stubs left:", stubs)
        try:
            y.eval()
        except ValueError as e:
            print("eval:", str(e).split(":")[0])
        print("debug loaded:", "graphgrad.debug" in sys.modules)
        y.explain()
        print(y.shape, y.op.type)
    """)
    assert "eval: Cannot evaluate tensor using `eval()`" in out and "stubs left: []" in out
    assert "debug loaded: False" in out and "needs 'x:0' (Placeholder" in out
    assert "(1, 3) Sub" in out


def test_seed_program_trains_in_a_fresh_interpreter():
    losses = json.loads(_fresh("""
        import json
        import numpy as np
        import graphgrad as tf
        rng = np.random.RandomState(0)
        xs, labels = rng.randn(32, 5).astype(np.float32), rng.randint(0, 3, 32)
        x = tf.placeholder(tf.float32, [None, 5])
        y_ = tf.placeholder(tf.float32, [None, 3])
        W = tf.Variable(tf.zeros([5, 3]))
        b = tf.Variable(tf.zeros([3]))
        y = tf.nn.softmax(tf.matmul(x, W) + b)
        loss = tf.reduce_mean(-tf.reduce_sum(y_ * tf.log(y), reduction_indices=[1]))
        step = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
        feed = {x: xs, y_: np.eye(3, dtype=np.float32)[labels]}
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            out = [float(sess.run(loss, feed))]
            for _ in range(20):
                sess.run(step, feed)
            out.append(float(sess.run(loss, feed)))
        print(json.dumps(out))
    """))
    assert abs(losses[0] - np.log(3)) < 1e-6 and losses[1] < losses[0] - 0.1


def test_frozen_tf_graph_imports_ops_whose_modules_were_not_loaded():
    out = _fresh(f"""
        import sys
        import numpy as np
        import graphgrad as tf
        from graphgrad.interop import graphdef
        folder = {os.path.join(FIXTURES, "cnn")!r}
        graph_def = graphdef.read_graph_def(folder + "/frozen.pb")
        print("conv before:", "graphgrad.ops.conv_ops" in sys.modules)
        x, y = tf.import_graph_def(graph_def, return_elements=["x:0", "y:0"])
        with tf.Session() as sess:
            got = sess.run(y, {{x: np.load(folder + "/x_eval.npy")}})
        print("error:", np.abs(got - np.load(folder + "/y_eval.npy")).max() < 1e-5)
    """)
    assert "conv before: False" in out and "error: True" in out


def test_tf_meta_graph_imports_and_restores_in_a_fresh_interpreter():
    out = _fresh(f"""
        import sys
        import numpy as np
        import graphgrad as tf
        folder = {os.path.join(FIXTURES, "cnn")!r}
        print("conv before:", "graphgrad.ops.conv_ops" in sys.modules)
        saver = tf.train.import_meta_graph(folder + "/model.ckpt-5.meta")
        sess = tf.Session()
        saver.restore(sess, folder + "/model.ckpt-5")
        got = sess.run("y:0", {{"x:0": np.load(folder + "/x_eval.npy")}})
        print("error:", np.abs(got - np.load(folder + "/y_eval.npy")).max() < 1e-5)
    """)
    assert "conv before: False" in out and "error: True" in out


def test_every_module_imports_first_in_a_fresh_interpreter():
    """Lazy loading makes any module the first one a program loads (tf.data's, an op family's,
    the autodiff helpers'): none may depend on the old eager import order."""
    import pkgutil
    from concurrent.futures import ThreadPoolExecutor
    names = [m.name for m in pkgutil.walk_packages(tf.__path__, "graphgrad.")
             if not m.name.endswith("__main__") and m.name != "graphgrad.demo"]
    assert len(names) > 150

    def first_import(name):
        out = subprocess.run([sys.executable, "-c", f"import {name}"], cwd=ROOT,
                             capture_output=True, text=True, timeout=120)
        return name, out.returncode, out.stderr.strip().splitlines()[-1:]

    with ThreadPoolExecutor(4) as pool:
        failed = [r for r in pool.map(first_import, names) if r[1]]
    assert failed == []
