"""Safe YAML loading: no object construction, duplicate keys refused, line numbers kept."""

from collections.abc import Hashable
from pathlib import Path

import yaml

from .errors import InputError

MAX_FILE_BYTES = 2_000_000


class Mapping(dict):
    """A YAML mapping that remembers the line of itself and of each key (1-based)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.line = 0
        self.key_lines = {}

    def line_of(self, key) -> int:
        """The line of `key`, or of the mapping itself when `key` is not one of its keys."""
        return self.key_lines.get(key, self.line) if isinstance(key, Hashable) else self.line


class _DuplicateKey(Exception):
    def __init__(self, key, line):
        super().__init__(key)
        self.key, self.line = key, line


class _Loader(yaml.SafeLoader):
    """SafeLoader that builds Mapping objects and refuses duplicate keys."""


# libyaml's parser where PyYAML was built with it (the same nodes, several times faster); construction
# stays in Python. A document it refuses is parsed again by the pure-Python parser, whose messages the
# errors quote.
_FastLoader = type("_FastLoader", (yaml.CSafeLoader, _Loader), {}) if yaml.__with_libyaml__ else _Loader


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> Mapping:
    loader.flatten_mapping(node)
    mapping = Mapping()
    mapping.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        key_line = key_node.start_mark.line + 1
        if not isinstance(key, (str, int, float, bool)) and key is not None:
            raise yaml.constructor.ConstructorError(None, None, "a mapping key must be a plain value", key_node.start_mark)
        if key in mapping:
            raise _DuplicateKey(key, key_line)
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_line
    return mapping


def _construct_timestamp(loader: _Loader, node: yaml.ScalarNode):
    """PyYAML raises a bare ValueError for impossible dates (a 32nd of July); report it at its line."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError) as err:
        raise yaml.constructor.ConstructorError(None, None, f"impossible date {node.value!r} ({err})",
                                                node.start_mark) from None


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_TIMESTAMP_TAG = next(tag for tag in yaml.SafeLoader.yaml_constructors if tag and tag.endswith(":timestamp"))
_Loader.add_constructor(_TIMESTAMP_TAG, _construct_timestamp)


def parse_yaml(text: str, name: str):
    """Parse YAML text safely; any problem becomes an InputError naming `name` and the line."""
    try:
        return yaml.load(text, Loader=_FastLoader)  # noqa: S506 - both loaders derive from SafeLoader
    except (yaml.YAMLError, _DuplicateKey, RecursionError):
        pass  # said again below, in the pure-Python parser's words
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader derives from SafeLoader
    except _DuplicateKey as dup:
        raise InputError(f"duplicate key {dup.key!r}", f"{name}:{dup.line}") from None
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = f":{mark.line + 1}" if mark else ""
        raise InputError(f"invalid YAML: {err.problem or err.context}", f"{name}{line}") from None
    except yaml.YAMLError as err:
        raise InputError(f"invalid YAML: {err}", name) from None
    except RecursionError:
        raise InputError("YAML nested too deeply", name) from None


def read_text(path: Path) -> str:
    """Read a UTF-8 input file with a size limit, as an InputError on any failure."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(f"file too large ({size} bytes; the limit is {MAX_FILE_BYTES})", str(path))
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("no such file", str(path)) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a file", str(path)) from None
    except UnicodeDecodeError as err:
        raise InputError(f"not UTF-8 text (byte {err.start})", str(path)) from None
    except OSError as err:
        raise InputError(f"cannot read: {err.strerror}", str(path)) from None
    except ValueError as err:  # a path no file can have, such as one holding a null byte
        raise InputError(f"not a file name: {err}", repr(str(path))) from None


def load_yaml(path: Path):
    """Load one YAML file safely; an empty file is an error."""
    data = parse_yaml(read_text(path), str(path))
    if data is None:
        raise InputError("empty file", str(path))
    return data


def unknown_key(key, allowed, where: str = "") -> str:
    """"unknown key 'placement' (did you mean 'placements'? expected one of: decisions, ...)", `where` after the key
    (" in then")."""
    import difflib
    names = sorted(map(str, allowed))
    close = difflib.get_close_matches(str(key), names, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return f"unknown key {key!r}{where} ({hint}expected one of: {', '.join(names)})"


def top_level(data, path, allowed: set, what: str) -> Mapping:
    """A loaded document that must be a mapping whose keys are all in `allowed`."""
    if not isinstance(data, Mapping):
        raise InputError(f"{what} must be a mapping with keys such as {', '.join(sorted(map(str, allowed))[:3])}",
                         f"{path}:1")
    for key in data:
        if key not in allowed:
            raise InputError("unknown top-level " + unknown_key(key, allowed).removeprefix("unknown "),
                             f"{path}:{data.line_of(key)}")
    return data


def is_whole(value) -> bool:
    """A whole number as YAML reads it (true and false are not numbers, though Python counts them)."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_one_of(value, known) -> bool:
    """`value in known` for a value read from YAML, which may be an (unhashable) list or mapping."""
    return isinstance(value, Hashable) and value in known


class Checker:
    """Shape checks on a loaded document, each failing with one line naming the file and line."""

    def __init__(self, path: Path):
        self.path = path

    def fail(self, node, key, message, rule_id=None):
        line = node.line_of(key) if isinstance(node, Mapping) else getattr(node, "line", 1)
        prefix = f"rule {rule_id}: " if rule_id else ""
        raise InputError(prefix + message, f"{self.path}:{line}")

    def mapping(self, parent, key, allowed=None) -> Mapping:
        """parent[key] as a mapping (empty if absent), its keys within `allowed` where given."""
        node = parent.get(key, Mapping())
        if not isinstance(node, Mapping):
            self.fail(parent, key, f"{key}: must be a mapping")
        for inner in node if allowed else ():
            if inner not in allowed:
                self.fail(node, inner, unknown_key(inner, allowed, f" in {key}"))
        return node

    def text(self, node, key, what, required=True, rule_id=None) -> str | None:
        """node[key] as non-empty text; None if it is absent and not required."""
        value = node.get(key)
        if (key in node or required) and not (isinstance(value, str) and value.strip()):
            quote = " (a number or a date must be quoted to be text)" if isinstance(value, (int, float)) or hasattr(value, "isoformat") else ""
            self.fail(node, key, f"{what}: " * bool(what) + f"{key} must be non-empty text{quote}", rule_id)
        return value

    def texts(self, node, key, what) -> list:
        """node[key] as a non-empty list of text."""
        value = node.get(key)
        if not isinstance(value, list) or not value or not all(isinstance(item, str) for item in value):
            self.fail(node, key, f"{what}: {key} must be a list of text")
        return value
