"""TF1 program scaffolding: tf.app.run, tf.flags / tf.app.flags, tf.gfile, tf.logging."""
import logging
import os
import subprocess
import sys
import textwrap

import pytest

import graphgrad as tf
from graphgrad import flags as flags_module


@pytest.fixture
def fv():
    return flags_module.FlagValues()


def test_flags_parse_every_type_and_leave_the_rest(fv):
    tf.flags.DEFINE_string("data_dir", "/tmp/d", "where", flag_values=fv)
    tf.flags.DEFINE_integer("steps", 10, "steps", flag_values=fv)
    tf.flags.DEFINE_float("lr", 0.5, "rate", flag_values=fv)
    tf.flags.DEFINE_boolean("fake", False, "fake data", flag_values=fv)
    tf.flags.DEFINE_bool("shuffle", True, "shuffle", flag_values=fv)
    tf.flags.DEFINE_enum("mode", "train", ["train", "eval"], "mode", flag_values=fv)
    tf.flags.DEFINE_list("layers", "3,4", "sizes", flag_values=fv)
    rest = fv(["prog", "--steps", "7", "--lr=0.01", "--fake", "--noshuffle", "pos",
               "--mode=eval", "--layers=8,9,10", "--", "--steps=1"])
    assert rest == ["prog", "pos", "--steps=1"]
    assert (fv.steps, fv.lr, fv.fake, fv.shuffle, fv.mode) == (7, 0.01, True, False, "eval")
    assert fv.data_dir == "/tmp/d" and fv.layers == ["8", "9", "10"]
    assert fv.flag_values_dict()["steps"] == 7


def test_bad_values_and_unknown_flags_raise(fv):
    tf.flags.DEFINE_integer("n", 1, "n", flag_values=fv)
    tf.flags.DEFINE_enum("m", "a", ["a", "b"], "m", flag_values=fv)
    with pytest.raises(flags_module.IllegalFlagValueError, match="--n=abc"):
        fv(["p", "--n=abc"])
    with pytest.raises(flags_module.IllegalFlagValueError, match="one of"):
        fv(["p", "--m=c"])
    with pytest.raises(flags_module.UnrecognizedFlagError, match="other"):
        fv(["p", "--other=1"])
    assert fv(["p", "--other=1"], known_only=True) == ["p", "--other=1"]


def test_reading_a_flag_parses_sys_argv_lazily(fv, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["prog", "--batch_size=64", "--unknown"])
    tf.flags.DEFINE_integer("batch_size", 32, "batch", flag_values=fv)
    assert not fv.is_parsed()
    assert fv.batch_size == 64
    # Defined after parsing: read from the same command line on first access.
    tf.flags.DEFINE_integer("epochs", 3, "epochs", flag_values=fv)
    assert fv.epochs == 3
    fv.epochs = 5
    assert fv.epochs == 5
    assert getattr(fv, "__flags") == {"batch_size": 64, "epochs": 5}


def test_tf1_4_argument_names_and_duplicates(fv):
    tf.app.flags.DEFINE_string(flag_name="s", default_value="v", docstring="doc", flag_values=fv)
    fv(["p"])
    assert fv.s == "v"
    tf.flags.DEFINE_string("s", "w", "redefined in the same file", flag_values=fv)
    assert fv.s == "w"
    assert tf.app.flags is tf.flags and tf.app.flags.FLAGS is tf.flags.FLAGS


def test_required_flag_without_value_fails(fv):
    tf.flags.DEFINE_string("model", None, "model", flag_values=fv)
    tf.flags.mark_flag_as_required("model", flag_values=fv)
    with pytest.raises(flags_module.IllegalFlagValueError, match="--model"):
        fv(["p"])
    fv(["p", "--model=x"])
    assert fv.model == "x"


SCRIPT = textwrap.dedent("""
    import sys
    import graphgrad as tf
    tf.app.flags.DEFINE_integer("max_steps", 5, "Number of steps.")
    tf.app.flags.DEFINE_string("log_dir", "/tmp/x", "Logs.")
    FLAGS = tf.app.flags.FLAGS

    def main(argv):
        print("steps", FLAGS.max_steps, "dir", FLAGS.log_dir, "argv", argv[1:])
        return 3 if FLAGS.max_steps == 9 else None

    if __name__ == "__main__":
        tf.app.run()
""")


