"""Every ```python block of docs/*.md runs, and every output shown is the real output.

Conventions (also for README.md):
- In docs/*.md every ```python block runs; in README.md only those right after a
  `<!-- runnable -->` line. A page's blocks run in order in one namespace, as one program named
  after the page (`quickstart.py`): line numbers in outputs count lines of that program.
- A ```text block right after a `<!-- output -->` line is the output (stdout and stderr) of the
  python block just before it. A block that raises shows `ErrorClass: message` as its last
  output line; a block may raise only when an output block follows it.
- Comparison: trailing spaces ignored, floats compared to 4 significant digits, `0x...`
  addresses ignored; `...` in the shown output matches any text (a line holding only `...`
  matches any number of lines).
`python tests/test_docs.py --update docs/page.md` rewrites the output blocks of a page that do not
match a real run (matching ones, `...` included, are kept as written).
"""
import contextlib
import io
import os
import re
import sys
from dataclasses import dataclass

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCS = os.path.join(ROOT, "docs")
FENCE = re.compile(r"^(`{3,})([\w+-]*)\s*$")
# Pages print arrays as a fresh NumPy does, whatever an earlier test set.
NUMPY_PRINT_DEFAULTS = dict(precision=8, threshold=1000, edgeitems=3, linewidth=75,
                            suppress=False, nanstr="nan", infstr="inf", sign="-",
                            floatmode="maxprec", legacy=False)
FLOAT = re.compile(r"-?\d+\.\d+(?:e[+-]?\d+)?")


@dataclass
class Block:
    kind: str   # "python" or "output"
    text: str
    start: int  # index of the first content line in the page's lines
    end: int    # index of the closing fence


def parse(text, runnable_only=False):
    """The python and output blocks of a Markdown page, in order."""
    lines = text.split("\n")
    blocks, marker, i = [], None, 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            if lines[i].strip():
                marker = lines[i].strip()
            i += 1
            continue
        fence, lang = m.group(1), m.group(2)
        j = i + 1
        while j < len(lines) and lines[j].rstrip() != fence:
            j += 1
        body = "\n".join(lines[i + 1:j]) + "\n"
        if lang == "python" and (not runnable_only or marker == "<!-- runnable -->"):
            blocks.append(Block("python", body, i + 1, j))
        elif lang == "text" and marker == "<!-- output -->":
            blocks.append(Block("output", body, i + 1, j))
        marker, i = None, j + 1
    return blocks


def run_page(path, runnable_only=False):
    """Run a page's python blocks; [(block, real output, output block or None)]."""
    import graphgrad as tf
    with open(path, encoding="utf-8") as f:
        blocks = parse(f.read(), runnable_only)
    name = os.path.splitext(os.path.basename(path))[0] + ".py"
    tf.reset_default_graph()
    namespace = {"__name__": "__main__"}
    results, offset = [], 0
    for k, block in enumerate(blocks):
        if block.kind != "python":
            continue
        shown = blocks[k + 1] if k + 1 < len(blocks) and blocks[k + 1].kind == "output" else None
        out = io.StringIO()
        code = compile("\n" * offset + block.text, name, "exec")
        offset += block.text.count("\n")
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out), \
                np.printoptions(**NUMPY_PRINT_DEFAULTS):
            try:
                exec(code, namespace)
            except Exception as e:  # shown as the last output line, as doctest does
                if shown is None:
                    raise AssertionError(f"{path}, block at line {block.start}: raised "
                                         f"{type(e).__name__}: {e}") from e
                print(f"{type(e).__name__}: {e}")
        results.append((block, out.getvalue(), shown))
    return results


def _normal(line):
    line = re.sub(r"0x[0-9a-f]+", "0x…", line.rstrip())
    return FLOAT.sub(lambda m: f"{float(m.group()):.4g}", line)


def matches(shown, real):
    """Whether the shown output matches the real one (see the module docstring)."""
    want = [_normal(x) for x in shown.rstrip("\n").split("\n")]
    got = [_normal(x) for x in real.rstrip("\n").split("\n")]
    pattern = "".join(r"(?:.*\n)*?" if w == "..." else
                        ".*".join(re.escape(p) for p in w.split("...")) + "\n" for w in want)
    return re.fullmatch(pattern, "\n".join(got) + "\n") is not None


def check_page(path, runnable_only=False):
    for _, real, shown in run_page(path, runnable_only):
        if shown is not None and not matches(shown.text, real):
            raise AssertionError(
                f"{path}, output block at line {shown.start}: shown\n{shown.text}\nbut the "
                f"code printed\n{real}\n(refresh: python tests/test_docs.py --update {path})")


PAGES = sorted(f for f in os.listdir(DOCS) if f.endswith(".md")) if os.path.isdir(DOCS) else []


@pytest.mark.parametrize("page", PAGES)
def test_docs_page_runs_and_shows_its_real_output(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    check_page(os.path.join(DOCS, page))


def test_readme_runnable_blocks_run_and_show_their_real_output(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    check_page(os.path.join(ROOT, "README.md"), runnable_only=True)


def test_docs_pages_hold_code_and_checked_output():
    for page in PAGES:
        if page == "compatibility.md":
            continue
        with open(os.path.join(DOCS, page), encoding="utf-8") as f:
            kinds = [b.kind for b in parse(f.read())]
        assert "python" in kinds and "output" in kinds, page


PAGE = """# A page

```python
x = 6 * 7
print("x is", x, 1 / 3)
```

<!-- output -->
```text
x is 42 0.333333
```

```bash
not run
```

<!-- runnable -->
```python
raise ValueError("bad shape")
```

<!-- output -->
```text
ValueError: bad shape
```
"""


def test_runner_accepts_true_output_and_rejects_a_changed_one(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(PAGE)
    check_page(str(page))
    page.write_text(PAGE.replace("x is 42", "x is 43"))
    with pytest.raises(AssertionError, match="shown"):
        check_page(str(page))


def test_runner_fails_on_an_exception_without_shown_output(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(PAGE.split("<!-- output -->\n```text\nValueError")[0])
    with pytest.raises(AssertionError, match="raised ValueError: bad shape"):
        check_page(str(page))


def test_readme_mode_runs_only_marked_blocks(tmp_path):
    page = tmp_path / "README.md"
    page.write_text(PAGE)
    ran = run_page(str(page), runnable_only=True)
    assert [real for _, real, _ in ran] == ["ValueError: bad shape\n"]


def test_ellipsis_matches_any_text_and_any_lines():
    assert matches("a ... c\n...\nend\n", "a b b c\nx\ny\nend\n")
    assert matches("a\n...\nend\n", "a\nend\n")
    assert not matches("a ... c\nend\n", "a b b d\nend\n")
    assert matches("loss 0.1235\n", "loss 0.12345678\n")
    assert not matches("loss 0.1236\n", "loss 0.12\n")


def _update(path):
    """Rewrite the output blocks of a page that do not match a real run (others are kept)."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for _, real, shown in reversed(run_page(path)):
        if shown is not None and not matches(shown.text, real):
            lines[shown.start:shown.end] = real.rstrip("\n").split("\n")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":
    if sys.argv[1:2] != ["--update"]:
        sys.exit("usage: python tests/test_docs.py --update docs/page.md [...]")
    sys.path.insert(0, ROOT)
    import tempfile
    pages = [os.path.abspath(p) for p in sys.argv[2:]]
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)  # as the tests run: files a page writes land in a fresh folder
        for p in pages:
            _update(p)
