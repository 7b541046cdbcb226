"""`tf.flags` (also `tf.app.flags`): command-line flags as TF1 scripts define them, parsed from
sys.argv the first time a value is read, as TF's absl-backed FLAGS did."""
import os
import sys


class Error(Exception):
    """Base of the flag errors (absl's `flags.Error`)."""


class IllegalFlagValueError(Error):
    pass


class UnrecognizedFlagError(Error):
    pass


class DuplicateFlagError(Error):
    pass


class UnparsedFlagAccessError(Error):
    pass


def _parse_bool(text):
    low = str(text).lower()
    if low in ("true", "t", "1", "yes", "y"):
        return True
    if low in ("false", "f", "0", "no", "n"):
        return False
    raise ValueError(f"Non-boolean argument to boolean flag: {text!r}")


def _parse_list(text):
    return [] if text == "" else [s.strip() for s in str(text).split(",")]


class Flag:
    """One flag: its parser, default, help and current value."""

    def __init__(self, name, default, help, parser, kind, module, enum_values=None):
        self.name = name
        self.help = help
        self.parser = parser
        self.kind = kind
        self.module = module
        self.enum_values = enum_values
        self.present = 0
        self.default = None if default is None else self.parse(default)
        self.value = self.default

    def parse(self, value):
        """The flag's value for `value` (command-line text, or a default of any type)."""
        if self.kind == "list" and isinstance(value, (list, tuple)):
            return [str(v) for v in value]
        try:
            parsed = self.parser(value)
        except (TypeError, ValueError) as e:
            raise IllegalFlagValueError(f"flag --{self.name}={value}: {e}") from None
        if self.enum_values is not None and parsed not in self.enum_values:
            raise IllegalFlagValueError(f"flag --{self.name}={value}: value should be one of "
                                        f"<{'|'.join(self.enum_values)}>")
        return parsed


class FlagValues:
    """The flag registry (absl's FlagValues): attribute access reads a flag's value, parsing
    sys.argv first (unknown arguments tolerated) if that has not happened yet."""

    def __init__(self):
        self.__dict__["_flags"] = {}
        self.__dict__["_parsed"] = False
        self.__dict__["_argv"] = None
        self.__dict__["_required"] = set()

    def __getattr__(self, name):
        flags = self.__dict__["_flags"]
        if name not in flags:
            raise AttributeError(name)
        if not self.__dict__["_parsed"]:
            self(sys.argv if self.__dict__["_argv"] is None else self.__dict__["_argv"],
                 known_only=True)
        return flags[name].value

    def __setattr__(self, name, value):
        flags = self.__dict__["_flags"]
        if name not in flags:
            raise AttributeError(f"Unknown flag --{name}: define it with tf.flags.DEFINE_*.")
        flags[name].value = value

    def __contains__(self, name):
        return name in self.__dict__["_flags"]

    def __iter__(self):
        return iter(self.__dict__["_flags"])

    def __getitem__(self, name):
        return self.__dict__["_flags"][name]

    def __call__(self, argv, known_only=False):
        """Parses `argv` (argv[0] is the program); returns argv[0] plus what was not a flag."""
        argv = list(argv)
        self.__dict__["_argv"] = argv
        rest = argv[:1]
        args = iter(argv[1:])
        for arg in args:
            if arg == "--":
                rest.extend(args)
                break
            if not arg.startswith("-") or arg == "-":
                rest.append(arg)
                continue
            if not self._parse_one(arg, args):
                if not known_only:
                    raise UnrecognizedFlagError(f"Unknown command line flag '{arg.lstrip('-')}'")
                rest.append(arg)
        self.__dict__["_parsed"] = True
        for name in sorted(self.__dict__["_required"]):
            if self.__dict__["_flags"][name].value is None:
                raise IllegalFlagValueError(f"flag --{name}=None: Flag --{name} must have a "
                                            "value other than None.")
        return rest

    def _parse_one(self, arg, args):
        body = arg.lstrip("-")
        name, eq, text = body.partition("=")
        flags = self.__dict__["_flags"]
        flag = flags.get(name)
        if flag is None and name.startswith("no") and not eq:
            negated = flags.get(name[2:])
            if negated is not None and negated.kind == "bool":
                negated.value, negated.present = False, 1
                return True
        if flag is None:
            return False
        if not eq:
            if flag.kind == "bool":
                text = "true"
            else:
                text = next(args, None)
                if text is None:
                    raise IllegalFlagValueError(f"Flag --{name} must have a value other than "
                                                "None.")
        flag.value = flag.parse(text)
        flag.present = 1
        return True

    def is_parsed(self):
        return self.__dict__["_parsed"]

    def mark_as_parsed(self):
        self.__dict__["_parsed"] = True

    def unparse_flags(self):
        for flag in self.__dict__["_flags"].values():
            flag.value, flag.present = flag.default, 0
        self.__dict__["_parsed"] = False

    def flag_values_dict(self):
        """{name: value} of every flag."""
        self._ensure_parsed()
        return {name: f.value for name, f in self.__dict__["_flags"].items()}

    def _parse_flags(self, args=None):
        """TF <= 1.4's spelling: parses (known flags of) `args` or sys.argv; returns the rest."""
        return self(sys.argv if args is None else [sys.argv[0]] + list(args), known_only=True)[1:]

    def _ensure_parsed(self):
        if not self.__dict__["_parsed"]:
            self(sys.argv, known_only=True)

    def _register(self, flag):
        flags = self.__dict__["_flags"]
        old = flags.get(flag.name)
        if old is not None and old.module != flag.module:
            raise DuplicateFlagError(f"The flag '{flag.name}' is defined twice: first in "
                                     f"{old.module} and second in {flag.module}.")
        flags[flag.name] = flag
        # A flag defined after parsing reads its value from the same command line (TF <= 1.4).
        if self.__dict__["_parsed"]:
            self.__dict__["_parsed"] = False

    def help_text(self):
        lines = []
        for name, f in sorted(self.__dict__["_flags"].items()):
            lines.append(f"  --{name}: {f.help}\n    (default: '{_show(f.default)}')")
        return "\n".join(lines)

    def __dir__(self):
        return list(self.__dict__["_flags"])


