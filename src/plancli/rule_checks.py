"""Checks on an analyst's rule files (``PLANCLI_RULES``) before they are merged.

A rule folder may be shared or copied from anywhere, so an extension file is
treated as untrusted input: it must parse, stay small once YAML aliases are
expanded, have the shape of the bundled file of the same name (the bundled file
is the schema: the same keys hold the same kinds of value), and every regular
expression in it must compile and be free of the nested quantifiers that make
backtracking explode (``(a+)+``). Each problem is one line naming the file, the
key and what is wrong.

Entries are added, overridden and removed by name (see `merge`): a list entry
with the `name` of a bundled entry replaces it, and a top-level ``remove:``
mapping names what to drop from the bundled rules.
"""

from __future__ import annotations

import re
import time
from typing import Any

from plancli.core import InputError
from plancli.limits import DocumentTimeout, time_limit

MAX_RULE_BYTES = 4 * 2**20
MAX_RULE_NODES = 200_000  # values after alias expansion; the bundled files hold < 20,000
MAX_RULE_DEPTH = 64
REMOVE_KEY = "remove"
PATTERN_KEYS = frozenset({"pattern", "patterns", "regex"})
REGEX_HINT = re.compile(r"\\[dDsSwWbB]|\(\?|\[\^|[^\\][+*?]\)?[+*]|\{\d")
# a group holding a quantifier, itself quantified: (a+)+, (?:\d*x)*, (a{2,})+
NESTED_QUANTIFIER = re.compile(r"\((?:[^()\\]|\\.)*(?<!\\)[+*}](?:\?)?(?:[^()\\]|\\.)*\)[+*{]")
CLASS_SAMPLES = {"\\d": "1", "\\w": "a", "\\s": " ", ".": "a", "\\p": "一"}
PROBE_REPEAT = 34
PROBE_SECONDS = 0.2


class RulesError(InputError):
    """A rule file that cannot be used: one line naming the file, the key and the problem."""


# --- parsing --------------------------------------------------------------------


def parse_untrusted(raw: bytes, path: str, loader: Any) -> Any:
    """Parse an extension rule file with bounded size, depth and alias expansion (`loader`:
    the YAML loader class the bundled rules are read with)."""
    import yaml

    if len(raw) > MAX_RULE_BYTES:
        raise RulesError(f"{path}: larger than {MAX_RULE_BYTES // 2**20} MiB")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise RulesError(f"{path}: not UTF-8 text") from None
    try:
        node = yaml.compose(text, Loader=loader)
        if node is None:
            return None
        expanded_size(node, path)
        return yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        raise RulesError(f"{path}: not valid YAML ({yaml_problem(exc)})") from None


def yaml_problem(exc: Exception) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).split("\n")[0]
    return f"line {mark.line + 1}: {problem}" if mark is not None else str(problem)


def expanded_size(root: Any, path: str) -> int:
    """Count the values the node graph stands for once every alias is expanded.

    Aliases share nodes, so sizes are memoised per node: linear in the file,
    whatever it expands to.
    """
    sizes: dict[int, int] = {}

    def size(node: Any, depth: int) -> int:
        if depth > MAX_RULE_DEPTH:
            raise RulesError(f"{path}: nested more than {MAX_RULE_DEPTH} levels deep")
        known = sizes.get(id(node))
        if known is not None:
            return known
        children: list[Any] = []
        if isinstance(node.value, list):
            for item in node.value:
                children.extend(item if isinstance(item, tuple) else (item,))
        total = 1 + sum(size(child, depth + 1) for child in children)
        if total > MAX_RULE_NODES:
            raise RulesError(
                f"{path}: more than {MAX_RULE_NODES} values once YAML aliases are expanded"
            )
        sizes[id(node)] = total
        return total

    return size(root, 0)


# --- shape --------------------------------------------------------------------------


def kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "empty" if value is None else type(value).__name__


def validate(extra: Any, bundled: Any, path: str) -> None:
    """Raise RulesError unless `extra` has the shape of `bundled` (the bundled file)."""
    if extra is None:
        return
    if isinstance(bundled, dict) and isinstance(extra, dict):
        extra = {key: value for key, value in extra.items() if key != REMOVE_KEY}
    check_value(extra, bundled, path, "", pattern_slot=False)


def check_value(extra: Any, bundled: Any, path: str, key: str, *, pattern_slot: bool) -> None:
    where = f"{path}: {key or 'top level'}"
    if extra is None:
        raise RulesError(f"{where}: has no value")
    if bundled is not None and kind(extra) != kind(bundled):
        raise RulesError(f"{where}: expected {kind(bundled)}, got {kind(extra)}")
    if isinstance(extra, dict):
        check_mapping(extra, bundled if isinstance(bundled, dict) else {}, path, key)
    elif isinstance(extra, list):
        check_list(extra, bundled if isinstance(bundled, list) else [], path, key, pattern_slot)
    elif isinstance(extra, str) and pattern_slot:
        check_pattern(extra, where)


