"""Every shell command README.md and docs/ show is run here or by CI, so none can drift.

The ```python blocks are checked by tests/test_docs.py; this file covers the ```bash blocks.
Commands run literally (python = this interpreter, mpiexec = the one `graphgrad[mpi]` installs),
except the install/test/site-build commands .ci/run itself runs, the full benchmark (minutes;
run here in its --quick mode, with the same script and workloads), and the cluster launch line,
which needs a hostfile and other machines and is only checked to name real launcher flags.
"""
import os
import shlex
import subprocess
import sys

import pytest

from tests.test_distributed import _launcher

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PAGES = ["README.md"] + [os.path.join("docs", p) for p in sorted(os.listdir(
    os.path.join(ROOT, "docs"))) if p.endswith(".md")]
# Commands .ci/run runs (a README command must be one of these, or a prefix that CI extends).
CI_COMMANDS = ("pip install -e .", "pip install -e '.[test]'", "python -m pytest",
               "pip install -e '.[docs]'", "mkdocs build")
CLUSTER_ONLY = {"mpiexec -f hosts -n 8 -ppn 4 python train.py"}


def shell_commands():
    """(page, command) for each `&&`-separated command of each ```bash block line."""
    out = []
    for page in PAGES:
        with open(os.path.join(ROOT, page), encoding="utf-8") as f:
            lines = f.read().split("\n")
        inside = False
        for line in lines:
            if line.startswith("```"):
                inside = line.strip() == "```bash" if not inside else False
                continue
            if inside:
                code = line.split(" #")[0].strip()
                out += [(page, c.strip()) for c in code.split("&&") if c.strip()]
    return out


COMMANDS = shell_commands()


def test_the_readme_shows_its_setup_test_and_mpi_commands():
    shown = [c for _, c in COMMANDS]
    assert "python -m graphgrad.demo" in shown and "python -m pytest" in shown
    assert any(c.startswith("mpiexec -n 2") for c in shown)


def test_ci_runs_the_install_test_and_site_commands():
    with open(os.path.join(ROOT, ".ci", "run"), encoding="utf-8") as f:
        ci = f.read()
    assert "-e '.[test,docs]'" in ci and "python -m pytest" in ci and "mkdocs build" in ci
    with open(os.path.join(ROOT, "pyproject.toml"), encoding="utf-8") as f:
        project = f.read()
    for page, command in COMMANDS:
        if command.startswith("pip install"):
            for extra in shlex.split(command)[-1].partition("[")[2].rstrip("]").split(","):
                assert not extra or f"\n{extra} = [" in project, (page, command, extra)


@pytest.mark.parametrize("page,command", [pc for pc in COMMANDS
                                          if not pc[1].startswith(CI_COMMANDS)
                                          and pc[1] not in CLUSTER_ONLY])
def test_shown_command_runs(page, command):
    argv = shlex.split(command)
    argv = [sys.executable if a == "python" else a for a in argv]
    if argv[1:2] == ["benchmarks/run.py"]:
        argv = argv[:2] + ["--quick", "--out", os.devnull]
    if argv[0] == "mpiexec":
        argv[0] = _launcher("mpiexec")
    env = dict(os.environ, PYTHONPATH=ROOT, OPENBLAS_NUM_THREADS="1", UCX_TLS="self,sm")
    result = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, f"{page}: {command}\n{result.stdout[-2000:]}" \
                                   f"{result.stderr[-2000:]}"


def test_the_cluster_line_uses_flags_mpich_knows():
    assert CLUSTER_ONLY <= {c for _, c in COMMANDS}
    usage = subprocess.run([_launcher("mpiexec"), "--help"], capture_output=True, text=True,
                           timeout=60)
    for flag in ("-f", "-ppn"):
        assert f"{flag} " in usage.stdout + usage.stderr