# TF <= 1.4 scripts print FLAGS.__flags (a {name: value} dict); set outside the class body,
# where the name would be mangled.
setattr(FlagValues, "__flags", property(lambda self: self.flag_values_dict()))


def _show(value):
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return value


FLAGS = FlagValues()


def _caller_file():
    frame = sys._getframe(3)
    return os.path.abspath(frame.f_code.co_filename)


def _define(kind, parser, name, default, help, flag_values, enum_values=None, **kwargs):
    # TF <= 1.4 named the arguments flag_name, default_value, docstring.
    name = kwargs.pop("flag_name", name)
    default = kwargs.pop("default_value", default)
    help = kwargs.pop("docstring", help)
    flag = Flag(name, default, help or "", parser, kind, _caller_file(), enum_values)
    (flag_values or FLAGS)._register(flag)
    return flag


def DEFINE_string(name=None, default=None, help=None, flag_values=None, **kwargs):  # noqa: N802
    """Defines a string flag --name (default `default`)."""
    return _define("string", str, name, default, help, flag_values, **kwargs)


def DEFINE_integer(name=None, default=None, help=None, flag_values=None, lower_bound=None,  # noqa: N802
                   upper_bound=None, **kwargs):
    """Defines an integer flag --name."""
    def parse(text):
        value = int(text)
        if (lower_bound is not None and value < lower_bound) or (
                upper_bound is not None and value > upper_bound):
            raise ValueError(f"{value} is not in [{lower_bound}, {upper_bound}]")
        return value
    return _define("integer", parse, name, default, help, flag_values, **kwargs)


def DEFINE_float(name=None, default=None, help=None, flag_values=None, **kwargs):  # noqa: N802
    """Defines a float flag --name."""
    return _define("float", float, name, default, help, flag_values, **kwargs)


def DEFINE_boolean(name=None, default=None, help=None, flag_values=None, **kwargs):  # noqa: N802
    """Defines a boolean flag: --name, --noname, --name=true/false."""
    return _define("bool", _parse_bool, name, default, help, flag_values, **kwargs)


DEFINE_bool = DEFINE_boolean


def DEFINE_enum(name=None, default=None, enum_values=None, help=None, flag_values=None,  # noqa: N802
                **kwargs):
    """Defines a string flag restricted to `enum_values`."""
    return _define("enum", str, name, default, help, flag_values, list(enum_values or ()),
                   **kwargs)


def DEFINE_list(name=None, default=None, help=None, flag_values=None, **kwargs):  # noqa: N802
    """Defines a comma-separated list flag (value: a list of strings)."""
    return _define("list", _parse_list, name, default, help, flag_values, **kwargs)


def mark_flag_as_required(name, flag_values=None):
    """Makes tf.app.run fail when --name is not given."""
    (flag_values or FLAGS).__dict__["_required"].add(name)


__all__ = ["FLAGS", "FlagValues", "Flag", "Error", "IllegalFlagValueError",
           "UnrecognizedFlagError", "DuplicateFlagError", "DEFINE_string", "DEFINE_integer",
           "DEFINE_float", "DEFINE_boolean", "DEFINE_bool", "DEFINE_enum", "DEFINE_list",
           "mark_flag_as_required"]
