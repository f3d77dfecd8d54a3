"""Unit clauses: reading a clause (`(州民政局、住建局等按职责分工负责)`) into units with roles,
and finding the clause at the end of an item or after one of its sentences."""

from __future__ import annotations

from typing import NamedTuple, cast

from plancli import regexes
from plancli.core import Diagnostic
from plancli.models import Role, UnitRef
from plancli.stages.literal_check import first_match, matches_of, may_match, may_match_folded
from plancli.stages.units.names import Token, clean_piece, compose_all, one_character_off, segment
from plancli.stages.units.rules import compiled
from plancli.text import fold_width

_SENTENCE_ENDS = "。;!?()"


class _Group(NamedTuple):
    text: str
    role: Role


class _Reading(NamedTuple):
    units: list[tuple[Token, Role]]
    junk: list[str]
    labelled: bool
    ends_with_role: bool
    repaired: list[tuple[str, str]]  # (as written, the known name it was read as)


def _strip_brackets(text: str) -> str:
    text = text.strip()
    if text.startswith("("):
        text = text[1:]
    if text.endswith(")"):
        text = text[:-1]
    return text


def _groups(text: str, default_role: Role) -> tuple[list[_Group], bool, bool]:
    """Split a clause into groups with roles; also report a label and a closing role word."""
    vocab = compiled()
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

    for match in matches_of(vocab.markers, vocab.markers_starts, text):
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
    vocab = compiled()
    return any(segment(clean_piece(piece))[0] for piece in vocab.separators.split(text))


def _read(clause: str, default_role: Role) -> _Reading:
    """The units, junk and role marks of a clause; the same clause is read once per vocabulary
    (once to find it at an item's end, again to parse it)."""
    memo = compiled().memo_of("clause")
    key = (clause, default_role)
    found = memo.get(key)
    return memo.remember(key, _read_afresh(clause, default_role)) if found is None else found


def _marked_groups(clause: str, default_role: Role) -> tuple[list[_Group], bool, bool]:
    """The groups of a clause with their roles, whether it is labelled and whether it ends
    in a role word (see `_groups`): what the role and label words alone tell."""
    memo = compiled().memo_of("groups")
    key = (clause, default_role)
    found = memo.get(key)
    return memo.remember(key, _groups_afresh(clause, default_role)) if found is None else found


def _groups_afresh(clause: str, default_role: Role) -> tuple[list[_Group], bool, bool]:
    vocab = compiled()
    text = _strip_brackets(fold_width(clause)).split("。", 1)[0]
    if vocab.notes is not None:
        if first_match(vocab.notes, vocab.notes_starts, text) is not None:
            text = vocab.notes.sub("", text)
        text = text.rstrip(",;、 ")
    text = vocab.bracketed_role.sub(r"\1", text)
    return _groups(without_deadline_notes(text), default_role)


def _read_afresh(clause: str, default_role: Role) -> _Reading:
    vocab = compiled()
    groups, labelled, ends_with_role = _marked_groups(clause, default_role)
    units: list[tuple[Token, Role]] = []
    junk: list[str] = []
    repaired: list[tuple[str, str]] = []
    for group in groups:
        for piece in vocab.separators.split(group.text):
            cleaned = clean_piece(piece)
            tokens, rest = segment(cleaned)
            if not tokens and rest == [cleaned] and (known := one_character_off(cleaned)):
                tokens, rest = [Token(cleaned, vocab.canonical_body(known))], []
                repaired.append((cleaned, known))
            units += [(token, group.role) for token in tokens]
            junk += rest
    return _Reading(units, junk, labelled, ends_with_role, repaired)


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
    refs = compose_all(reading.units)
    if lead_first and len(refs) > 1 and all(ref.role == "responsible" for ref in refs):
        refs = [
            ref.model_copy(update={"role": "lead" if k == 0 else "support"})
            for k, ref in enumerate(refs)
        ]
    return refs, diagnostics


CLAUSE_PARTS = regexes.compile("([,;，；])")  # the separators kept by split()


def is_deadline_note(part: str) -> bool:
    """A part of a unit clause that says by when (`持续推进`, `2023年底前完成`): it matches
    the rules' `deadline_note` and names no role, no label and no unit."""
    note = compiled().deadline_note
    part = part.strip()
    return bool(
        part
        and note is not None
        and note.search(part)
        and not _has_marker(part)
        and not _has_units(part)
    )


def clause_deadline(clause: str) -> str | None:
    """The first part of a unit clause that says by when, as written."""
    parts = CLAUSE_PARTS.split(_strip_brackets(fold_width(clause)))
    return next((part.strip() for part in parts[::2] if is_deadline_note(part)), None)


