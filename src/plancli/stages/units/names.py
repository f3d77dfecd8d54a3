"""Unit names: cutting a separator-free piece into unit tokens, composing each token's
canonical name (the level prefix it inherits restored, aliases folded), and restoring names
that lost characters from the intact form written elsewhere."""

from __future__ import annotations

from bisect import bisect_left
from typing import NamedTuple

from plancli import regexes
from plancli.models import Role, UnitRef
from plancli.stages.units.rules import Prefix, compiled, prefixes_at
from plancli.text import fold_width


class Token(NamedTuple):
    """One unit as written, with the level and party prefix it was written with."""

    raw: str
    body: str  # canonical name after the prefix, or the whole name when complete
    level: str | None = None
    party: str | None = None
    complete: bool = False


def _known_at(s: str, k: int) -> list[str]:
    """The known names written at k, longest first."""
    if k >= len(s):
        return []
    return [name for name in compiled().known.get(s[k], ()) if s.startswith(name, k)]


def _is_known(name: str) -> bool:
    return bool(name) and name in compiled().known.get(name[0], ())


class _Piece:
    """A separator-free piece being cut into units. What is read at one offset (a complete
    name ending there, whether a unit begins there) is read once for the whole piece, and the
    `complete` patterns tried are only those whose words the piece holds."""

    __slots__ = (
        "complete",
        "complete_ends",
        "s",
        "suffix_ends",
        "suffix_starts",
        "unit_starts",
    )

    def __init__(self, s: str) -> None:
        vocab = compiled()
        self.s = s
        self.complete = vocab.complete_in(s)
        self.suffix_starts: list[int] = []  # found when a name first needs them
        self.suffix_ends: list[int] = []
        self.complete_ends: dict[int, int | None] = {}
        self.unit_starts: dict[int, bool] = {}

    def complete_end(self, i: int) -> int | None:
        """End of the longest complete name at i (人行合肥中心支行 over 人行)."""
        if not self.complete:
            return None
        if i in self.complete_ends:
            return self.complete_ends[i]
        s = self.s
        ends = [m.end() for pattern in self.complete if (m := pattern.match(s, i))]
        end = max((end for end in ends if end > i), default=None)
        self.complete_ends[i] = end
        return end

    def starts_unit(self, j: int) -> bool:
        """Whether a new unit visibly begins at j (used to cut run-together names)."""
        found = self.unit_starts.get(j)
        if found is None:
            found = self.unit_starts[j] = self._starts_unit(j)
        return found

    def _starts_unit(self, j: int) -> bool:
        vocab, s = compiled(), self.s
        if self.complete_end(j) is not None or _known_at(s, j):
            return True
        for prefix in prefixes_at(s, j):
            if prefix.bare:
                rest = j + len(prefix.text)
                if any(vocab.canonical_body(n) in vocab.party_bodies for n in _known_at(s, rest)):
                    return True
            elif prefix.party or prefix.text in vocab.run_together_levels:
                return True
        return False

    def boundary(self, j: int) -> bool:
        s = self.s
        if j >= len(s):
            return True
        if s[j] in compiled().joiners:
            return j + 1 < len(s) and self.starts_unit(j + 1)
        return self.starts_unit(j)

    def generic_end(self, k: int) -> int | None:
        """End of the shortest name from k that ends in a unit suffix at a boundary."""
        if not self.suffix_starts:
            self.suffix_starts = compiled().suffix_starts(self.s)
            self.suffix_ends = [j for j, start in enumerate(self.suffix_starts) if start >= 0]
        suffix_starts, ends = self.suffix_starts, self.suffix_ends
        last = min(len(self.s), k + compiled().max_name_chars)
        for n in range(bisect_left(ends, k + 2), len(ends)):
            j = ends[n]
            if j > last:
                break
            if suffix_starts[j] >= k and self.boundary(j):
                return j
        return None

    def match(self, i: int, strict: bool) -> tuple[Token, int] | None:
        """The best unit starting at i: complete name, else known name, else suffix rule."""
        vocab, s = compiled(), self.s
        end = self.complete_end(i)
        if end is not None and (not strict or self.boundary(end)):
            return Token(s[i:end], vocab.canonical_body(s[i:end]), complete=True), end
        best: tuple[tuple[int, int, bool], Token, int] | None = None
        for prefix in _prefix_options(s, i):
            k = i + len(prefix.text)
            candidate = self.known_candidate(k, prefix, strict)
            rank = 2
            if candidate is None and strict and not prefix.bare:
                candidate, rank = self.generic_end(k), 1
            if candidate is None:
                continue
            key = (rank, candidate, bool(prefix.text))
            if best is None or key > best[0]:
                best = (key, _token(s, i, prefix, candidate), candidate)
        return None if best is None else (best[1], best[2])

    def known_candidate(self, k: int, prefix: Prefix, strict: bool) -> int | None:
        vocab = compiled()
        for name in _known_at(self.s, k):
            if prefix.bare and vocab.canonical_body(name) not in vocab.party_bodies:
                continue
            if not strict or self.boundary(k + len(name)):
                return k + len(name)
        return None


_NO_PREFIX = Prefix("", None, None)


def _prefix_options(s: str, i: int) -> list[Prefix]:
    return [*prefixes_at(s, i), _NO_PREFIX]


