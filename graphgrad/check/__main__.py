"""`python -m graphgrad.check script.py [more.py ...]`: exit 0 when every TF name is provided."""
import argparse
import sys

from . import check_file


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m graphgrad.check",
        description="Statically list the TF 1.x APIs a script uses that graphgrad does not "
                    "provide, and the known differences it relies on. Nothing is executed.")
    parser.add_argument("scripts", nargs="+", help="Python files to check")
    parser.add_argument("--notes", action="store_true",
                        help="also show the 'Differs from TF' note of every name used that has one")
    args = parser.parse_args(argv)
    missing = differs = 0
    for path in args.scripts:
        try:
            findings = check_file(path, args.notes)
        except (OSError, SyntaxError) as e:
            print(f"{path}: cannot check: {e}")
            missing += 1
            continue
        for finding in findings:
            print(finding.format())
        missing += sum(f.kind == "missing" for f in findings)
        differs += sum(f.kind == "differs" for f in findings)
    n = len(args.scripts)
    verdict = "not supported" if missing else "supported"
    print(f"{n} file{'s' if n != 1 else ''} checked: {missing} missing name(s), {differs} known "
          f"difference(s): {verdict}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
