"""Cheap pre-checks for rule patterns, read from the parsed pattern (never written by hand, so
they follow the YAML rules they come from).

Some rule patterns are slow to search because every position tries many optional parts or
alternatives. Two facts about a pattern make them cheap:

- the words one of which every match contains: `(?:按照?)?(?:职责)?…(?:负责)+` needs `负责`, so
  a text without it cannot match, and `in` tells that far faster than a search;
- the characters a match can start with: the number-like names of `names_not_measures` all
  start with a digit, a numeral or one of a few marks, so trying the pattern only there finds
  the same matches as `finditer`, which tries twenty alternatives at every position.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from typing import Any

from plancli import regexes
from plancli.kept import read_kept, write_kept
from plancli.text import FULL_WIDTH, fold_width

try:  # Python 3.11+
    from re import _constants as sre
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as sre  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

_ZERO_WIDTH = {sre.AT, sre.ASSERT, sre.ASSERT_NOT}
_CATEGORIES = {
    sre.CATEGORY_DIGIT: r"\d",
    sre.CATEGORY_NOT_DIGIT: r"\D",
    sre.CATEGORY_SPACE: r"\s",
    sre.CATEGORY_NOT_SPACE: r"\S",
    sre.CATEGORY_WORD: r"\w",
    sre.CATEGORY_NOT_WORD: r"\W",
}
_REPEATS = {sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT)}
_ATOMIC = getattr(sre, "ATOMIC_GROUP", None)

Words = tuple[str, ...]
Span = tuple[int, int]


def required_words(pattern: str) -> Words | None:
    """Words one of which every match of `pattern` contains; None when none can be named.

    >>> required_words("(?:按照?)?(?:职责)?(?:负责)+(?:落实)?")
    ('负责',)
    >>> required_words("(?P<lead>牵头(?!单位))|(?:配合|参与)")
    ('牵头', '配合', '参与')
    >>> required_words("(?:列|排)?第一位(?:的|者)?(?:为|是)牵头")
    ('第一位',)
    >>> print(required_words("[一二]级|社?"))
    None
    """
    words: Words | None = remembered("words", pattern, 0, lambda: _read_words(pattern))
    return words


def _read_words(pattern: str) -> Words | None:
    parsed = sre_parse.parse(pattern)
    if parsed.state.flags & re.IGNORECASE:
        return None
    return _sequence_words(parsed)


def may_match(words: Words | None, text: str) -> bool:
    """False when `text` holds none of the required `words`, so the pattern cannot match it."""
    return words is None or any(word in text for word in words)


def may_match_folded(words: Words | None, text: str) -> bool:
    """`may_match(words, fold_width(text))`, read on `text` itself when folding can neither
    make nor break one of the words (see `folding_keeps`), as for Chinese words."""
    if words is None:
        return True
    return may_match(words, text if folding_keeps(words) else fold_width(text))


@cache
def folding_keeps(words: Words) -> bool:
    """Whether no character of `words` is one width folding makes (ASCII, a space) or
    replaces (a full-width form): then a folded text holds a word where the text does."""
    return not any(ord(char) < 0x80 or ord(char) in FULL_WIDTH for word in words for char in word)


def _sequence_words(items: Iterable[tuple[Any, Any]]) -> Words | None:
    """The most selective requirement of a sequence: a run of literal characters, or the
    words of one item that must match (a group, an alternation, a repeat of at least one)."""
    candidates: list[Words] = []
    run = ""
    for op, av in items:
        literal = _literal(op, av)
        if literal is not None:
            run += literal
            continue
        if run:
            candidates.append((run,))
            run = ""
        words = _item_words(op, av)
        if words is not None:
            candidates.append(words)
    if run:
        candidates.append((run,))
    return max(candidates, key=lambda words: min(len(word) for word in words), default=None)


def _literal(op: Any, av: Any) -> str | None:
    """The text of an item that matches one fixed string (a character, a group of them)."""
    if op is sre.LITERAL:
        return chr(av)
    if op is sre.SUBPATTERN and not av[1] & re.IGNORECASE:
        parts = [_literal(inner_op, inner_av) for inner_op, inner_av in av[3]]
        if parts and all(part is not None for part in parts):
            return "".join(part for part in parts if part is not None)
    return None


def _item_words(op: Any, av: Any) -> Words | None:
    if op is sre.SUBPATTERN:
        return None if av[1] & re.IGNORECASE else _sequence_words(av[3])
    if _ATOMIC is not None and op is _ATOMIC:
        return _sequence_words(av)
    if op in _REPEATS:
        low, _, inner = av
        return _sequence_words(inner) if low >= 1 else None
    if op is sre.BRANCH:
        alternatives = [_sequence_words(alternative) for alternative in av[1]]
        if any(words is None for words in alternatives):
            return None
        return _shortest_forms(word for words in alternatives if words for word in words)
    return None


def _shortest_forms(words: Iterable[str]) -> Words:
    """The words without those that contain another one (`牵头单位` holds `牵头`), in order."""
    unique = list(dict.fromkeys(words))
    return tuple(word for word in unique if not any(o != word and o in word for o in unique))


def match_starts(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """A one-character class holding every character a match of `pattern` can start with;
    None when that cannot be told (a match may be empty, or start with any character).

    >>> print(match_starts(regexes.compile(r"(?<!\\d)\\d+年|第[一二]+|“[^”]+”")).pattern)
    [\\d第“]
    >>> print(match_starts(regexes.compile(r"\\d*年?")))
    None
    """
    source: str | None = remembered(
        "starts", pattern.pattern, int(pattern.flags), lambda: _read_starts(pattern)
    )
    return None if source is None else regexes.compile(source)


def _read_starts(pattern: re.Pattern[str]) -> str | None:
    parsed = sre_parse.parse(pattern.pattern, pattern.flags)
    if parsed.state.flags & re.IGNORECASE:
        return None
    starts, may_be_empty = _first_characters(parsed)
    if starts is None or may_be_empty:
        return None
    return f"[{''.join(dict.fromkeys(starts))}]"


# What these checks read from a pattern is kept on disk beside the engine code of `regexes`
# (same folder, same rules of trust): parsing the rules' patterns in Python costs a process
# more than reading them. The file is named by this module's size and time, so that a
# changed reading never meets facts read the old way.
FACTS_TAG = "plancli literal facts 1"
MAX_FACTS = 5000
FACTS: dict[tuple[str, str, int], Any] | None = None  # (kind, pattern, flags) → fact
NEW_FACTS: dict[tuple[str, str, int], Any] = {}


def remembered(kind: str, pattern: str, flags: int, read: Callable[[], Any]) -> Any:
    """The fact `read` gives for a pattern, from the kept facts when they hold it."""
    global FACTS
    if FACTS is None:
        FACTS = read_facts()
    key = (kind, pattern, flags)
    if key in FACTS:
        return FACTS[key]
    fact = FACTS[key] = read()
    if not NEW_FACTS:
        import atexit

        atexit.register(write_facts)
    NEW_FACTS[key] = fact
    return fact


def facts_path() -> str:
    from plancli.rules import cache_dir

    status = os.stat(__file__)
    name = f"literal-facts-{sys.hexversion:x}-{status.st_size}-{int(status.st_mtime)}.marshal"
    return os.path.join(cache_dir(), name)


def read_facts() -> dict[tuple[str, str, int], Any]:
    """The kept facts, or none if the file is missing, damaged or not the user's own."""
    facts = read_kept(facts_path(), FACTS_TAG)
    return facts if isinstance(facts, dict) else {}