def _run_script(tmp_path, *args):
    path = tmp_path / "prog.py"
    path.write_text(SCRIPT)
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(tf.__file__)))
    return subprocess.run([sys.executable, str(path), *args], capture_output=True, text=True,
                          env=env, timeout=120)


def test_app_run_parses_flags_calls_main_and_exits_with_its_result(tmp_path):
    proc = _run_script(tmp_path, "--max_steps=9", "extra", "--log_dir", "/d")
    assert proc.returncode == 3, proc.stderr
    assert proc.stdout.strip() == "steps 9 dir /d argv ['extra']"
    assert _run_script(tmp_path).returncode == 0
    helped = _run_script(tmp_path, "--help")
    assert helped.returncode == 0 and "--max_steps: Number of steps." in helped.stdout
    bad = _run_script(tmp_path, "--max_steps=x")
    assert bad.returncode == 1 and "--max_steps=x" in bad.stderr


def test_app_run_in_process_passes_remaining_argv():
    tf.flags.DEFINE_integer("scaffold_inproc", 1, "test flag")
    seen = []
    with pytest.raises(SystemExit) as exit_info:
        tf.app.run(main=lambda argv: seen.append(argv) or 0,
                   argv=["p", "--scaffold_inproc=4", "x"])
    assert exit_info.value.code == 0
    assert seen == [["p", "x"]] and tf.flags.FLAGS.scaffold_inproc == 4


def test_gfile_round_trip_text_and_binary(tmp_path):
    d = str(tmp_path / "a" / "b")
    assert not tf.gfile.Exists(d)
    tf.gfile.MakeDirs(d)
    tf.gfile.MakeDirs(d)
    assert tf.gfile.IsDirectory(d)
    with tf.gfile.GFile(os.path.join(d, "t.txt"), "w") as f:
        f.write("one\ntwo\n")
    with tf.gfile.Open(os.path.join(d, "t.txt")) as f:
        assert [line for line in f] == ["one\n", "two\n"]
    with tf.gfile.GFile(os.path.join(d, "b.bin"), "wb") as f:
        f.write(b"\x00\x01")
    with tf.gfile.FastGFile(os.path.join(d, "b.bin"), "rb") as f:
        assert f.read() == b"\x00\x01" and f.size() == 2
    assert tf.gfile.ListDirectory(d) == ["b.bin", "t.txt"]
    assert tf.gfile.Glob(os.path.join(d, "*.txt")) == [os.path.join(d, "t.txt")]
    assert tf.gfile.Stat(os.path.join(d, "t.txt")).length == 8


def test_gfile_errors_are_tf_error_classes(tmp_path):
    missing = str(tmp_path / "missing")
    with pytest.raises(tf.errors.NotFoundError, match="No such file"):
        tf.gfile.GFile(missing).read()
    with pytest.raises(tf.errors.NotFoundError):
        tf.gfile.DeleteRecursively(missing)
    with pytest.raises(tf.errors.NotFoundError):
        tf.gfile.ListDirectory(missing)
    a, b = str(tmp_path / "a"), str(tmp_path / "b")
    for p in (a, b):
        with tf.gfile.GFile(p, "w") as f:
            f.write(p)
    with pytest.raises(tf.errors.AlreadyExistsError):
        tf.gfile.Rename(a, b)
    tf.gfile.Copy(a, str(tmp_path / "c"))
    tf.gfile.Rename(a, b, overwrite=True)
    assert not tf.gfile.Exists(a) and open(b).read() == a
    tf.gfile.Remove(b)
    tf.gfile.DeleteRecursively(str(tmp_path))
    assert not tf.gfile.Exists(str(tmp_path))


def test_logging_levels_and_log_every_n(caplog):
    tf.logging.set_verbosity(tf.logging.INFO)
    assert tf.logging.get_verbosity() == tf.logging.INFO == logging.INFO
    with caplog.at_level(logging.INFO, logger="tensorflow"):
        tf.logging.debug("hidden")
        tf.logging.info("step %d", 3)
        tf.logging.warn("careful")
        for i in range(7):
            tf.logging.log_every_n(tf.logging.INFO, "every %d", 3, i)
        for i in range(5):
            tf.logging.log_first_n(tf.logging.WARN, "first %d", 2, i)
        tf.logging.fatal("bad")
    messages = [r.getMessage() for r in caplog.records if r.name == "tensorflow"]
    assert messages == ["step 3", "careful", "every 0", "every 3", "every 6", "first 0",
                        "first 1", "bad"]
    tf.logging.set_verbosity(tf.logging.WARN)