def check_mapping(extra: dict, bundled: dict, path: str, key: str) -> None:
    """Known keys keep their kind; new keys are allowed where the bundled values are alike."""
    value_kinds = {kind(value) for value in bundled.values()}
    for name, value in extra.items():
        child = f"{key}.{name}" if key else str(name)
        if not isinstance(name, str):
            raise RulesError(f"{path}: {child}: keys must be strings")
        if name in bundled:
            expected = bundled[name]
        elif len(value_kinds) > 1:
            known = ", ".join(sorted(map(str, bundled)))
            raise RulesError(f"{path}: {child}: unknown key (known keys: {known})")
        else:
            expected = next(iter(bundled.values()), None)
        slot = name in PATTERN_KEYS or looks_like_patterns(expected)
        check_value(value, expected, path, child, pattern_slot=slot)


def check_list(extra: list, bundled: list, path: str, key: str, pattern_slot: bool) -> None:
    kinds = {kind(item) for item in bundled}
    for number, item in enumerate(extra, 1):
        child = f"{key}[{number}]"
        if len(kinds) == 1 and kind(item) not in kinds:
            raise RulesError(f"{path}: {child}: expected {next(iter(kinds))}, got {kind(item)}")
        example = matching_entry(item, bundled)
        check_value(item, example, path, child, pattern_slot=pattern_slot)


def matching_entry(item: Any, bundled: list) -> Any:
    """The bundled entry an extension entry is shaped like: same name, else the first alike."""
    if isinstance(item, dict):
        entries = [entry for entry in bundled if isinstance(entry, dict)]
        named = [entry for entry in entries if "name" in item and entry.get("name") == item["name"]]
        merged: dict = {}
        for entry in reversed(named or entries):
            merged.update(entry)
        return merged or None
    return next((entry for entry in bundled if kind(entry) == kind(item)), None)


def looks_like_patterns(value: Any) -> bool:
    """True when a bundled value is (or holds) regular expressions."""
    if isinstance(value, str):
        return bool(REGEX_HINT.search(value))
    if isinstance(value, list):
        return any(isinstance(item, str) and looks_like_patterns(item) for item in value)
    return False


# --- regular expressions ------------------------------------------------------------


def check_pattern(pattern: str, where: str) -> None:
    """Compile a user pattern and refuse the shapes that backtrack exponentially."""
    try:
        re.compile(pattern)
    except re.error as exc:
        raise RulesError(f"{where}: bad regular expression '{pattern}' ({exc})") from None
    if NESTED_QUANTIFIER.search(pattern):
        raise RulesError(
            f"{where}: regular expression '{pattern}' repeats a repeated group "
            "(like (a+)+), which can take exponential time; rewrite it without the nesting"
        )
    if backtracks_badly(pattern):
        raise RulesError(
            f"{where}: regular expression '{pattern}' takes too long on a short input "
            "(catastrophic backtracking); simplify it"
        )


def backtracks_badly(pattern: str) -> bool:
    """Time the pattern, with the engine the stages use, on runs of its own characters."""
    compiled = re.compile(pattern)
    literals = {char for char in re.sub(r"\\.", "", pattern) if char.isalnum()}
    literals |= {sample for escape, sample in CLASS_SAMPLES.items() if escape in pattern}
    for char in sorted(literals or {"a"})[:8]:
        for probe in (char * PROBE_REPEAT + "\x00", (char + " ") * PROBE_REPEAT + "\x00"):
            started = time.perf_counter()
            try:
                with time_limit(PROBE_SECONDS):
                    compiled.search(probe)
            except DocumentTimeout:
                return True
            if time.perf_counter() - started > PROBE_SECONDS:
                return True
    return False


# --- add, override, remove ------------------------------------------------------------


def remove_entries(rules: Any, spec: Any, path: str, key: str = REMOVE_KEY) -> Any:
    """Drop what `spec` names: keys of a mapping, entries of a list (by value or by name)."""
    if isinstance(spec, dict) and isinstance(rules, dict):
        result = dict(rules)
        for name, sub in spec.items():
            child = f"{key}.{name}"
            if name not in result:
                raise RulesError(f"{path}: {child}: no such key in the rules")
            result[name] = remove_entries(result[name], sub, path, child)
        return result
    if isinstance(spec, list) and isinstance(rules, dict):
        missing = [name for name in spec if name not in rules]
        if missing:
            names = ", ".join(map(str, missing))
            raise RulesError(f"{path}: {key}: no such key to remove: {names}")
        return {name: value for name, value in rules.items() if name not in spec}
    if isinstance(spec, list) and isinstance(rules, list):
        return [entry for entry in rules if not named_in(entry, spec)]
    raise RulesError(
        f"{path}: {key}: expected a list of names or a mapping, got {kind(spec)} for {kind(rules)}"
    )


def named_in(entry: Any, names: list) -> bool:
    if isinstance(entry, dict) and "name" in entry:
        return entry["name"] in names
    return entry in names
