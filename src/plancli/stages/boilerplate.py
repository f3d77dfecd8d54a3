"""Position-aware removal of web page chrome (rules in rules/boilerplate.yaml).

A chrome rule fires only in the zone it names: ``head`` (above the first body anchor:
recipients line, numbered heading or real sentence), ``tail`` (the trailing block that starts
at the first tail-rule line after the last body line) or ``anywhere`` (text that can never be
body text, such as keyword-stuffed spam). So ``主办单位`` or ``来源:`` inside the body stays.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any, NamedTuple

from plancli import regexes, rules
from plancli.core import Diagnostic, Line, Removal
from plancli.stages.page_layout import Layout, page_number_lines, parse_layout, toc_lines
from plancli.stages.portal import PORTAL_RULE, find_box

ZONES = frozenset({"head", "tail", "anywhere"})


class DocumentLike(NamedTuple):
    """The stronger evidence a line with document-like content needs to be called spam."""

    threshold: float
    min_strong_terms: int
    patterns: tuple[re.Pattern[str], ...]

    def describes(self, text: str) -> bool:
        return any(pattern.search(text) for pattern in self.patterns)


STRONG_WEIGHT = 3.0


class SpamScore(NamedTuple):
    """Sum of the weights of the distinct terms and features found in a line."""

    threshold: float
    terms: tuple[tuple[str, float], ...]
    features: tuple[tuple[re.Pattern[str], float], ...]
    max_chars: int | None = None
    document_like: DocumentLike | None = None
    any_term: re.Pattern[str] | None = None  # finds a line holding at least one term
    features_alone: float | None = None  # the positive feature weights summed (`parse_spam`)

    def score(self, text: str) -> float:
        found = sum(weight for word, weight in self.terms if word in text)
        return found + sum(weight for pattern, weight in self.features if pattern.search(text))

    def strong_terms(self, text: str) -> int:
        return sum(1 for word, weight in self.terms if weight >= STRONG_WEIGHT and word in text)

    def may_reach_threshold(self, text: str) -> bool:
        """False when the features alone cannot reach the threshold and no term is present
        (one search instead of a scan per term, for the many lines without any)."""
        if self.any_term is None or self.any_term.search(text):
            return True
        alone = self.features_alone
        if alone is None:
            alone = positive_weights(self.features)
        return alone >= self.threshold

    def matches(self, text: str) -> bool:
        if self.max_chars is not None and len(text) > self.max_chars:
            return False
        if not self.may_reach_threshold(text):
            return False
        score = self.score(text)
        if score < self.threshold:
            return False
        strict = self.document_like
        if strict is None or not strict.describes(text):
            return True
        return score >= strict.threshold and self.strong_terms(text) >= strict.min_strong_terms


def positive_weights(features: tuple[tuple[re.Pattern[str], float], ...]) -> float:
    return sum(weight for _, weight in features if weight > 0)


class Rule(NamedTuple):
    name: str
    zones: frozenset[str]
    pattern: re.Pattern[str] | None = None
    spam: SpamScore | None = None

    def matches(self, text: str) -> bool:
        if self.pattern is not None and self.pattern.search(text):
            return True
        return self.spam is not None and self.spam.matches(text)

    def test(self) -> Callable[[str], object]:
        """`matches` itself, or the one check it makes when the rule has only a pattern or
        only a score (a call less per line and rule)."""
        if self.spam is None and self.pattern is not None:
            return self.pattern.search
        if self.pattern is None and self.spam is not None:
            return self.spam.matches
        return self.matches

    def fires_in(self, zone: str) -> bool:
        return "anywhere" in self.zones or zone in self.zones


class PageTitle(NamedTuple):
    """How to recognise a head line that only repeats the document's own title lines."""

    name: str
    min_chars: int
    max_run: int
    max_lines: int
    min_share: float
    ignore: re.Pattern[str]
    doc_number: re.Pattern[str]
    truncation: re.Pattern[str]


class Reprint(NamedTuple):
    """The label (内容全文, 规划全文 …) under which a news page reprints the document."""

    name: str
    label: re.Pattern[str]
    max_lines: int