def _token(s: str, start: int, prefix: Prefix, end: int) -> Token:
    vocab = compiled()
    body = vocab.canonical_body(s[start + len(prefix.text) : end])
    level, party = prefix.level, prefix.party
    if not prefix.text and body != s[start:end]:  # an alias such as 团市委 → 市团委
        for own in prefixes_at(body, 0):
            rest = body[len(own.text) :]
            if not own.bare and _is_known(rest):
                body, level, party = rest, own.level, own.party
                break
    return Token(s[start:end], body, level, party)


def segment(piece: str) -> tuple[list[Token], list[str]]:
    """Cut a separator-free piece into unit tokens; what fits no unit is junk."""
    memo = compiled().memo_of("segment")
    found = memo.get(piece)
    if found is None:
        found = memo.remember(piece, tuple(map(tuple, _segment(piece))))
    return list(found[0]), list(found[1])


def _segment(piece: str) -> tuple[list[Token], list[str]]:
    tokens: list[Token] = []
    junk: list[str] = []
    scan = _Piece(piece)
    i, junk_start = 0, None
    while i < len(piece):
        if junk_start is None and tokens and piece[i] in compiled().joiners:
            i += 1
            continue
        hit = scan.match(i, strict=True)
        if hit is None and junk_start is None:
            hit = scan.match(i, strict=False)
        if hit is None:
            junk_start = i if junk_start is None else junk_start
            i += 1
            continue
        if junk_start is not None:
            junk.append(piece[junk_start:i])
            junk_start = None
        tokens.append(hit[0])
        i = hit[1]
    if junk_start is not None:
        junk.append(piece[junk_start:])
    return tokens, junk


SPACES = regexes.compile(r"\s+")


def clean_piece(piece: str) -> str:
    """A piece without spaces, its lead-in word (由, 会同 …) and trailing words (等有关部门)."""
    vocab = compiled()
    piece = SPACES.sub("", piece)
    for word in vocab.lead_in:
        if piece.startswith(word):
            piece = piece[len(word) :]
            break
    return vocab.trailing.sub("", piece)


def one_character_off(text: str) -> str | None:
    """The one known name that differs from `text` in a single character (统战都 → 统战部).

    A whole piece that reads as no unit is checked this way, so that one damaged character
    does not lose the unit; the reading is reported (`unit-repaired`).
    """
    if len(text) < 3:
        return None
    found = [
        name
        for name in compiled().known_by_length.get(len(text), ())
        if sum(a != b for a, b in zip(name, text, strict=True)) == 1
    ]
    return found[0] if len(found) == 1 else None


def compose(token: Token, level: str | None, party_of: dict[str, str]) -> str:
    """The canonical name of a token given the level prefix it inherits."""
    vocab = compiled()
    if token.complete:
        return token.body
    written_party = token.party if token.party in vocab.party_prefixes else None
    if written_party is not None:
        return written_party + token.body
    level = token.level or level
    if token.body in vocab.party_bodies:
        if level is None:  # no level anywhere in the clause: keep what was written
            return (token.party or "") + token.body
        return (party_of.get(level) or vocab.default_party.get(level, level)) + token.body
    return (level or "") + token.body


def compose_all(units: list[tuple[Token, Role]]) -> list[UnitRef]:
    """The canonical units of one clause, each inheriting the level written before it."""
    party_prefixes = compiled().party_prefixes
    level = next((token.level for token, _ in units if token.level), None)
    party_of: dict[str, str] = {}
    for token, _ in units:
        if token.level and token.party in party_prefixes:
            party_of.setdefault(token.level, token.party)
    refs: list[UnitRef] = []
    seen: set[str] = set()
    for token, role in units:
        name = compose(token, level, party_of)
        if token.level:
            level = token.level
            if token.party in party_prefixes:
                party_of[token.level] = token.party
        if name not in seen:
            seen.add(name)
            refs.append(UnitRef(name=name, raw=token.raw, role=role))
    return refs


def canonical_unit(raw: str, prefix: str | None = None) -> str:
    """The canonical name of one unit as written; `prefix` (州, 县委 …) is restored if missing."""
    piece = clean_piece(fold_width(raw))
    tokens, junk = segment(piece)
    if len(tokens) != 1 or junk:
        return compiled().canonical_body(piece)
    level, party_of = _prefix_context(fold_width(prefix or "").strip())
    return compose(tokens[0], level, party_of)


def _prefix_context(prefix: str) -> tuple[str | None, dict[str, str]]:
    vocab = compiled()
    if not prefix:
        return None, {}
    if prefix in vocab.party_prefixes:
        level = vocab.party_prefixes[prefix]
        return level, {level: prefix}
    return prefix, {}


MIN_TRUNCATED_TAIL = 5  # 游广电体育局; shorter tails (机场集团, 民政局) name distinct offices


def intact_forms(names: set[str]) -> dict[str, str]:
    """Units that lost characters after their level prefix → the one intact name in `names`.

    `市游广电体育局` → `市文化旅游广电体育局` when only that name ends the same way.
    """
    by_tail: dict[str, list[str]] = {}
    for full in names:
        for k in range(1, len(full) - MIN_TRUNCATED_TAIL + 1):
            by_tail.setdefault(full[k:], []).append(full)
    found = {}
    for name in names:
        prefixes = [p.text for p in prefixes_at(name, 0) if not p.bare]
        if not prefixes:
            continue
        prefix, tail = prefixes[0], name[len(prefixes[0]) :]
        if len(tail) < MIN_TRUNCATED_TAIL:
            continue
        fuller = [
            full
            for full in by_tail.get(tail, ())
            if len(full) > len(name) and full.startswith(prefix)
        ]
        if len(fuller) == 1:
            found[name] = fuller[0]
    return found
