"""A plan's steps as one generated Python function: locals instead of a slot list, one line per
kernel call, so a run costs a call per step and nothing else (no per-step dispatch or lookups).
"""
from . import rewrite as _rewrite

_PLAN_COUNT = [0]


def generate(steps, template, feed_slots, fetch_slots):
    """Source for `def run(<feeds>): ...; return (<fetches>,)`: line i + 2 runs step i."""
    namespace = {f"v{s}": v for s, v in template.items()}
    lines = ["def run(" + "".join(f"v{s}, " for s in feed_slots) + "):"]
    for i, st in enumerate(steps):
        fn = st.fn
        if st.memo is not None:
            fn = _rewrite.memo_wrapper(fn, st.memo, len(st.ins), len(st.outs) != 1)
        st.call = fn
        namespace[f"k{i}"] = fn
        args = []
        for j, src in enumerate(st.ins):
            if isinstance(src, int):
                args.append(f"v{src}")
            else:
                namespace[f"r{i}_{j}"] = src[1]
                args.append(f"r{i}_{j}()")
        if len(st.outs) == 1:
            outs = f"v{st.outs[0]} = "
        else:
            outs = "".join(f"v{o}, " for o in st.outs) + "= " if st.outs else ""
        call = f"k{i}({', '.join(args)})"
        if outs and args and all(isinstance(src, int) for src in st.ins):
            call = _inlined(i, fn, args, call, namespace)
        lines.append(f"    {outs}{call}")
    lines.append("    return (" + "".join(
        "None, " if s is None else f"v{s}, " for s in fetch_slots) + ")")
    _PLAN_COUNT[0] += 1
    code = compile("\n".join(lines) + "\n", f"<graphgrad plan {_PLAN_COUNT[0]}>", "exec")
    exec(code, namespace)  # noqa: S102 - our own generated source, no user text in it
    fn = namespace["run"]
    return fn, fn.__code__


def _inlined(i, fn, args, call, namespace):
    """`call` behind an inline test that answers without calling when it can: a memo hit (by
    input identity or shape, rewrite.memo_wrapper), or a SumToShape whose gradient already has
    the target shape. A test costs a comparison per input; a Python call costs far more."""
    state = getattr(fn, "memo_state", None)
    if state is not None and len(state) == len(args) + 1:
        namespace[f"m{i}"] = state
        if fn.memo_kind == "shape":
            tests = [f"getattr({a}, 'shape', m{i}) == m{i}[{j}]" for j, a in enumerate(args)]
        else:
            tests = [f"{a} is m{i}[{j}]" for j, a in enumerate(args)]
        return f"m{i}[{len(args)}] if {' and '.join(tests)} else {call}"
    last = getattr(fn, "passthrough", None)
    if last is not None and len(args) == 2:
        namespace[f"p{i}"] = last
        g, s = args
        return f"{g} if {s} is p{i}[0] and getattr({g}, 'shape', p{i}) == p{i}[1] else {call}"
    return call