class Ruleset(NamedTuple):
    rules: tuple[Rule, ...]
    anchors: tuple[re.Pattern[str], ...]
    sentence: re.Pattern[str]
    residue_rule: str
    residue_max_chars: int
    residue_max_run: int = 2
    residue_keep: tuple[re.Pattern[str], ...] = ()
    short_line_chars: int = 30
    document_like: DocumentLike | None = None
    page_title: PageTitle | None = None
    reprint: Reprint | None = None
    layout: Layout | None = None
    # (zone, line is a sentence) → the rules that may fire there, in order (`firing_rules`),
    # each with its `Rule.test`
    firing: dict[tuple[str, bool], tuple[tuple[Rule, Callable[[str], object]], ...]] | None = None


def parse_zones(raw: Any, name: str) -> frozenset[str]:
    zones = frozenset([raw] if isinstance(raw, str) else raw or ())
    if not zones or not zones <= ZONES:
        raise ValueError(f"boilerplate rule {name!r}: zone must be one of {sorted(ZONES)}")
    return zones


def parse_spam(raw: dict[str, Any]) -> SpamScore:
    terms = {
        word: float(group["weight"]) for group in raw.get("terms", []) for word in group["words"]
    }
    features = tuple(
        (regexes.compile(feature["pattern"]), float(feature["weight"]))
        for feature in raw.get("features", [])
    )
    strict = raw.get("document_like")
    document_like = (
        DocumentLike(
            float(strict["threshold"]),
            int(strict.get("min_strong_terms", 0)),
            tuple(regexes.compile(pattern) for pattern in strict.get("patterns", [])),
        )
        if strict
        else None
    )
    max_chars = int(raw["max_chars"]) if raw.get("max_chars") is not None else None
    any_term = regexes.compile("|".join(map(re.escape, terms))) if terms else None
    return SpamScore(
        float(raw["threshold"]),
        tuple(terms.items()),
        features,
        max_chars,
        document_like,
        any_term,
        positive_weights(features),
    )


def parse_rule(raw: dict[str, Any]) -> Rule:
    name = str(raw["name"])
    pattern = regexes.compile(raw["pattern"]) if raw.get("pattern") else None
    spam = parse_spam(raw["score"]) if raw.get("score") else None
    if pattern is None and spam is None:
        raise ValueError(f"boilerplate rule {name!r} needs a pattern or a score")
    return Rule(name, parse_zones(raw.get("zone"), name), pattern, spam)


def parse_page_title(raw: dict[str, Any]) -> PageTitle:
    return PageTitle(
        str(raw.get("name", "page-title")),
        int(raw.get("min_chars", 8)),
        int(raw.get("max_run", 4)),
        int(raw.get("max_lines", 60)),
        float(raw.get("min_share", 0.75)),
        regexes.compile(raw["ignore"]),
        regexes.compile(raw["doc_number"]),
        regexes.compile(raw["truncation"]),
    )


def parse_reprint(raw: dict[str, Any]) -> Reprint:
    return Reprint(
        str(raw.get("name", "reprint-lead")), regexes.compile(raw["label"]), int(raw["max_lines"])
    )


@cache
def load_ruleset() -> Ruleset:
    data = rules.load("boilerplate")
    residue = data.get("tail_residue", {})
    parsed = tuple(parse_rule(raw) for raw in data.get("rules", []))
    return Ruleset(
        rules=parsed,
        anchors=tuple(
            regexes.compile(anchor["pattern"]) for anchor in data.get("body_anchors", [])
        ),
        sentence=regexes.compile(data.get("sentence", "。")),
        residue_rule=str(residue.get("name", "tail-residue")),
        residue_max_chars=int(residue.get("max_chars", 20)),
        residue_max_run=int(residue.get("max_run", 2)),
        residue_keep=tuple(regexes.compile(pattern) for pattern in residue.get("keep", [])),
        short_line_chars=int(data.get("report", {}).get("short_line_chars", 30)),
        page_title=parse_page_title(data["page_title"]) if data.get("page_title") else None,
        reprint=parse_reprint(data["reprint"]) if data.get("reprint") else None,
        layout=parse_layout(data["layout"]) if data.get("layout") else None,
        document_like=next(
            (r.spam.document_like for r in parsed if r.spam and r.spam.document_like), None
        ),
        firing={
            (zone, sentence): tuple(
                (rule, rule.test()) for rule in firing_rules(parsed, zone, sentence)
            )
            for zone in ("head", "body", "tail")
            for sentence in (False, True)
        },
    )


