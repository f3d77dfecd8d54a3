"""The unit vocabulary of `rules/units.yaml` (level and party prefixes, suffixes, known names,
aliases, role and label words, table columns), compiled once for the other modules here."""

from __future__ import annotations

import re
from functools import cache
from typing import Any, NamedTuple, cast

from plancli import regexes, rules
from plancli.models import Role
from plancli.stages.literal_check import Words, match_starts, required_words
from plancli.text import alternation


class Prefix(NamedTuple):
    """A level (州, 市) or party (州党委, 市委) prefix a unit name may start with."""

    text: str
    level: str | None
    party: str | None  # party prefix as written (州党委, 市委) or a bare one (党委, 委)
    bare: bool = False


class Memo(dict[Any, Any]):
    """Results of a pure reading of text under one vocabulary (the same unit names recur on
    every page); emptied when full so that a long batch stays bounded in memory."""

    LIMIT = 20_000

    def remember(self, key: Any, value: Any) -> Any:
        if len(self) >= self.LIMIT:
            self.clear()
        self[key] = value
        return value


class Vocabulary(NamedTuple):
    """The unit vocabulary compiled once."""

    prefixes: dict[str, tuple[Prefix, ...]]  # first character → prefixes, longest first
    run_together_levels: tuple[str, ...]
    party_prefixes: dict[str, str]
    default_party: dict[str, str]
    party_bodies: frozenset[str]
    suffixes: frozenset[str]
    suffix_lengths: dict[str, tuple[int, ...]]  # last character → lengths of suffixes ending so
    max_name_chars: int
    complete: tuple[re.Pattern[str], ...]
    complete_words: tuple[re.Pattern[str] | None, ...]  # finds a word every match of
    # `complete[k]` holds (None: no such word)
    any_complete_word: re.Pattern[str] | None  # finds any of them (None: one pattern has none)
    aliases: dict[str, str]  # variant → canonical
    stems: dict[str, str]  # short form → full name
    known: dict[str, tuple[str, ...]]  # first character → known names, longest first
    markers: re.Pattern[str]
    markers_words: Words | None  # one of them is in every text `markers` finds anything in
    markers_starts: re.Pattern[str] | None  # what a `markers` match can start with
    label_roles: dict[str, Role]
    notes: re.Pattern[str] | None
    notes_starts: re.Pattern[str] | None
    trailing: re.Pattern[str]
    lead_in: tuple[str, ...]
    separators: re.Pattern[str]
    joiners: str
    lead_first: re.Pattern[str] | None
    lead_first_words: Words | None
    lead_first_starts: re.Pattern[str] | None
    bracketed_role: re.Pattern[str]  # 省商务厅(牵头): a role word in brackets after its unit
    known_by_length: dict[int, tuple[str, ...]]  # for names one character off
    task_column: re.Pattern[str]
    indicator_column: re.Pattern[str]
    unit_columns: tuple[tuple[re.Pattern[str], Role], ...]
    memo: dict[str, Memo]  # reading name → its memo, empty when compiled
    deadline_column: re.Pattern[str] | None = None
    deadline_note: re.Pattern[str] | None = None

    def memo_of(self, reading: str) -> Memo:
        """The memo of one named reading (a function of the text and this vocabulary)."""
        return self.memo.setdefault(reading, Memo())

    def complete_in(self, s: str) -> tuple[re.Pattern[str], ...]:
        """The `complete` patterns that may match somewhere in `s` (their words are in it)."""
        if self.any_complete_word is not None and self.any_complete_word.search(s) is None:
            return ()
        return tuple(
            pattern
            for pattern, words in zip(self.complete, self.complete_words, strict=True)
            if words is None or words.search(s)
        )

    def suffix_starts(self, s: str) -> list[int]:
        """For each offset j of `s` (0 to len(s)), the start of the shortest unit suffix
        ending at j, or -1 when none ends there."""
        starts = [-1] * (len(s) + 1)
        suffixes = self.suffixes
        for j, last in enumerate(s, 1):
            for n in self.suffix_lengths.get(last, ()):
                if n <= j and s[j - n : j] in suffixes:
                    starts[j] = j - n
                    break
        return starts

    def canonical_body(self, name: str) -> str:
        name = self.aliases.get(name, name)
        name = self.stems.get(name, name)
        return self.aliases.get(name, name)