def write_facts() -> None:
    """Add this process's new facts to the file (errors ignored)."""
    if not NEW_FACTS:
        return
    merged = {**read_facts(), **NEW_FACTS}
    if len(merged) > MAX_FACTS:
        merged = dict(NEW_FACTS)
    NEW_FACTS.clear()
    write_kept(facts_path(), FACTS_TAG, merged)


def spans_of(pattern: re.Pattern[str], starts: re.Pattern[str] | None, text: str) -> list[Span]:
    """The spans `pattern.finditer(text)` yields, trying `pattern` only where `starts` (see
    `match_starts`) finds a character a match can begin with."""
    return [match.span() for match in matches_of(pattern, starts, text)]


def matches_of(
    pattern: re.Pattern[str], starts: re.Pattern[str] | None, text: str
) -> Iterator[re.Match[str]]:
    """The matches `pattern.finditer(text)` yields, trying `pattern` only where `starts` finds
    a character a match can begin with. A pattern whose every part before a word is optional
    (`(?:按照?)?(?:职责)?…(?:负责)+`) is otherwise tried at every position, ten times slower."""
    if starts is None:
        yield from pattern.finditer(text)
        return
    position = 0
    while (start := starts.search(text, position)) is not None:
        found = pattern.match(text, start.start())
        if found is None:
            position = start.start() + 1
        else:
            yield found
            position = found.end()


def first_match(
    pattern: re.Pattern[str], starts: re.Pattern[str] | None, text: str
) -> re.Match[str] | None:
    """`pattern.search(text)`, trying `pattern` only where `starts` finds a character a match
    can begin with (see `matches_of`)."""
    return next(matches_of(pattern, starts, text), None)


def _first_characters(items: Iterable[tuple[Any, Any]]) -> tuple[list[str] | None, bool]:
    """The character-class parts a match of a sequence can start with (None: any character),
    and whether the sequence can match the empty string."""
    starts: list[str] = []
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue
        if op is sre.LITERAL:
            return [*starts, re.escape(chr(av))], False
        if op is sre.IN:
            found = _class_parts(av)
            return (None if found is None else [*starts, *found]), False
        inner = _inner_sequences(op, av)
        if inner is None:
            return None, False
        may_be_empty = op in _REPEATS and av[0] == 0
        for sequence in inner:
            found, empty = _first_characters(sequence)
            if found is None:
                return None, False
            starts += found
            may_be_empty = may_be_empty or empty
        if not may_be_empty:
            return starts, False
    return starts, True


def _inner_sequences(op: Any, av: Any) -> list[Any] | None:
    """The sequences inside a group, an alternation or a repeat; None for anything else."""
    if op is sre.SUBPATTERN:
        return None if av[1] & re.IGNORECASE else [av[3]]
    if _ATOMIC is not None and op is _ATOMIC:
        return [av]
    if op is sre.BRANCH:
        return list(av[1])
    if op in _REPEATS:
        return [av[2]]
    return None


def _class_parts(items: list[tuple[Any, Any]]) -> list[str] | None:
    """A parsed character class as class source parts; None when negated or unknown."""
    parts = []
    for op, av in items:
        if op is sre.LITERAL:
            parts.append(re.escape(chr(av)))
        elif op is sre.RANGE:
            parts.append(f"{re.escape(chr(av[0]))}-{re.escape(chr(av[1]))}")
        elif op is sre.CATEGORY and av in _CATEGORIES:
            parts.append(_CATEGORIES[av])
        else:
            return None
    return parts
