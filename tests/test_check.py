"""The migration checker: `python -m graphgrad.check` on scripts written for these tests."""
import os
import subprocess
import sys
import textwrap

from graphgrad.check import check_file, check_source, resolve
from graphgrad.check.__main__ import main

HERE = os.path.join(os.path.dirname(__file__), "check_scripts")


def _script(name):
    return os.path.join(HERE, name)


def _found(findings, kind):
    return {f.name: f.lines for f in findings if f.kind == kind}


def _check(code, **kw):
    return check_source(textwrap.dedent(code), "s.py", **kw)


def test_classic_mnist_script_is_fully_supported_and_exits_0(capsys):
    assert main([_script("supported_mnist.py")]) == 0
    out = capsys.readouterr().out
    assert "missing" not in out.replace("0 missing", "")
    assert out.strip().endswith("1 file checked: 0 missing name(s), 0 known difference(s): "
                                "supported")


def _v2_switch_reported():
    # Reported only while graphgrad lacks it; the checker follows the package.
    return resolve(("disable_v2_behavior",))[1] is not None


def test_unsupported_script_lists_each_missing_name_with_its_lines():
    missing = _found(check_file(_script("unsupported.py")), "missing")
    expected = {
        "tf.contrib.tpu": [3],
        "tf.contrib.tpu.cluster_resolver.TPUClusterResolver": [7],
        "tf.estimator.Estimator": [8, 10],
        "tf.train.Server.create_local_server": [9],
        "tf.train.AdamOptimizer(...).minimize_everything": [12],
    }
    if _v2_switch_reported():
        expected["tf.disable_v2_behavior"] = [5]
    assert missing == expected


def test_missing_names_say_which_part_is_missing_and_v2_switches_say_delete():
    findings = {f.name: f.message for f in check_file(_script("unsupported.py"))}
    assert findings["tf.contrib.tpu.cluster_resolver.TPUClusterResolver"] == (
        "tf.contrib has no 'tpu'")
    assert findings["tf.estimator.Estimator"] == "graphgrad has no 'estimator'"
    if _v2_switch_reported():
        assert "delete this call" in findings["tf.disable_v2_behavior"]


def test_command_line_exits_1_and_prints_file_line_and_summary():
    proc = subprocess.run([sys.executable, "-m", "graphgrad.check", _script("unsupported.py"),
                           _script("supported_mnist.py")], capture_output=True, text=True)
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert any(line.endswith("unsupported.py:8: missing: tf.estimator.Estimator: graphgrad "
                             "has no 'estimator' (also line 10)") for line in lines)
    n = 6 if _v2_switch_reported() else 5
    assert lines[-1] == (f"2 files checked: {n} missing name(s), 0 known difference(s): "
                         "not supported")


def test_known_differences_are_reported_without_failing():
    findings = check_file(_script("differences.py"))
    assert _found(findings, "missing") == {}
    differs = {f.name: f for f in findings if f.kind == "differs"}
    assert set(differs) == {"tf.gather", "tf.py_func", "tf.train.Saver", "tf.Session"}
    assert differs["tf.Session"].lines == [14]  # only the one with a grpc target
    assert "IndexedSlices" in differs["tf.gather"].message
    assert main([_script("differences.py")]) == 0


def test_a_script_without_tensorflow_has_nothing_to_report():
    assert check_file(_script("not_tf.py")) == []


def test_compat_v1_import_and_compat_v1_attribute_chains_map_to_the_root():
    findings = _check("""
        import tensorflow as tf
        x = tf.compat.v1.placeholder(tf.float32)
        y = tf.compat.v1.no_such_op(x)
        from tensorflow.compat.v1 import nn
        z = nn.relu(x)
        w = nn.no_such_activation(x)
    """)
    assert _found(findings, "missing") == {"tf.no_such_op": [4], "tf.nn.no_such_activation": [7]}


def test_module_aliases_and_instances_are_followed():
    findings = _check("""
        import tensorflow as tf
        layers = tf.contrib.layers
        h = layers.fully_connected(x, 10)
        g = layers.not_a_layer(x)
        opt = tf.train.MomentumOptimizer(0.1, 0.9)
        op = opt.minimize(loss)
        grads = opt.compute_gradients(loss)
        bad = opt.minimize_harder(loss)
        opt = something_else()
        fine = opt.minimize_harder(loss)
    """)
    assert _found(findings, "missing") == {
        "tf.contrib.layers.not_a_layer": [5],
        "opt (tf.train.MomentumOptimizer).minimize_harder": [9],
    }


def test_instance_attributes_set_in_init_count_as_present():
    findings = _check("""
        import tensorflow as tf
        dense = tf.layers.Dense(3)
        k = dense.kernel
        n = tf.train.Saver().saver_def_is_not_here
    """)
    assert _found(findings, "missing") == {"tf.train.Saver(...).saver_def_is_not_here": [5]}


def test_from_imports_of_functions_and_modules_are_checked_at_the_import_line():
    findings = _check("""
        from tensorflow.nn import relu, gelu_new
        from tensorflow import layers as L
        from tensorflow.contrib.tpu import nets
        y = L.dense(x, 3)
    """)
    assert _found(findings, "missing") == {"tf.nn.gelu_new": [2], "tf.contrib.tpu.nets": [4]}


def test_notes_option_adds_docstring_differences():
    code = """
        import tensorflow as tf
        y = tf.concat([x, x], axis=1)
    """
    assert _check(code) == []
    (note,) = _check(code, notes=True)
    assert note.kind == "differs" and note.name == "tf.concat" and note.lines == [3]
    assert "axis" in note.message


def test_resolve_reports_the_first_missing_part_and_loads_lazy_namespaces():
    obj, missing_at = resolve(("contrib", "layers", "fully_connected"))
    assert missing_at is None and callable(obj)
    assert resolve(("nn", "no_such_module", "LSTMCell")) == (None, 1)
    obj, missing_at = resolve(("examples", "tutorials", "mnist", "input_data"))
    assert missing_at is None and hasattr(obj, "read_data_sets")


def test_unreadable_file_counts_as_a_failure(tmp_path, capsys):
    bad = tmp_path / "broken.py"
    bad.write_text("import tensorflow as tf\ndef (:\n")
    assert main([str(bad)]) == 1
    assert "cannot check" in capsys.readouterr().out


def test_plain_import_and_conditional_differences():
    findings = _check("""
        import tensorflow
        import tensorflow.compat.v1
        cfg = tensorflow.ConfigProto(gpu_options=tensorflow.GPUOptions(allow_growth=True))
        plain = tensorflow.ConfigProto()
        sess = tensorflow.Session(config=cfg)
        x = tensorflow.contrib.no_such_thing
    """)
    assert _found(findings, "missing") == {"tf.contrib.no_such_thing": [7]}
    assert _found(findings, "differs") == {"tf.ConfigProto": [4]}  # only the one with GPU options