def firing_rules(rules: Sequence[Rule], zone: str, sentence: bool) -> tuple[Rule, ...]:
    """The rules that may fire on a line of `zone`; sentences only meet `anywhere` rules."""
    return tuple(
        rule
        for rule in rules
        if rule.fires_in(zone) and not (sentence and "anywhere" not in rule.zones)
    )


def is_sentence(text: str, ruleset: Ruleset) -> bool:
    return bool(ruleset.sentence.search(text))


def first_rule(text: str, zone: str, ruleset: Ruleset) -> Rule | None:
    """The first rule that may fire in `zone` and matches; sentences only meet `anywhere`."""
    sentence = ruleset.sentence.search(text) is not None
    candidates = (ruleset.firing or {}).get((zone, sentence))
    if candidates is None:
        candidates = tuple(
            (rule, rule.test()) for rule in firing_rules(ruleset.rules, zone, sentence)
        )
    for rule, test in candidates:
        if test(text):
            return rule
    return None


class RuleFinder:
    """`first_rule` for one document, each distinct (line, zone) matched once: scraped pages
    repeat their chrome, and a broken one can repeat a line (`|`) many thousand times."""

    def __init__(self, ruleset: Ruleset) -> None:
        self.ruleset = ruleset
        self.found: dict[tuple[str, str], Rule | None] = {}

    def __call__(self, text: str, zone: str) -> Rule | None:
        key = (text, zone)
        if key not in self.found:
            self.found[key] = first_rule(text, zone, self.ruleset)
        return self.found[key]


def reprint_label(lines: Sequence[Line], ruleset: Ruleset) -> int:
    """Index of the last full-text label near the top (-1 if none): the document follows it."""
    rule = ruleset.reprint
    if rule is None:
        return -1
    found = -1
    for index, line in enumerate(lines[: rule.max_lines]):
        if rule.label.search(line.text):
            found = index
    return found


def head_end(lines: Sequence[Line], ruleset: Ruleset) -> int:
    """Index of the first body anchor; lines above it form the head zone (none if no anchor)."""
    for index, line in enumerate(lines):
        if any(anchor.search(line.text) for anchor in ruleset.anchors):
            return index
    return 0


def is_residue(text: str, ruleset: Ruleset) -> bool:
    return len(text) <= ruleset.residue_max_chars and not is_sentence(text, ruleset)


def is_signature(text: str, ruleset: Ruleset) -> bool:
    """A line of the signature block (the date, 此件公开发布): never residue, but no end of
    the tail block either, since a page puts its chrome around the signature."""
    return any(pattern.search(text) for pattern in ruleset.residue_keep)


def tail_start(
    lines: Sequence[Line], ruleset: Ruleset, floor: int, rule_of: RuleFinder | None = None
) -> int:
    """Index where the tail zone starts, or len(lines) when the document has no tail chrome.

    The candidate block is the longest run at the end made of tail-rule lines and short
    non-sentence lines; the zone starts at the first tail-rule line in it, so a signature
    block (issuer, date) that merely precedes the chrome stays.

    A run of more short lines than the residue's `max_run` between tail-rule lines is the
    document's own (a title, an issuer): the block ends above the rule line below them.
    """
    rule_of = rule_of or RuleFinder(ruleset)
    start, run = len(lines), 0
    for index in range(len(lines) - 1, floor - 1, -1):
        text = lines[index].text
        if rule_of(text, "tail") is not None:
            start, run = index, 0
        elif is_signature(text, ruleset):
            continue
        elif not is_residue(text, ruleset) or run == ruleset.residue_max_run:
            break
        else:
            run += 1
    return start


def zone_of(index: int, head: int, tail: int) -> str:
    if index < head:
        return "head"
    return "tail" if index >= tail else "body"


