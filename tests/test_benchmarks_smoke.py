"""benchmarks/run.py --quick runs end to end and writes its JSON report (no timing asserted)."""
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_quick_benchmark_writes_a_report_with_every_workload(tmp_path):
    out = tmp_path / "results.json"
    proc = subprocess.run(
        [sys.executable, os.path.join(ROOT, "benchmarks", "run.py"), "--quick", "--reps", "1",
         "--seconds", "0.005", "--out", str(out)],
        capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads(out.read_text())
    assert set(report["workloads"]) == {
        "W1 softmax regression (steps/s)", "W2 MLP 784-256-256-10 Adam (steps/s)",
        "W4 tiny graph run (runs/s)"}
    for row in report["workloads"].values():
        assert row["graphgrad"]["wall_median"] > 0 and row["numpy"]["cpu_median"] > 0
    assert report["import_s"]["graphgrad"] > 0
    assert [r["layers"] for r in report["graph_build"]] == [10, 20]
    assert "| W1 softmax regression" in proc.stdout


def test_w1_profile_splits_a_step_into_kernels_and_engine_overhead():
    proc = subprocess.run(
        [sys.executable, os.path.join(ROOT, "benchmarks", "profile_w1.py"), "--steps", "200"],
        capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "engine overhead" in proc.stdout and "MatMul" in proc.stdout
