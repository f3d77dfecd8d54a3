"""A cheap pre-check for rule patterns: the words one of which every match must contain.

Some rule patterns are slow to search because every position tries many optional parts
(`(?:按照?)?(?:各自)?(?:职责)?…(?:负责)+`). Every match of that one contains `负责`, so a text
without it cannot match, and `in` tells that far faster than a search. The words are read
from the parsed pattern, never written by hand, so they follow the YAML rules they come from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

try:  # Python 3.11+
    from re import _constants as sre
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as sre  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

_REPEATS = {sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT)}
_ATOMIC = getattr(sre, "ATOMIC_GROUP", None)

Words = tuple[str, ...]


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
    parsed = sre_parse.parse(pattern)
    if parsed.state.flags & re.IGNORECASE:
        return None
    return _sequence_words(parsed)


def may_match(words: Words | None, text: str) -> bool:
    """False when `text` holds none of the required `words`, so the pattern cannot match it."""
    return words is None or any(word in text for word in words)


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