@cache
def compiled() -> Vocabulary:
    """The vocabulary, read and compiled on first use (clear the cache after changing it)."""
    data: dict[str, Any] = rules.load("units")
    aliases = {
        variant: canonical
        for canonical, variants in data["aliases"].items()
        for variant in variants
    }
    stems = dict(data["stems"])
    known = {
        *data["names"],
        *data["party_bodies"],
        *stems,
        *stems.values(),
        *aliases,
        *data["aliases"],
    }
    by_first: dict[str, list[str]] = {}
    by_length: dict[int, list[str]] = {}
    for name in known:
        by_first.setdefault(name[0], []).append(name)
        by_length.setdefault(len(name), []).append(name)
    columns = data["table_columns"]
    markers = _marker_pattern(data)
    complete = _complete_patterns(data)
    lead_first = _any_of(data.get("lead_first_conventions", []))
    notes = regexes.compile("|".join(data["notes"])) if data["notes"] else None
    return Vocabulary(
        prefixes=_prefixes(data),
        run_together_levels=tuple(data["run_together_levels"]),
        party_prefixes=dict(data["party_prefixes"]),
        default_party=dict(data["default_party_prefix"]),
        party_bodies=frozenset(data["party_bodies"]),
        suffixes=frozenset(data["suffixes"]),
        suffix_lengths=_lengths_by_last_character(data["suffixes"]),
        max_name_chars=int(data["max_name_chars"]),
        complete=complete,
        complete_words=tuple(map(_words_finder, complete)),
        any_complete_word=_any_word_finder(complete),
        aliases=aliases,
        stems=stems,
        known={c: tuple(sorted(v, key=len, reverse=True)) for c, v in by_first.items()},
        markers=markers,
        markers_words=required_words(markers.pattern),
        markers_starts=match_starts(markers),
        label_roles=dict(data["labels"]),
        notes=notes,
        notes_starts=match_starts(notes) if notes else None,
        trailing=regexes.compile(data["trailing"]),
        lead_in=tuple(sorted(data["lead_in"], key=len, reverse=True)),
        separators=_separator_pattern(data),
        joiners=data["joiners"],
        lead_first=lead_first,
        lead_first_words=required_words(lead_first.pattern) if lead_first else None,
        lead_first_starts=match_starts(lead_first) if lead_first else None,
        bracketed_role=regexes.compile(
            r"\(\s*((?:" + "|".join(w for ws in data["roles"].values() for w in ws) + r"))\s*\)"
        ),
        known_by_length={n: tuple(sorted(names)) for n, names in by_length.items()},
        task_column=regexes.compile(columns["task"]),
        indicator_column=regexes.compile(columns["indicator"]),
        unit_columns=tuple(
            (regexes.compile(p), cast(Role, r)) for p, r in columns["units"].items()
        ),
        memo={},
        deadline_column=regexes.compile(columns["deadline"]) if columns.get("deadline") else None,
        deadline_note=regexes.compile(data["deadline_note"]) if data.get("deadline_note") else None,
    )


def _lengths_by_last_character(suffixes: list[str]) -> dict[str, tuple[int, ...]]:
    lengths: dict[str, set[int]] = {}
    for suffix in suffixes:
        lengths.setdefault(suffix[-1], set()).add(len(suffix))
    return {last: tuple(sorted(group)) for last, group in lengths.items()}


def _words_finder(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    words = required_words(pattern.pattern)
    return regexes.compile(alternation(words)) if words else None


def _any_word_finder(patterns: tuple[re.Pattern[str], ...]) -> re.Pattern[str] | None:
    found = [required_words(pattern.pattern) for pattern in patterns]
    if not found or not all(found):
        return None  # a pattern whose matches need no word: every piece may hold one
    return regexes.compile(alternation(word for words in found if words for word in words))


def _any_of(patterns: list[str]) -> re.Pattern[str] | None:
    return regexes.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None


def _complete_patterns(data: dict[str, Any]) -> tuple[re.Pattern[str], ...]:
    """The `complete` patterns, the closed central vocabulary first (longest name first)."""
    central = data.get("central_bodies", [])
    patterns = [alternation(central)] if central else []
    return tuple(regexes.compile(pattern) for pattern in [*patterns, *data["complete"]])


def _separator_pattern(data: dict[str, Any]) -> re.Pattern[str]:
    characters = "[" + re.escape(data["separators"]) + "]"
    words = data.get("separator_words")
    return regexes.compile(f"{characters}|(?:{words})" if words else characters)


def _prefixes(data: dict[str, Any]) -> dict[str, tuple[Prefix, ...]]:
    prefixes = [Prefix(text, level, text) for text, level in data["party_prefixes"].items()]
    prefixes += [Prefix(level, level, None) for level in data["levels"]]
    prefixes += [Prefix(text, None, text, bare=True) for text in data["bare_party_prefixes"]]
    by_first: dict[str, list[Prefix]] = {}
    for prefix in sorted(prefixes, key=lambda p: len(p.text), reverse=True):
        by_first.setdefault(prefix.text[0], []).append(prefix)
    return {first: tuple(group) for first, group in by_first.items()}


def prefixes_at(s: str, i: int) -> list[Prefix]:
    """The prefixes written at offset `i` of `s`, longest first."""
    if i >= len(s):
        return []
    return [p for p in compiled().prefixes.get(s[i], ()) if s.startswith(p.text, i)]


def _marker_pattern(data: dict[str, Any]) -> re.Pattern[str]:
    labels = "|".join(re.escape(label) for label in data["labels"])
    parts = [rf"(?P<label>{labels})\s*:"]
    parts += [f"(?P<{role}>{'|'.join(words)})" for role, words in data["roles"].items()]
    return regexes.compile("|".join(parts))