def strip_boilerplate(lines: list[Line]) -> tuple[list[Line], list[Removal]]:
    """Return the lines that belong to the document and the chrome that was removed."""
    ruleset = load_ruleset()
    head = head_end(lines, ruleset)
    lead = reprint_label(lines, ruleset)
    head = max(head, lead + 1)
    rule_of = RuleFinder(ruleset)
    tail = tail_start(lines, ruleset, head, rule_of)
    # with no body anchor (a page of titles and links) every line above the tail is head
    # zone: only lines that match a head rule go there, titles and issuers stay
    rule_head = head or tail
    box = set(find_box([line.text for line in lines], head or len(lines)))
    texts = [line.text for line in lines]
    repeats = repeated_titles(texts, head, ruleset)
    layout = ruleset.layout
    contents = set(toc_lines(texts, layout, lambda text: is_sentence(text, ruleset)))
    page_numbers = page_number_lines(texts, layout)
    kept: list[Line] = []
    removed: list[Removal] = []
    for index, line in enumerate(lines):
        zone = zone_of(index, rule_head, tail)
        rule = rule_of(line.text, zone)
        name = rule.name if rule is not None else None
        if index in box:
            name = PORTAL_RULE
        elif index <= lead and (index == lead or is_sentence(line.text, ruleset)):
            name = ruleset.reprint.name if ruleset.reprint else None
        elif index in repeats and ruleset.page_title is not None:
            name = ruleset.page_title.name
        elif index in contents:
            name = "table-of-contents"
        elif index in page_numbers:
            name = "page-number"
        if (
            name is None
            and zone == "tail"
            and is_residue(line.text, ruleset)
            and not is_signature(line.text, ruleset)
        ):
            name = ruleset.residue_rule
        if name is None:
            kept.append(line)
        else:
            removed.append(Removal(line.line, line.text, name))
    return kept, removed


def title_key(text: str, rule: PageTitle) -> tuple[str, bool]:
    """The text compared between head lines, and whether it carried a doc number or an ellipsis."""
    stripped = rule.truncation.sub("", text)
    stripped, numbered = rule.doc_number.subn("", stripped)
    return rule.ignore.sub("", stripped), bool(numbered) or stripped != text


def covered(
    key: str, keys: list[str], index: int, alive: set[int], max_run: int, share: float = 0.0
) -> bool:
    """Is `key` inside the joined text of up to `max_run` consecutive other live lines, and at
    least `share` of that text (so a fragment of a longer title is no copy of it)?"""
    others = [i for i in sorted(alive) if i != index]
    for position in range(len(others)):
        run = ""
        for other in others[position : position + max_run]:
            run += keys[other]
            if key in run:
                if len(key) >= share * len(run):
                    return True
                break
    return False


def repeated_titles(texts: Sequence[str], head: int, ruleset: Ruleset) -> set[int]:
    """Head lines (below `head`) that only repeat the title lines of the page (the page's
    <title>, a listing entry with the 发文字号 glued on, a summary cut off with …): the fullest
    copy stays. The first lines of the body may serve as the copy, never be removed."""
    rule = ruleset.page_title
    if rule is None or head == 0:
        return set()
    head = min(head, rule.max_lines)  # a page's title lines are at its top: bounded work
    texts = texts[: head + rule.max_run]
    keyed = [title_key(text, rule) for text in texts]
    keys = [key for key, _ in keyed]
    candidates = {
        i
        for i, (key, _) in enumerate(keyed[:head])
        if len(key) >= rule.min_chars and not is_sentence(texts[i], ruleset)
    }
    alive = set(range(len(texts)))
    repeated: set[int] = set()
    decorated = [i for i in sorted(candidates) if keyed[i][1]]
    plain = [i for i in sorted(candidates) if not keyed[i][1]]
    head_titles = {i for i in alive if not is_sentence(texts[i], ruleset)}
    for index in [*decorated, *plain]:
        if index in plain:
            later, share = {i for i in alive & head_titles if i > index}, rule.min_share
        else:
            later, share = alive, 0.0
        if covered(keys[index], keys, index, later, rule.max_run, share):
            repeated.add(index)
            alive.discard(index)
    return repeated


def removal_diagnostics(removed: Sequence[Removal]) -> list[Diagnostic]:
    """Every removal of more than a short line, so `check` shows it.

    A removed line with document-like content (marker, unit clause, number with a unit, full
    sentence) is a warning: it may be a body line lost; other long lines are info.
    """
    ruleset = load_ruleset()
    diagnostics: list[Diagnostic] = []
    for removal in removed:
        if len(removal.text) <= ruleset.short_line_chars:
            continue
        suspicious = ruleset.document_like is not None and ruleset.document_like.describes(
            removal.text
        )
        preview = removal.text[:40] + ("…" if len(removal.text) > 40 else "")
        diagnostics.append(
            Diagnostic(
                "warning" if suspicious else "info",
                "long-line-removed",
                removal.line,
                f"{len(removal.text)}-character line removed as {removal.rule}: {preview}",
            )
        )
    return diagnostics
