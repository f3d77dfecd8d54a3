"""Load the YAML rule sets under `rules/`.

Patterns that are data, not logic, live in YAML so an analyst can extend the
tool for a new province without touching code. Extra rule directories can be
named in the environment variable ``PLANCLI_RULES`` (separated by the OS path
separator); a file there with the same name as a bundled one is merged into it:
lists are appended, mappings are updated key by key (recursively), a list entry
with the `name` of a bundled entry replaces it, and a top-level ``remove:``
mapping drops bundled entries by name. Extension files are checked first
(`plancli.rule_checks`): shape, bounded YAML aliases, safe regular expressions.

Parsing YAML (and importing the YAML library) costs more than a whole
normalize run on a short notice, so the parsed form of every rule file is
cached as JSON in ``$PLANCLI_CACHE`` (default: the user cache directory),
named by a digest of the file's bytes: an edited rule file is simply a new
cache entry, and an unwritable cache only means parsing every time.
"""

from __future__ import annotations

import json
import os
import sys
import zlib
from functools import cache
from typing import Any

# Paths are plain strings here: this module sits on the start-up path of every
# command, and pathlib alone costs more to import than reading all the rules.
BUNDLED_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "rules")
ENV_VAR = "PLANCLI_RULES"


def rule_dirs() -> list[str]:
    """Bundled rules first, then every directory named in ``PLANCLI_RULES``."""
    extra = os.environ.get(ENV_VAR, "")
    return [BUNDLED_DIR, *(p for p in extra.split(os.pathsep) if p)]


def merge(base: Any, extra: Any) -> Any:
    """Merge an extension rule file into the bundled one.

    Mappings merge key by key; lists get the new entries appended, except that an
    entry whose `name` is already in the list replaces that entry in place.
    """
    if isinstance(base, dict) and isinstance(extra, dict):
        merged = dict(base)
        for key, value in extra.items():
            merged[key] = merge(base[key], value) if key in base else value
        return merged
    if isinstance(base, list) and isinstance(extra, list):
        overrides = {entry_name(item): item for item in extra if entry_name(item) is not None}
        merged_list = [overrides.get(entry_name(item), item) for item in base]
        base_names = {entry_name(item) for item in base} - {None}
        added = [
            item
            for item in extra
            if item not in base and (entry_name(item) is None or entry_name(item) not in base_names)
        ]
        return merged_list + added
    return extra


def entry_name(item: Any) -> Any:
    """The `name` of a list entry that is a mapping with one, else None."""
    return item.get("name") if isinstance(item, dict) else None


def cache_dir() -> str:
    if explicit := os.environ.get("PLANCLI_CACHE"):
        return explicit
    home = os.path.expanduser("~")
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or os.path.join(home, "AppData", "Local")
    else:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(home, ".cache")
    return os.path.join(base, "plancli", "rules")


def yaml_loader() -> Any:
    """The safe YAML loader, in C (libyaml) when the installed PyYAML has it."""
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(raw: bytes) -> Any:
    import yaml

    return yaml.load(raw.decode("utf-8"), Loader=yaml_loader())


def _read_yaml(path: str, trusted: bool = True) -> Any:
    """Parse a rule file, through the JSON cache when it holds this exact content.

    The cache key is the file's length and CRC-32: a key, not a security check.
    An untrusted (extension) file is parsed with bounded aliases and depth.
    """
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as exc:
        from plancli.rule_checks import RulesError

        raise RulesError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    stem = os.path.splitext(os.path.basename(path))[0]
    cached = os.path.join(cache_dir(), f"{stem}-{len(raw)}-{zlib.crc32(raw):08x}.json")
    try:
        with open(cached, "rb") as handle:
            return json.loads(handle.read())
    except (OSError, ValueError):
        pass
    if trusted:
        data = parse_yaml(raw)
    else:
        from plancli.rule_checks import parse_untrusted

        data = parse_untrusted(raw, path, yaml_loader())
    _store(cached, data)
    return data


def _store(target: str, data: Any) -> None:
    """Cache parsed rules, unless JSON would change them (integer keys, dates ...)."""
    import tempfile

    try:
        if json.loads(json.dumps(data, ensure_ascii=False)) != data:
            return
        folder = os.path.dirname(target)
        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False)
        os.replace(tmp, target)
    except (OSError, TypeError, ValueError):
        pass  # a read-only or odd cache never stops the tool


@cache
def load(name: str) -> Any:
    """Return the merged content of ``<name>.yaml`` across all rule directories."""
    result: Any = None
    found = False
    for directory in rule_dirs():
        path = os.path.join(directory, f"{name}.yaml")
        if os.path.isfile(path):
            result = extend(result, path) if found else _read_yaml(path)
            found = True
    if not found:
        raise FileNotFoundError(f"no rule file {name}.yaml in {', '.join(rule_dirs())}")
    return result


def extend(rules: Any, path: str) -> Any:
    """Check an analyst's rule file against `rules`, then add, override and remove."""
    from plancli import rule_checks

    data = _read_yaml(path, trusted=False)
    if data is None:
        return rules
    rule_checks.validate(data, rules, path)
    removals = data.pop(rule_checks.REMOVE_KEY, None) if isinstance(data, dict) else None
    merged = merge(rules, data)
    return merged if removals is None else rule_checks.remove_entries(merged, removals, path)


def check_all() -> None:
    """Load every rule set once, so that a bad extension file is reported up front."""
    for name in sorted(os.listdir(BUNDLED_DIR)):
        if name.endswith(".yaml"):
            load(name[: -len(".yaml")])


def fingerprint() -> str:
    """A digest of every rule file in use: changes when any rule changes."""
    import hashlib

    digest = hashlib.sha256()
    for directory in rule_dirs():
        names = (
            sorted(n for n in os.listdir(directory) if n.endswith(".yaml"))
            if os.path.isdir(directory)
            else []
        )
        for name in names:
            digest.update(name.encode())
            with open(os.path.join(directory, name), "rb") as handle:
                digest.update(handle.read())
    return digest.hexdigest()[:16]