def without_deadline_notes(text: str) -> str:
    """A clause's text without the parts that say by when (with their separators)."""
    note = compiled().deadline_note
    if note is None or note.search(text) is None:
        return text
    pieces = CLAUSE_PARTS.split(text)
    kept: list[str] = []
    for index in range(0, len(pieces), 2):
        if is_deadline_note(pieces[index]):
            continue
        if kept:
            kept.append(pieces[index - 1])
        kept.append(pieces[index])
    return "".join(kept)


def declares_lead_first(text: str) -> bool:
    """Whether the text declares the first-listed unit the lead one (列第一位者为牵头单位)."""
    vocab = compiled()
    if vocab.lead_first is None:
        return False
    if not may_match_folded(vocab.lead_first_words, text):
        return False
    return first_match(vocab.lead_first, vocab.lead_first_starts, fold_width(text)) is not None


# A unit clause may be set in 〔〕 or 【】 as well as (); one character for one, so offsets hold
OTHER_CLAUSE_BRACKETS = "〔〕【】"
CLAUSE_BRACKETS = str.maketrans(OTHER_CLAUSE_BRACKETS, "()()")
MAX_CLAUSE_CHARS = 300  # the longest real clause (Jiangxi's, with its note) is ~110


def _looks_like_clause(inner: str, bracketed: bool) -> bool:
    if len(inner) > MAX_CLAUSE_CHARS:
        return False
    if not bracketed and not _has_marker(inner):
        return False  # without brackets only a role or label word makes a clause
    if not bracketed and not any(_marked_groups(inner, "responsible")[1:]):
        return False  # nor does one inside it: it must label the units or close them
    reading = _read(inner, "responsible")
    if not reading.units:
        return False
    if reading.labelled:
        return True
    if reading.ends_with_role:
        return bracketed or not reading.junk
    # a bare list such as (州民政局、住建局): only complete, prefixed units
    return bracketed and not reading.junk and any(t.level for t, _ in reading.units)


def _has_marker(text: str) -> bool:
    """A role or label word (负责, 牵头单位:) in the text."""
    vocab = compiled()
    return (
        may_match(vocab.markers_words, text)
        and first_match(vocab.markers, vocab.markers_starts, text) is not None
    )


def _matching_open(body: str) -> int | None:
    """Where the bracket that closes `body` opens (None: it never does); brackets are read
    back from the end, each found once."""
    depth = 0
    opening, closing = body.rfind("("), body.rfind(")")
    while opening >= 0 or closing >= 0:
        if closing > opening:
            depth += 1
            closing = body.rfind(")", 0, closing)
            continue
        depth -= 1
        if depth == 0:
            return opening
        opening = body.rfind("(", 0, opening)
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
    start = _sentence_start(body, inner_end)
    if start < inner_end and _looks_like_clause(body[start:inner_end], bracketed=False):
        start = _labelled_start(body, start)
        return start, start, inner_end
    return None


def _sentence_start(body: str, end: int) -> int:
    return max(body.rfind(c, 0, end) for c in _SENTENCE_ENDS) + 1


def _labelled_start(body: str, start: int) -> int:
    """Where a chain of labelled parts ending at `start` begins: `牵头单位:市民政局;配合单位:…`
    is one clause, though its parts are cut by ; as sentences are."""
    vocab = compiled()
    while start > 1 and body[start - 1] == ";":
        before = _sentence_start(body, start - 1)
        part = body[before : start - 1]
        found = first_match(vocab.markers, vocab.markers_starts, part)
        if found is None or found.start() != 0 or found.lastgroup != "label":
            break
        start = before
    return start


INNER_CLAUSE = regexes.compile(rf"\(([^()]{{1,{MAX_CLAUSE_CHARS}}})\)")


def inner_unit_clauses(text: str) -> list[str]:
    """Unit clauses inside an item, each after the sentence it assigns (…掌握。(合肥海关负责)巩固…).

    Only a bracket that names a role or a label counts here: a bare bracketed list in running
    text is more often an example than an assignment.
    """
    found: list[str] = []
    if "(" not in text and "\uff08" not in text:  # no bracket, not even a full-width one
        return found
    for match in INNER_CLAUSE.finditer(fold_width(text)):
        inner = match.group(1)
        if not _has_marker(inner):
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
    folded = fold_width(text)
    if any(bracket in folded for bracket in OTHER_CLAUSE_BRACKETS):
        folded = folded.translate(CLAUSE_BRACKETS)
    body = folded.rstrip().rstrip("。").rstrip()
    found = _find_clause(body) if body else None
    if found is None:
        return text, None, None
    start, inner_start, inner_end = found
    return text[:start].rstrip(), text[inner_start:inner_end].strip(), start
