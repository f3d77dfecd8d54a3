"""Responsible units: find the unit clause at the end of an item and read it.

A clause such as `(州党委组织部,州民政局、住建局,…等按职责分工负责)` becomes
UnitRefs with a canonical name (shared level prefix restored, aliases folded),
the name as written and a role. All vocabulary lives in `rules/units.yaml`,
whose header explains the reading steps; this module only applies it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any, cast

from plancli import rules
from plancli.core import Diagnostic
from plancli.models import Role, UnitRef

__all__ = [
    "TableColumns",
    "canonical_unit",
    "declares_lead_first",
    "inner_unit_clauses",
    "intact_forms",
    "parse_units",
    "split_unit_clause",
    "table_columns",
]

_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_SENTENCE_ENDS = "。;!?()"


def _fold(text: str) -> str:
    """Full-width ASCII to ASCII; one character for one, so offsets are kept."""
    return text.translate(_FOLD)


@dataclass(frozen=True, slots=True)
class _Prefix:
    text: str
    level: str | None
    party: str | None  # party prefix as written (州党委, 市委) or a bare one (党委, 委)
    bare: bool = False


@dataclass(frozen=True, slots=True)
class _Token:
    raw: str
    body: str  # canonical name after the prefix, or the whole name when complete
    level: str | None = None
    party: str | None = None
    complete: bool = False


@dataclass(frozen=True, slots=True)
class _Group:
    text: str
    role: Role


@dataclass(frozen=True, slots=True)
class _Reading:
    units: list[tuple[_Token, Role]]
    junk: list[str]
    labelled: bool
    ends_with_role: bool
    repaired: list[tuple[str, str]]  # (as written, the known name it was read as)


@dataclass(frozen=True)
class _Vocabulary:
    prefixes: dict[str, tuple[_Prefix, ...]]  # first character → prefixes, longest first
    run_together_levels: tuple[str, ...]
    party_prefixes: dict[str, str]
    default_party: dict[str, str]
    party_bodies: frozenset[str]
    suffixes: frozenset[str]
    suffix_lengths: tuple[int, ...]
    max_name_chars: int
    complete: tuple[re.Pattern[str], ...]
    aliases: dict[str, str]  # variant → canonical
    stems: dict[str, str]  # short form → full name
    known: dict[str, tuple[str, ...]]  # first character → known names, longest first
    markers: re.Pattern[str]
    label_roles: dict[str, Role]
    notes: re.Pattern[str] | None
    trailing: re.Pattern[str]
    lead_in: tuple[str, ...]
    separators: re.Pattern[str]
    joiners: str
    lead_first: re.Pattern[str] | None
    bracketed_role: re.Pattern[str]  # 省商务厅(牵头): a role word in brackets after its unit
    known_by_length: dict[int, tuple[str, ...]]  # for names one character off
    task_column: re.Pattern[str]
    indicator_column: re.Pattern[str]
    unit_columns: tuple[tuple[re.Pattern[str], Role], ...]

    def suffix_ends_at(self, s: str, k: int, j: int) -> bool:
        return any(s[j - n : j] in self.suffixes for n in self.suffix_lengths if j - n >= k)

    def canonical_body(self, name: str) -> str:
        name = self.aliases.get(name, name)
        name = self.stems.get(name, name)
        return self.aliases.get(name, name)


@cache
def _vocabulary() -> _Vocabulary:
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
    return _Vocabulary(
        prefixes=_prefixes(data),
        run_together_levels=tuple(data["run_together_levels"]),
        party_prefixes=dict(data["party_prefixes"]),
        default_party=dict(data["default_party_prefix"]),
        party_bodies=frozenset(data["party_bodies"]),
        suffixes=frozenset(data["suffixes"]),
        suffix_lengths=tuple(sorted({len(suffix) for suffix in data["suffixes"]})),
        max_name_chars=int(data["max_name_chars"]),
        complete=_complete_patterns(data),
        aliases=aliases,
        stems=stems,
        known={c: tuple(sorted(v, key=len, reverse=True)) for c, v in by_first.items()},
        markers=_marker_pattern(data),
        label_roles=dict(data["labels"]),
        notes=re.compile("|".join(data["notes"])) if data["notes"] else None,
        trailing=re.compile(data["trailing"]),
        lead_in=tuple(sorted(data["lead_in"], key=len, reverse=True)),
        separators=_separator_pattern(data),
        joiners=data["joiners"],
        lead_first=_any_of(data.get("lead_first_conventions", [])),
        bracketed_role=re.compile(
            r"\(\s*((?:" + "|".join(w for ws in data["roles"].values() for w in ws) + r"))\s*\)"
        ),
        known_by_length={n: tuple(sorted(names)) for n, names in by_length.items()},
        task_column=re.compile(columns["task"]),
        indicator_column=re.compile(columns["indicator"]),
        unit_columns=tuple((re.compile(p), cast(Role, r)) for p, r in columns["units"].items()),
    )


def _any_of(patterns: list[str]) -> re.Pattern[str] | None:
    return re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None


def _complete_patterns(data: dict[str, Any]) -> tuple[re.Pattern[str], ...]:
    """The `complete` patterns, the closed central vocabulary first (longest name first)."""
    central = sorted(data.get("central_bodies", []), key=len, reverse=True)
    patterns = ["|".join(re.escape(name) for name in central)] if central else []
    return tuple(re.compile(pattern) for pattern in [*patterns, *data["complete"]])


def _separator_pattern(data: dict[str, Any]) -> re.Pattern[str]:
    characters = "[" + re.escape(data["separators"]) + "]"
    words = data.get("separator_words")
    return re.compile(f"{characters}|(?:{words})" if words else characters)


def _prefixes(data: dict[str, Any]) -> dict[str, tuple[_Prefix, ...]]:
    prefixes = [_Prefix(text, level, text) for text, level in data["party_prefixes"].items()]
    prefixes += [_Prefix(level, level, None) for level in data["levels"]]
    prefixes += [_Prefix(text, None, text, bare=True) for text in data["bare_party_prefixes"]]
    by_first: dict[str, list[_Prefix]] = {}
    for prefix in sorted(prefixes, key=lambda p: len(p.text), reverse=True):
        by_first.setdefault(prefix.text[0], []).append(prefix)
    return {first: tuple(group) for first, group in by_first.items()}


def _prefixes_at(s: str, i: int) -> list[_Prefix]:
    if i >= len(s):
        return []
    return [p for p in _vocabulary().prefixes.get(s[i], ()) if s.startswith(p.text, i)]


def _marker_pattern(data: dict[str, Any]) -> re.Pattern[str]:
    labels = "|".join(re.escape(label) for label in data["labels"])
    parts = [rf"(?P<label>{labels})\s*:"]
    parts += [f"(?P<{role}>{'|'.join(words)})" for role, words in data["roles"].items()]
    return re.compile("|".join(parts))


# --- segmenting a piece of text into unit tokens ---------------------------------


def _known_at(s: str, k: int) -> Iterator[str]:
    if k < len(s):
        for name in _vocabulary().known.get(s[k], ()):
            if s.startswith(name, k):
                yield name


def _is_known(name: str) -> bool:
    return bool(name) and name in _vocabulary().known.get(name[0], ())


def _complete_end(s: str, i: int) -> int | None:
    """End of the longest complete name at i (人行合肥中心支行 over 人行)."""
    ends = [m.end() for pattern in _vocabulary().complete if (m := pattern.match(s, i))]
    return max((end for end in ends if end > i), default=None)


def _starts_unit(s: str, j: int) -> bool:
    """Whether a new unit visibly begins at j (used to cut run-together names)."""
    vocab = _vocabulary()
    if _complete_end(s, j) is not None or next(_known_at(s, j), None):
        return True
    for prefix in _prefixes_at(s, j):
        if prefix.bare:
            rest = j + len(prefix.text)
            if any(vocab.canonical_body(n) in vocab.party_bodies for n in _known_at(s, rest)):
                return True
        elif prefix.party or prefix.text in vocab.run_together_levels:
            return True
    return False


def _boundary(s: str, j: int) -> bool:
    if j >= len(s):
        return True
    if s[j] in _vocabulary().joiners:
        return j + 1 < len(s) and _starts_unit(s, j + 1)
    return _starts_unit(s, j)


def _generic_end(s: str, k: int) -> int | None:
    """End of the shortest name from k that ends in a unit suffix at a boundary."""
    vocab = _vocabulary()
    for j in range(k + 2, min(len(s), k + vocab.max_name_chars) + 1):
        if vocab.suffix_ends_at(s, k, j) and _boundary(s, j):
            return j
    return None


def _prefix_options(s: str, i: int) -> list[_Prefix]:
    return [*_prefixes_at(s, i), _Prefix("", None, None)]


def _token(s: str, start: int, prefix: _Prefix, end: int) -> _Token:
    vocab = _vocabulary()
    body = vocab.canonical_body(s[start + len(prefix.text) : end])
    level, party = prefix.level, prefix.party
    if not prefix.text and body != s[start:end]:  # an alias such as 团市委 → 市团委
        for own in _prefixes_at(body, 0):
            rest = body[len(own.text) :]
            if not own.bare and _is_known(rest):
                body, level, party = rest, own.level, own.party
                break
    return _Token(s[start:end], body, level, party)


def _match(s: str, i: int, strict: bool) -> tuple[_Token, int] | None:
    """The best unit starting at i: complete name, else known name, else suffix rule."""
    vocab = _vocabulary()
    end = _complete_end(s, i)
    if end is not None and (not strict or _boundary(s, end)):
        return _Token(s[i:end], vocab.canonical_body(s[i:end]), complete=True), end
    best: tuple[tuple[int, int, bool], _Token, int] | None = None
    for prefix in _prefix_options(s, i):
        k = i + len(prefix.text)
        candidate = _known_candidate(s, k, prefix, strict)
        rank = 2
        if candidate is None and strict and not prefix.bare:
            candidate, rank = _generic_end(s, k), 1
        if candidate is None:
            continue
        key = (rank, candidate, bool(prefix.text))
        if best is None or key > best[0]:
            best = (key, _token(s, i, prefix, candidate), candidate)
    return None if best is None else (best[1], best[2])


def _known_candidate(s: str, k: int, prefix: _Prefix, strict: bool) -> int | None:
    vocab = _vocabulary()
    for name in _known_at(s, k):
        if prefix.bare and vocab.canonical_body(name) not in vocab.party_bodies:
            continue
        if not strict or _boundary(s, k + len(name)):
            return k + len(name)
    return None


def _segment(piece: str) -> tuple[list[_Token], list[str]]:
    """Cut a separator-free piece into unit tokens; what fits no unit is junk."""
    tokens: list[_Token] = []
    junk: list[str] = []
    i, junk_start = 0, None
    while i < len(piece):
        if junk_start is None and tokens and piece[i] in _vocabulary().joiners:
            i += 1
            continue
        hit = _match(piece, i, strict=True)
        if hit is None and junk_start is None:
            hit = _match(piece, i, strict=False)
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


# --- reading a clause ---------------------------------------------------------------


def _clean_piece(piece: str) -> str:
    vocab = _vocabulary()
    piece = re.sub(r"\s+", "", piece)
    for word in vocab.lead_in:
        if piece.startswith(word):
            piece = piece[len(word) :]
            break
    return vocab.trailing.sub("", piece)


def _strip_brackets(text: str) -> str:
    text = text.strip()
    if text.startswith("("):
        text = text[1:]
    if text.endswith(")"):
        text = text[:-1]
    return text


def _groups(text: str, default_role: Role) -> tuple[list[_Group], bool, bool]:
    """Split a clause into groups with roles; also report a label and a closing role word."""
    vocab = _vocabulary()
    groups: list[_Group] = []
    pending: Role = default_role
    labelled = ends_with_role = False
    lead_seen = False
    pos = 0

    def add(chunk: str, role: Role) -> None:
        nonlocal lead_seen
        if role == "responsible" and lead_seen:
            role = "support"
        groups.append(_Group(chunk, role))
        lead_seen = lead_seen or role == "lead"

    for match in vocab.markers.finditer(text):
        chunk = text[pos : match.start()]
        if match.lastgroup == "label":
            if groups or _has_units(chunk):
                add(chunk, pending)
            labelled = labelled or not groups  # what precedes a first label is a note (5月底完成)
            pending = vocab.label_roles[match.group("label")]
        else:
            add(chunk, cast(Role, match.lastgroup))
        pos = match.end()
        ends_with_role = match.lastgroup != "label"
    rest = text[pos:]
    if rest.strip():
        add(rest, pending)
        ends_with_role = False
    return groups, labelled, ends_with_role


def _has_units(text: str) -> bool:
    vocab = _vocabulary()
    return any(_segment(_clean_piece(piece))[0] for piece in vocab.separators.split(text))


def _read(clause: str, default_role: Role) -> _Reading:
    vocab = _vocabulary()
    text = _strip_brackets(_fold(clause)).split("。", 1)[0]
    if vocab.notes is not None:
        text = vocab.notes.sub("", text).rstrip(",;、 ")
    text = vocab.bracketed_role.sub(r"\1", text)
    groups, labelled, ends_with_role = _groups(text, default_role)
    units: list[tuple[_Token, Role]] = []
    junk: list[str] = []
    repaired: list[tuple[str, str]] = []
    for group in groups:
        for piece in vocab.separators.split(group.text):
            cleaned = _clean_piece(piece)
            tokens, rest = _segment(cleaned)
            if not tokens and rest == [cleaned] and (known := _one_character_off(cleaned)):
                tokens, rest = [_Token(cleaned, vocab.canonical_body(known))], []
                repaired.append((cleaned, known))
            units += [(token, group.role) for token in tokens]
            junk += rest
    return _Reading(units, junk, labelled, ends_with_role, repaired)


def _one_character_off(text: str) -> str | None:
    """The one known name that differs from `text` in a single character (统战都 → 统战部).

    A whole piece that reads as no unit is checked this way, so that one damaged character
    does not lose the unit; the reading is reported (`unit-repaired`).
    """
    if len(text) < 3:
        return None
    found = [
        name
        for name in _vocabulary().known_by_length.get(len(text), ())
        if sum(a != b for a, b in zip(name, text, strict=True)) == 1
    ]
    return found[0] if len(found) == 1 else None


def _compose(token: _Token, level: str | None, party_of: dict[str, str]) -> str:
    """The canonical name of a token given the level prefix it inherits."""
    vocab = _vocabulary()
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


def _compose_all(units: list[tuple[_Token, Role]]) -> list[UnitRef]:
    party_prefixes = _vocabulary().party_prefixes
    level = next((token.level for token, _ in units if token.level), None)
    party_of: dict[str, str] = {}
    for token, _ in units:
        if token.level and token.party in party_prefixes:
            party_of.setdefault(token.level, token.party)
    refs: list[UnitRef] = []
    seen: set[str] = set()
    for token, role in units:
        name = _compose(token, level, party_of)
        if token.level:
            level = token.level
            if token.party in party_prefixes:
                party_of[token.level] = token.party
        if name not in seen:
            seen.add(name)
            refs.append(UnitRef(name=name, raw=token.raw, role=role))
    return refs


def parse_units(
    clause: str, default_role: Role = "responsible", *, lead_first: bool = False
) -> tuple[list[UnitRef], list[Diagnostic]]:
    """Read a unit clause (brackets optional) into canonical units with roles.

    `lead_first`: the document declared that the first unit listed leads (列第一位者为牵头
    单位，下同); a clause of several units that names no role itself then gets lead + support.
    Text that is no unit is reported as a `unit-unparsed` warning, never invented.
    """
    reading = _read(clause, default_role)
    diagnostics = [
        Diagnostic("warning", "unit-unparsed", None, f"not a unit: {junk!r} in {clause!r}")
        for junk in reading.junk
    ]
    diagnostics += [
        Diagnostic("info", "unit-repaired", None, f"unit {written!r} read as {known!r}")
        for written, known in reading.repaired
    ]
    refs = _compose_all(reading.units)
    if lead_first and len(refs) > 1 and all(ref.role == "responsible" for ref in refs):
        refs = [
            ref.model_copy(update={"role": "lead" if k == 0 else "support"})
            for k, ref in enumerate(refs)
        ]
    return refs, diagnostics


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
        prefixes = [p.text for p in _prefixes_at(name, 0) if not p.bare]
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


@dataclass(frozen=True)
class TableColumns:
    """Which columns of a task-assignment table hold the task and the units (with roles)."""

    task: int
    units: tuple[tuple[int, Role], ...]


def table_columns(header: list[str]) -> TableColumns | None:
    """The task and unit columns of a task-assignment table; None for any other table."""
    vocab = _vocabulary()
    task, indicator, roles = vocab.task_column, vocab.indicator_column, vocab.unit_columns
    cells = [re.sub(r"\s+", "", cell) for cell in header]
    if any(indicator.search(cell) for cell in cells):
        return None
    units = []
    for index, cell in enumerate(cells):
        role = next((role for pattern, role in roles if pattern.search(cell)), None)
        if role is not None:
            units.append((index, role))
    task_col = next(
        (i for i, cell in enumerate(cells) if task.search(cell) and i not in dict(units)), None
    )
    if task_col is None or not units:
        return None
    return TableColumns(task_col, tuple(units))


def declares_lead_first(text: str) -> bool:
    """Whether the text declares the first-listed unit the lead one (列第一位者为牵头单位)."""
    pattern = _vocabulary().lead_first
    return pattern is not None and pattern.search(_fold(text)) is not None


def canonical_unit(raw: str, prefix: str | None = None) -> str:
    """The canonical name of one unit as written; `prefix` (州, 县委 …) is restored if missing."""
    piece = _clean_piece(_fold(raw))
    tokens, junk = _segment(piece)
    if len(tokens) != 1 or junk:
        return _vocabulary().canonical_body(piece)
    level, party_of = _prefix_context(_fold(prefix or "").strip())
    return _compose(tokens[0], level, party_of)


def _prefix_context(prefix: str) -> tuple[str | None, dict[str, str]]:
    vocab = _vocabulary()
    if not prefix:
        return None, {}
    if prefix in vocab.party_prefixes:
        level = vocab.party_prefixes[prefix]
        return level, {level: prefix}
    return prefix, {}


# --- finding the clause at the end of an item ----------------------------------------


MAX_CLAUSE_CHARS = 300  # the longest real clause (Jiangxi's, with its note) is ~110


def _looks_like_clause(inner: str, bracketed: bool) -> bool:
    if len(inner) > MAX_CLAUSE_CHARS:
        return False
    if not bracketed and not _vocabulary().markers.search(inner):
        return False  # without brackets only a role or label word makes a clause
    reading = _read(inner, "responsible")
    if not reading.units:
        return False
    if reading.labelled:
        return True
    if reading.ends_with_role:
        return bracketed or not reading.junk
    # a bare list such as (州民政局、住建局): only complete, prefixed units
    return bracketed and not reading.junk and any(t.level for t, _ in reading.units)


def _matching_open(body: str) -> int | None:
    depth = 0
    for k in range(len(body) - 1, -1, -1):
        if body[k] == ")":
            depth += 1
        elif body[k] == "(":
            depth -= 1
            if depth == 0:
                return k
    return None


def _find_clause(body: str) -> tuple[int, int, int] | None:
    """(clause start, inner start, inner end) in `body`, or None."""
    closed = body.endswith(")")
    if closed:
        k = _matching_open(body)
        if k is not None and _looks_like_clause(body[k + 1 : -1], bracketed=True):
            return k, k + 1, len(body) - 1
    k = body.rfind("(")
    if k >= 0 and ")" not in body[k:] and _looks_like_clause(body[k + 1 :], bracketed=True):
        return k, k + 1, len(body)
    inner_end = len(body) - 1 if closed else len(body)
    start = max(body.rfind(c, 0, inner_end) for c in _SENTENCE_ENDS) + 1
    if start < inner_end and _looks_like_clause(body[start:inner_end], bracketed=False):
        return start, start, inner_end
    return None


INNER_CLAUSE = re.compile(rf"\(([^()]{{1,{MAX_CLAUSE_CHARS}}})\)")


def inner_unit_clauses(text: str) -> list[str]:
    """Unit clauses inside an item, each after the sentence it assigns (…掌握。(合肥海关负责)巩固…).

    Only a bracket that names a role or a label counts here: a bare bracketed list in running
    text is more often an example than an assignment.
    """
    found = []
    for match in INNER_CLAUSE.finditer(_fold(text)):
        inner = match.group(1)
        if not _vocabulary().markers.search(inner):
            continue
        reading = _read(inner, "responsible")
        if reading.units and (reading.labelled or reading.ends_with_role):
            found.append(text[match.start(1) : match.end(1)])
    return found


def split_unit_clause(text: str) -> tuple[str, str | None, int | None]:
    """Cut the unit clause off the end of an item's text.

    Returns (text without the clause, the clause's inner text, its start offset);
    (text, None, None) when the text ends in no unit clause. A clause may have
    lost its opening bracket (then it starts after the last 。) or its closing one.
    """
    folded = _fold(text)
    body = folded.rstrip().rstrip("。").rstrip()
    found = _find_clause(body) if body else None
    if found is None:
        return text, None, None
    start, inner_start, inner_end = found
    return text[:start].rstrip(), text[inner_start:inner_end].strip(), start
