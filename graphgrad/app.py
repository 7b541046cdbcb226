"""`tf.app`: `run` parses the command-line flags, then calls the program's main."""
import sys

from . import flags

_HELP = ("-h", "--help", "-help", "--helpshort", "--helpfull")


def _usage(argv0):
    return f"USAGE: {argv0} [flags]\n\nflags:\n{flags.FLAGS.help_text()}\n"


def run(main=None, argv=None):
    """Parses the flags in `argv` (default sys.argv), then `sys.exit(main(remaining_argv))`;
    `main` defaults to the `main` function of the `__main__` module.

    `--help` prints the flags and exits with status 0; a bad flag value prints the error and
    the usage to stderr and exits with status 1 (as absl's app.run does).
    """
    args = list(sys.argv if argv is None else argv)
    argv0 = args[0] if args else ""
    if any(a in _HELP for a in args[1:]):
        sys.stdout.write(_usage(argv0))
        sys.exit(0)
    try:
        remaining = flags.FLAGS(args, known_only=True)
    except flags.Error as e:
        sys.stderr.write(f"FATAL Flags parsing error: {e}\nPass --help to see the flags.\n")
        sys.exit(1)
    main = main or sys.modules["__main__"].main
    sys.exit(main(remaining))


__all__ = ["run", "flags"]
