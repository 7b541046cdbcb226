"""run.py's report: graphgrad's ratios to each peer and the Markdown tables."""

NAMES = {"graphgrad": "graphgrad", "graphgrad_numpy": "graphgrad, NumPy only",
         "numpy": "NumPy by hand", "tf": "TF 1.x Session",
         "torch": "PyTorch eager", "jax": "JAX jit"}


def ratios(results, key="wall_median"):
    """{workload: {"graphgrad/<peer>": graphgrad's wall-clock speed over the peer's}}; `key`
    "busy_wall_median" gives the same under load."""
    out = {}
    for name, row in results.items():
        gg = row["graphgrad"][key]
        out[name] = {f"graphgrad/{k}": gg / v[key] for k, v in row.items() if k != "graphgrad"}
    return out


def _speed(v, tiny):
    text = f"{v:,.0f}" if v >= 100 else f"{v:,.1f}"
    return text + (f" ({1e6 / v:.1f} µs)" if tiny else "")


def _grid(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|---" * len(header) + "|"]
    return lines + ["| " + " | ".join(r) + " |" for r in rows]


def quiet_table(report):
    """Medians (wall clock); each peer cell also shows graphgrad's speed over the peer's."""
    impls = report["implementations"]
    rows = []
    for name, row in report["workloads"].items():
        tiny = name.startswith("W4")
        cells = [_speed(row["graphgrad"]["wall_median"], tiny)]
        for k in impls[1:]:
            ratio = report["ratios"][name][f"graphgrad/{k}"]
            cells.append(f"{_speed(row[k]['wall_median'], tiny)} · **{ratio:.2f}×**")
        rows.append([name] + cells)
    return _grid(["workload"] + [NAMES[k] for k in impls], rows)


def _busy_cell(entry):
    if entry is None:
        return "-"
    return (f"{entry['busy_wall_median']:,.1f} · {entry['busy_ratio']:.2f}× "
            f"(cpu {entry['busy_cpu_ratio']:.2f}×)")


def busy_table(report, key="workloads"):
    """Busy speed and busy/quiet ratio (wall clock; CPU-time ratio in brackets)."""
    impls = report["implementations"]
    rows = [[name] + [_busy_cell(row.get(k)) for k in impls] for name, row in report[key].items()]
    return _grid(["busy: speed · busy/quiet"] + [NAMES[k] for k in impls], rows)


def table(report):
    lines = ["Quiet (steps/s, medians; peer cells: speed · graphgrad/peer):", ""]
    lines += quiet_table(report)
    if report.get("busy"):
        lines += ["", "Busy (a process spinning on one core during the blocks):", ""]
        lines += busy_table(report)
    if report.get("busy_default_threads"):
        lines += ["", "Busy vs quiet at each library's default threads (one process each, "
                  "benchmarks/busy.py):", ""]
        lines += busy_table(report, "busy_default_threads")
    imp = report["import_s"]
    lines.append("\nimport time (median, fresh interpreter): " + ", ".join(
        f"{k} {v:.3f} s" for k, v in imp.items()))
    for name, mem in report["peak_memory_bytes"].items():
        lines.append(f"peak extra memory of one step, {name.split(' (')[0]}: graphgrad "
                     f"{mem['graphgrad'] / 2**20:.2f} MiB (retained "
                     f"{mem['graphgrad_retained'] / 2**20:.2f} MiB), NumPy by hand "
                     f"{mem['numpy'] / 2**20:.2f} MiB")
    for r in report["graph_build"]:
        lines.append(f"{r['layers']:>5} layers: build {r['build_s']:.3f} s "
                     f"({r['build_us_per_layer']:.0f} us/layer), gradients "
                     f"{r['gradients_s']:.3f} s ({r['gradients_us_per_layer']:.0f} us/layer)")
    return "\n".join(lines)
