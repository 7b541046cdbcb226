"""docs/compatibility.md is generated from the package and must be kept up to date."""
import graphgrad as tf
from graphgrad import compat_table

REFRESH = "python -m graphgrad.compat_table --write"


def test_committed_compatibility_table_is_up_to_date():
    with open(compat_table.default_path(), encoding="utf-8") as f:
        committed = f.read()
    fresh = compat_table.generate()
    if committed != fresh:
        old, new = set(committed.splitlines()), set(fresh.splitlines())
        changes = [f"- {line}" for line in sorted(old - new)[:5]]
        changes += [f"+ {line}" for line in sorted(new - old)[:5]]
        raise AssertionError("docs/compatibility.md is stale; refresh it with:\n    "
                             f"{REFRESH}\nfirst differences:\n" + "\n".join(changes))


def test_table_lists_names_by_namespace_with_their_docstring_differences():
    text = compat_table.generate()
    assert "| `tf.placeholder` | function |  |" in text
    assert "| `tf.train.AdamOptimizer` | class |  |" in text
    assert "| `tf.errors.InvalidArgumentError` | exception |  |" in text
    gather = next(line for line in text.splitlines() if line.startswith("| `tf.gather` |"))
    assert "IndexedSlices" in gather
    assert "| `tf.contrib.layers.fully_connected` |" in text


def test_table_leaves_out_modules_private_names_and_graphgrad_internals():
    text = compat_table.generate()
    assert "`tf.train.saver`" not in text      # a graphgrad submodule, not a TF name
    assert "`tf._LAZY`" not in text
    assert "`tf.nn` | function" not in text


def test_every_listed_name_resolves_in_the_package():
    from graphgrad.check import resolve
    listed = [line.split("`")[1] for line in compat_table.generate().splitlines()
              if line.startswith("| `tf.") and "| function |" in line]
    assert len(listed) > 400
    for name in listed:
        obj, missing_at = resolve(tuple(name.split(".")[1:]))
        assert missing_at is None and callable(obj), name
    assert tf.placeholder is resolve(("placeholder",))[0]
