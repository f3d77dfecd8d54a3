"""Recovery of garbled runs found by `plancli.stages.mojibake`: the document's character model and
the search over the original byte layouts (see that module's docstring for the method).

Imported only when a document has a run that can be recovered, so clean documents and the
scan pay nothing for it.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache

from plancli.core import Line, SuspectSpan
from plancli.stages.mojibake import (
    BIGRAM_WEIGHT,
    BRACKET_PENALTY,
    DROP_RATE,
    EVIDENCE_MARGIN,
    FOLD_TABLE,
    GLOSS,
    LINE_WEIGHT,
    MAX_RECOVERIES,
    MIN_CONFIDENCE,
    OTHER,
    PRIOR_COUNT,
    PRUNE,
    SHOW_MARGINAL,
    UNKNOWN,
    Run,
    Stretch,
    decode_pair,
    fold,
    gbk_table,
    outside_stretches,
    shifted_bytes,
)

# --- the document's own character model ---------------------------------------------------

NO_COUNTS: Counter[str] = Counter()


@dataclass
class Lexicon:
    """Character unigrams and bigrams of the document, plus the damaged line's characters.

    The caches hold what depends on the document alone, so every line's lexicon shares them.
    """

    unigrams: Counter[str]
    predecessors: dict[str, Counter[str]]
    total: int
    line: Counter[str] = field(default_factory=Counter)
    line_total: int = 0
    unigram_cache: dict[str, float] = field(default_factory=dict, repr=False, compare=False)
    document_cache: dict[str, float] = field(default_factory=dict, repr=False, compare=False)
    shares_cache: dict[str, tuple[tuple[str, float, float], ...]] = field(
        default_factory=dict, repr=False, compare=False
    )
    slot_cache: dict[Pair, Slot] = field(default_factory=dict, repr=False, compare=False)
    following: dict[str, list[tuple[str, int]]] = field(default_factory=dict, repr=False)
    successors_cache: dict[str | None, tuple[Attested, ...]] = field(
        default_factory=dict, repr=False, compare=False
    )

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> Lexicon:
        unigrams: Counter[str] = Counter()
        bigrams: Counter[tuple[str, str]] = Counter()
        for text in texts:
            chars = GLOSS.sub("", text).translate(FOLD_TABLE)
            unigrams.update(chars)
            bigrams.update(itertools.pairwise(chars))
        predecessors: dict[str, Counter[str]] = {}
        following: dict[str, list[tuple[str, int]]] = {}
        for (previous, char), count in bigrams.items():  # in order of first occurrence
            known = predecessors.setdefault(char, Counter())
            following.setdefault(previous, []).append((char, len(known)))
            known[previous] = count
        return cls(unigrams, predecessors, sum(unigrams.values()), following=following)

    def for_line(self, pieces: Iterable[str]) -> Lexicon:
        line: Counter[str] = Counter()
        for piece in pieces:
            line.update(GLOSS.sub("", piece).translate(FOLD_TABLE))
        return Lexicon(
            self.unigrams,
            self.predecessors,
            self.total,
            line,
            sum(line.values()),
            document_cache=self.document_cache,
            shares_cache=self.shares_cache,
            slot_cache=self.slot_cache,
            following=self.following,
            successors_cache=self.successors_cache,
        )

    def alphabet(self) -> frozenset[str]:
        code = gbk_table().code
        return frozenset(char for char in self.unigrams if char in code)

    def prior_share(self, prior: float) -> float:
        """Unigram probability of a character the document never uses, by its prior weight."""
        share = PRIOR_COUNT * prior / (self.total + PRIOR_COUNT * gbk_table().prior_mass)
        return (1 - LINE_WEIGHT) * share

    def document_unigram(self, char: str) -> float:
        cached = self.document_cache.get(char)
        if cached is None:
            table = gbk_table()
            cached = self.document_cache[char] = (
                self.unigrams[char] + PRIOR_COUNT * table.prior.get(char, 0.01)
            ) / (self.total + PRIOR_COUNT * table.prior_mass)
        return cached

    def unigram(self, char: str) -> float:
        cached = self.unigram_cache.get(char)
        if cached is not None:
            return cached
        document = self.document_unigram(char)
        line = self.line[char] / self.line_total if self.line_total else 0.0
        value = self.unigram_cache[char] = (1 - LINE_WEIGHT) * document + LINE_WEIGHT * line
        return value

    def bigram_share(self, previous: str | None, char: str) -> float:
        """λ·C(previous, char)/C(previous): the part of P(char | previous) the bigram gives."""
        if previous is None or not self.unigrams[previous]:
            return 0.0
        count = self.predecessors.get(char, NO_COUNTS)[previous]
        return BIGRAM_WEIGHT * count / self.unigrams[previous]

    def shares(self, char: str) -> tuple[tuple[str, float, float], ...]:
        """(previous, share, log share) for every attested predecessor of `char`, in the
        order of `predecessors`."""
        cached = self.shares_cache.get(char)
        if cached is None:
            found = []
            for previous in self.predecessors.get(char, NO_COUNTS):
                share = self.bigram_share(previous, char)
                found.append((previous, share, math.log(share)))
            cached = self.shares_cache[char] = tuple(found)
        return cached

    def successors(self, previous: str | None) -> tuple[Attested, ...]:
        """(char, rank of `previous` among the char's predecessors, share, log share) for
        every character attested after `previous`."""
        cached = self.successors_cache.get(previous)
        if cached is None:
            found = []
            for char, rank in self.following.get(previous, ()):  # type: ignore[arg-type]
                share = self.bigram_share(previous, char)
                found.append((char, rank, share, math.log(share)))
            cached = self.successors_cache[previous] = tuple(found)
        return cached

    def attested_among(
        self, states: dict[str | None, float], chars: tuple[str, ...]
    ) -> dict[str, list[tuple[str, float, float]]]:
        """For each of `chars`, its attested predecessors among `states` as (previous, share,
        log share), in the order of `predecessors`; reached from whichever side is smaller."""
        if len(states) >= len(chars):
            found = {}
            for char in chars:
                present = [entry for entry in self.shares(char) if entry[0] in states]
                if present:
                    found[char] = present
            return found
        ranked: dict[str, list[tuple[int, str, float, float]]] = {}
        for previous in states:
            for char, rank, share, log_share in self.successors(previous):
                ranked.setdefault(char, []).append((rank, previous, share, log_share))  # type: ignore[arg-type]
        return {
            char: [entry[1:] for entry in sorted(entries)] if len(entries) > 1 else [entries[0][1:]]
            for char, entries in ranked.items()
        }

    def attested(self, previous: str | None, char: str | None) -> bool:
        if previous is None or char is None:
            return False
        return self.predecessors.get(char, NO_COUNTS)[previous] > 0

    def logp(self, previous: str | None, char: str) -> float:
        backoff = (1 - BIGRAM_WEIGHT) * self.unigram(char)
        return math.log(self.bigram_share(previous, char) + backoff)

    def sequence_logp(self, chars: str, left: str | None, right: str | None) -> float:
        total, previous = 0.0, left
        for char in chars:
            total += self.logp(previous, char)
            previous = char
        return total + (self.logp(previous, right) if right is not None else 0.0)


# --- recovery -----------------------------------------------------------------------------

Pair = tuple[int | None, int | None]
Attested = tuple[str, int, float, float]
BRACKETS = ("()", "“”", "‘’", "《》", "〈〉", "〔〕", "【】")


@dataclass(frozen=True)
class Slot:
    """Candidate characters for one original character; `other` is the unigram mass of the
    characters that fit but that the document never uses."""

    chars: tuple[str, ...]
    other: float = 0.0

    @property
    def open(self) -> bool:
        return len(self.chars) > 1 or self.other > 0


@dataclass(frozen=True)
class Layout:
    """Original-frame byte pairs; `split` is the index of the second half of a dropped pair."""

    pairs: tuple[Pair, ...]
    split: int | None
    log_prior: float


@dataclass(frozen=True)
class Context:
    """What surrounds a run: the characters on either side and bracket-balance factors."""

    left: str | None
    right: str | None
    bias: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Recovery:
    text: str
    confidence: float


def unmatched(text: str, opening: str, closing: str) -> tuple[int, int]:
    """(closings without an opening, openings left open) in `text`."""
    depth = orphans = 0
    for char in text:
        if char == opening:
            depth += 1
        elif char == closing:
            if depth:
                depth -= 1
            else:
                orphans += 1
    return orphans, depth


def bracket_bias(before: str, after: str) -> dict[str, float]:
    """Disfavour a bracket that would leave the line less balanced than an opposite one."""
    bias: dict[str, float] = {}
    for opening, closing in BRACKETS:
        still_open = unmatched(before, opening, closing)[1]
        orphans = unmatched(after, opening, closing)[0]
        if orphans > still_open:
            bias[closing] = BRACKET_PENALTY
        elif still_open > orphans:
            bias[opening] = BRACKET_PENALTY
    return bias


def run_context(text: str, start: int, end: int) -> Context:
    """The context of one run, computed from scratch (`LineContext` gives the same, faster)."""
    before = "".join(fold(char) for char in GLOSS.sub("", text[:start]))
    after = "".join(fold(char) for char in GLOSS.sub("", text[end:]))
    return Context(
        before[-1] if before else None,
        after[0] if after else None,
        bracket_bias(before, after),
    )


class BracketBalance:
    """Prefix sums of (closings - openings) of one bracket pair over a text, so that the
    brackets left open before any point and the orphans after it cost O(log n)."""

    def __init__(self, text: str, opening: str, closing: str, positions: list[int]) -> None:
        self.positions = positions
        self.sums = [0, *itertools.accumulate(1 if text[i] == closing else -1 for i in positions)]
        self.prefix_max = list(itertools.accumulate(self.sums, max))
        self.suffix_max = list(itertools.accumulate(reversed(self.sums), max))[::-1]

    def still_open(self, end: int) -> int:
        """unmatched(text[:end])[1]."""
        index = bisect.bisect_left(self.positions, end)
        return self.prefix_max[index] - self.sums[index]

    def orphans(self, start: int) -> int:
        """unmatched(text[start:])[0]."""
        index = bisect.bisect_left(self.positions, start)
        return self.suffix_max[index] - self.sums[index]


BRACKET_CHARS = re.compile("[{}]".format(re.escape("".join(BRACKETS))))


class LineContext:
    """`run_context` for many runs of one line in O(n + runs · log n): the line without its
    glosses, folded, is built once. A gloss cannot contain a marker, so none crosses the start
    of a run; one may cross its end, and then its tail stays in the text after the run."""

    def __init__(self, text: str) -> None:
        self.text = text
        spans = [match.span() for match in GLOSS.finditer(text)]
        self.gloss_starts = [start for start, _ in spans]
        self.gloss_ends = [end for _, end in spans]
        self.removed = [0, *itertools.accumulate(end - start for start, end in spans)]
        kept = [
            text[a:b]
            for a, b in zip([0, *self.gloss_ends], [*self.gloss_starts, len(text)], strict=True)
        ]
        self.clean = "".join(kept).translate(FOLD_TABLE)
        positions: dict[str, list[int]] = {char: [] for char in "".join(BRACKETS)}
        for match in BRACKET_CHARS.finditer(self.clean):
            positions[match.group()].append(match.start())
        self.balances = [
            (
                opening,
                closing,
                BracketBalance(self.clean, opening, closing, merged(positions, opening, closing)),
            )
            for opening, closing in BRACKETS
        ]

    def clean_index(self, index: int) -> int:
        """Where `index` (not inside a gloss) lands in the clean text."""
        return index - self.removed[bisect.bisect_right(self.gloss_ends, index)]

    def context(self, start: int, end: int) -> Context:
        before_end = self.clean_index(start)
        crossing = bisect.bisect_right(self.gloss_ends, end)
        tail = ""
        if crossing < len(self.gloss_starts) and self.gloss_starts[crossing] < end:
            tail = self.text[end : self.gloss_ends[crossing]].translate(FOLD_TABLE)
            after_start = self.clean_index(self.gloss_ends[crossing])
        else:
            after_start = self.clean_index(end)
        right = tail[:1] or self.clean[after_start : after_start + 1]
        bias: dict[str, float] = {}
        for opening, closing, balance in self.balances:
            still_open = balance.still_open(before_end)
            tail_orphans, tail_depth = unmatched(tail, opening, closing)
            orphans = tail_orphans + max(0, balance.orphans(after_start) - tail_depth)
            if orphans > still_open:
                bias[closing] = BRACKET_PENALTY
            elif still_open > orphans:
                bias[opening] = BRACKET_PENALTY
        left = self.clean[before_end - 1] if before_end else None
        return Context(left, right or None, bias)


def merged(positions: dict[str, list[int]], opening: str, closing: str) -> list[int]:
    return sorted(positions[opening] + positions[closing])


def shifted_layout(body: str) -> list[int | None] | None:
    layout: list[int | None] = []
    for char in body:
        pair = shifted_bytes(char)
        if pair is None:
            return None
        layout.extend(pair)
    return layout


def original_layouts(run: Run) -> Iterator[Layout]:
    """Original byte pairs the run may come from: the orphan lead, the shifted body, the last
    trail byte, and at most one dropped pair (which splits one pair into two characters)."""
    shifted = shifted_layout(run.body)
    if shifted is None or run.tail is None:
        return
    tail = ord(run.letter) if run.tail == "letter" else None
    flat = [None, *shifted, tail]
    pairs = [(flat[index], flat[index + 1]) for index in range(0, len(flat), 2)]
    splittable = [index for index, pair in enumerate(pairs) if pair != (None, None)]
    keep = math.log(1 - DROP_RATE)
    yield Layout(tuple(pairs), None, keep * len(splittable))
    for index in splittable:
        lead, trail = pairs[index]
        split = (*pairs[:index], (lead, None), (None, trail), *pairs[index + 1 :])
        log_prior = math.log(DROP_RATE) + keep * (len(splittable) - 1)
        yield Layout(tuple(split), index + 1, log_prior)


def make_slot(pair: Pair, lexicon: Lexicon, alphabet: frozenset[str]) -> Slot:
    """The slot of one pair, built once per document (it depends on the document alone)."""
    slot = lexicon.slot_cache.get(pair)
    if slot is None:
        slot = lexicon.slot_cache[pair] = build_slot(pair, lexicon, alphabet)
    return slot


def build_slot(pair: Pair, lexicon: Lexicon, alphabet: frozenset[str]) -> Slot:
    table = gbk_table()
    lead, trail = pair
    if lead is not None and trail is not None:
        char = decode_pair(lead, trail)
        return Slot((char,) if char is not None else ())
    if lead is None and trail is None:
        unused = table.prior_mass - sum(table.prior[char] for char in alphabet)
        return Slot(tuple(sorted(alphabet)), lexicon.prior_share(unused))
    fitting = table.by_lead.get(lead, ()) if lead is not None else table.by_trail.get(trail, ())
    known = tuple(char for char in fitting if char in alphabet)
    unused = sum(table.prior[char] for char in fitting if char not in alphabet)
    return Slot(known, lexicon.prior_share(unused))


@cache
def forming_leads(trail: int) -> frozenset[int]:
    """The lead bytes that make a character with `trail` (decode_pair is not None)."""
    return frozenset(lead for lead in range(0x81, 0xFF) if decode_pair(lead, trail) is not None)


def allowed_groups(
    by_trail: dict[int | None, Group], lead: int
) -> tuple[set[int | None], float, str | None, float]:
    """The trail bytes that may precede `lead` after a dropped pair, the summed forward score
    of their states, and the best of them (state, Viterbi score)."""
    forming = forming_leads(lead)
    allowed = {trail for trail in by_trail if trail is None or trail not in forming}
    groups = [group for trail, group in by_trail.items() if trail in allowed]
    best = max(groups, key=lambda group: group.viterbi, default=None)
    if best is None or best.viterbi == -math.inf:
        return allowed, logsumexp(group.forward for group in groups), None, -math.inf
    return allowed, logsumexp(group.forward for group in groups), best.best, best.viterbi


@cache
def trail_bytes() -> dict[str, int]:
    """Every GBK character's trail byte (None and OTHER, not characters, have none)."""
    return {char: raw[1] for char, raw in gbk_table().code.items()}


def trail_byte(state: str | None) -> int | None:
    """The trail byte of a lattice state's GBK code (None: no known byte)."""
    return trail_bytes().get(state)  # type: ignore[arg-type]


def logsumexp(values: Iterable[float]) -> float:
    values = [value for value in values if value != -math.inf]
    if len(values) < 2:
        return values[0] if values else -math.inf
    top = max(values)
    return top + math.log(sum(map(math.exp, [value - top for value in values])))


@dataclass(frozen=True)
class Group:
    """Previous states that share a trail byte: their summed and best scores."""

    members: frozenset[str | None]
    forward: float
    best: str | None
    viterbi: float


@dataclass
class Lattice:
    """Forward (sum over paths) and Viterbi (best path) scores, one slot at a time."""

    lexicon: Lexicon
    bias: dict[str, float]
    forward: dict[str | None, float]
    viterbi: dict[str | None, float]
    pointers: list[dict[str, str | None]] = field(default_factory=list)
    history: list[dict[str | None, float]] = field(default_factory=list)  # forward, per slot
    best_history: list[dict[str | None, float]] = field(default_factory=list)  # Viterbi

    @classmethod
    def start(cls, lexicon: Lexicon, context: Context) -> Lattice:
        return cls(lexicon, context.bias, {context.left: 0.0}, {context.left: 0.0})

    def prefix(self, length: int, context: Context) -> Lattice | None:
        """A copy of this lattice as it was after its first `length` slots (None if the
        walk had stopped before them)."""
        if length == 0:
            return Lattice.start(self.lexicon, context)
        if length > len(self.history) or not self.history[length - 1]:
            return None
        return Lattice(
            self.lexicon,
            self.bias,
            self.history[length - 1],
            self.best_history[length - 1],
            self.pointers[:length],
            self.history[:length],
            self.best_history[:length],
        )

    def step(self, slot: Slot, after_drop: bool = False) -> None:
        """Move to the next slot; `after_drop`: the previous slot and this one are the two
        halves of a dropped pair, so (trail before, lead here) must be no character."""
        forward_all = logsumexp(self.forward.values())
        forward: dict[str | None, float] = {}
        viterbi: dict[str | None, float] = {}
        pointers: dict[str, str | None] = {}
        by_trail = self.previous_by_trail() if after_drop else {}
        allowed_by_lead: dict = {}
        top = max(self.viterbi, key=self.viterbi.__getitem__) if self.viterbi else None
        attested = self.lexicon.attested_among(self.forward, slot.chars)
        for char in slot.chars:
            backoff = (1 - BIGRAM_WEIGHT) * self.lexicon.unigram(char)
            found = attested.get(char, ())
            if after_drop:
                total, best, pointer = self.dense_scores(
                    char, backoff, by_trail, allowed_by_lead, found
                )
            else:
                total, best, pointer = self.sparse_scores(char, backoff, forward_all, top, found)
            if total == -math.inf:
                continue
            weight = math.log(self.bias.get(char, 1.0))
            forward[char], viterbi[char], pointers[char] = total + weight, best + weight, pointer
        if slot.other > 0 and forward_all > -math.inf:
            forward[OTHER] = forward_all + math.log((1 - BIGRAM_WEIGHT) * slot.other)
        self.forward, self.viterbi = forward, viterbi
        self.pointers.append(pointers)
        self.history.append(forward)
        self.best_history.append(viterbi)

    def sparse_scores(
        self,
        char: str,
        backoff: float,
        forward_all: float,
        top: str | None,
        attested: Iterable[tuple[str, float, float]],
    ) -> tuple[float, float, str | None]:
        """Only attested predecessors (`attested`, present in the lattice) differ from the
        back-off, so only they are visited; `top` is the best previous state (None if none)."""
        log_backoff = math.log(backoff)
        first = forward_all + log_backoff
        pointer, best = None, -math.inf
        viterbi = self.viterbi
        if viterbi:
            pointer = top
            best = viterbi[pointer] + log_backoff
        terms = None
        forward = self.forward
        for previous, share, log_share in attested:
            if terms is None:
                terms = [first]
            terms.append(forward[previous] + log_share)
            if previous in viterbi:
                score = viterbi[previous] + math.log(share + backoff)
                if score > best:
                    pointer, best = previous, score
        return (first if terms is None else logsumexp(terms)), best, pointer

    def previous_by_trail(self) -> dict[int | None, Group]:
        """Previous states grouped by their trail byte (None: unknown byte, always allowed)."""
        members: dict[int | None, list[str | None]] = {}
        trails = trail_bytes()
        for previous in self.forward:
            members.setdefault(trails.get(previous), []).append(previous)
        groups = {}
        for trail, group in members.items():
            named = [previous for previous in group if previous in self.viterbi]
            best = max(named, key=self.viterbi.__getitem__, default=None)
            groups[trail] = Group(
                frozenset(group),
                logsumexp(self.forward[previous] for previous in group),
                best,
                self.viterbi[best] if best is not None else -math.inf,
            )
        return groups

    def dense_scores(
        self,
        char: str,
        backoff: float,
        by_trail: dict[int | None, Group],
        allowed_by_lead: dict,
        attested: Iterable[tuple[str, float, float]],
    ) -> tuple[float, float, str | None]:
        """Like sparse_scores, over the previous states whose trail byte may precede `char`;
        what depends only on the lead byte is kept in `allowed_by_lead` for the whole step."""
        lead = gbk_table().code[char][0]
        if lead not in allowed_by_lead:
            allowed_by_lead[lead] = allowed_groups(by_trail, lead)
        allowed_trails, group_forward, group_best, group_viterbi = allowed_by_lead[lead]
        terms = [group_forward + math.log(backoff)] if group_forward > -math.inf else []
        pointer, best = None, -math.inf
        if group_viterbi > -math.inf:
            pointer, best = group_best, group_viterbi + math.log(backoff)
        for previous, share, log_share in attested:
            if trail_byte(previous) not in allowed_trails:
                continue
            terms.append(self.forward[previous] + log_share)
            score = self.viterbi.get(previous, -math.inf) + math.log(share + backoff)
            if score > best:
                pointer, best = previous, score
        return logsumexp(terms), best, pointer

    def total(self) -> float:
        return logsumexp(self.forward.values())

    def best_path(self) -> list[str] | None:
        """The best character for every slot so far, or None if no path names them all."""
        if not self.viterbi or max(self.viterbi.values()) == -math.inf:
            return None
        char: str | None = max(self.viterbi, key=self.viterbi.__getitem__)
        path: list[str] = []
        for pointers in reversed(self.pointers):
            if char is None or char == OTHER:
                return None
            path.append(char)
            char = pointers.get(char)
        return path[::-1]


@dataclass(frozen=True)
class Reading:
    """One layout read with the document model: its slots, mass and best path; `walked`: for
    a split layout, the lattice past both halves of its split pair, for `recover` to go on."""

    layout: Layout
    slots: tuple[Slot, ...]
    log_mass: float
    path: list[str] | None
    walked: Lattice | None = field(default=None, repr=False, compare=False)


def walk_layout(
    layout: Layout,
    slots: tuple[Slot, ...],
    lexicon: Lexicon,
    context: Context,
    clamp: dict[int, str] | None = None,
    resume: Lattice | None = None,
) -> tuple[float, list[str] | None, Lattice]:
    """(log mass incl. the layout prior, best path, lattice) with some slots clamped to one
    character; the lattice's history holds the forward scores after every slot. `resume`:
    a lattice already past the first slots (which it must have walked identically)."""
    lattice = resume or Lattice.start(lexicon, context)
    for index in range(len(lattice.pointers), len(slots)):
        slot = slots[index]
        if clamp and index in clamp:
            slot = Slot((clamp[index],))
        lattice.step(slot, after_drop=index == layout.split)
        if not lattice.forward:
            return -math.inf, None, lattice
    path = lattice.best_path()
    if context.right is not None:
        lattice.step(Slot((context.right,)))
    return layout.log_prior + lattice.total(), path, lattice


def read_layout(
    layout: Layout,
    slots: tuple[Slot, ...],
    lexicon: Lexicon,
    context: Context,
    clamp: dict[int, str] | None = None,
) -> tuple[float, list[str] | None]:
    """(log mass incl. the layout prior, best path) with some slots clamped to one character."""
    mass, path, _ = walk_layout(layout, slots, lexicon, context, clamp)
    return mass, path


# --- backward scores: every layout and every clamped slot from two passes ----------------
#
# The forward step multiplies the score of a previous state p by
# T(p, c) = (share(p, c) + backoff(c)) · bias(c) for a character c, and by (1 - λ) · other
# for OTHER; after a dropped pair only the (p, c) whose bytes make no character count.
# Backward scores B(p) = log Σ_c T(p, c) · exp(B'(c)) are therefore a constant plus
# corrections for the few p that are attested predecessors, so one backward pass gives, for
# every position, the mass of every continuation: a layout that splits pair k is the shared
# forward prefix, two steps, and the shared backward suffix; a slot clamped to c has the
# mass forward(c) · backward(c).


def safe_log(value: float) -> float:
    return math.log(value) if value > 0 else -math.inf


@dataclass(frozen=True)
class Backward:
    """log(base + corrections[p]) + shift: the backward score of any previous state p."""

    base: float
    corrections: dict[str | None, float]
    shift: float

    def __call__(self, state: str | None) -> float:
        return safe_log(self.base + self.corrections.get(state, 0.0)) + self.shift


def final_backward(lexicon: Lexicon, context: Context) -> Backward:
    """Past the last slot: the right-hand character, if any, still has to be generated."""
    if context.right is None:
        return Backward(1.0, {}, 0.0)
    return sparse_backward(Slot((context.right,)), Backward(1.0, {}, 0.0), lexicon, context)


def sparse_backward(slot: Slot, after: Backward, lexicon: Lexicon, context: Context) -> Backward:
    scores = {char: after(char) for char in slot.chars}
    if slot.other > 0:
        scores[OTHER] = after(OTHER)
    shift = max(scores.values(), default=-math.inf)
    if shift == -math.inf:
        return Backward(0.0, {}, 0.0)
    base, corrections = 0.0, {}
    for char in slot.chars:
        weight = math.exp(scores[char] - shift) * context.bias.get(char, 1.0)
        base += weight * (1 - BIGRAM_WEIGHT) * lexicon.unigram(char)
        for previous in lexicon.predecessors.get(char, NO_COUNTS):
            share = lexicon.bigram_share(previous, char)
            corrections[previous] = corrections.get(previous, 0.0) + weight * share
    if slot.other > 0:
        base += math.exp(scores[OTHER] - shift) * (1 - BIGRAM_WEIGHT) * slot.other
    return Backward(base, corrections, shift)


def dense_backward(
    slot: Slot, after: Backward, states: Iterable[str | None], lexicon: Lexicon, context: Context
) -> Backward:
    """Into the second half of a dropped pair: computed for each previous state present, by
    trail byte (which decides the characters allowed) plus the state's own bigrams."""
    code = gbk_table().code
    weights = {char: after(char) for char in slot.chars}
    other = after(OTHER) if slot.other > 0 else -math.inf
    shift = max([*weights.values(), other])
    if shift == -math.inf:
        return Backward(0.0, {}, 0.0)
    for char, score in weights.items():
        weights[char] = math.exp(score - shift) * context.bias.get(char, 1.0)
    other_term = math.exp(other - shift) * (1 - BIGRAM_WEIGHT) * slot.other if slot.other else 0
    by_trail: dict[int | None, float] = {}
    corrections: dict[str | None, float] = {}
    for previous in states:
        trail = trail_byte(previous)
        if trail not in by_trail:
            by_trail[trail] = other_term + sum(
                weight * (1 - BIGRAM_WEIGHT) * lexicon.unigram(char)
                for char, weight in weights.items()
                if trail is None or trail not in forming_leads(code[char][0])
            )
        corrections[previous] = by_trail[trail]
    for char, weight in weights.items():
        for previous in lexicon.predecessors.get(char, NO_COUNTS):
            if previous not in corrections:
                continue
            trail = trail_byte(previous)
            if trail is None or trail not in forming_leads(code[char][0]):
                corrections[previous] += weight * lexicon.bigram_share(previous, char)
    return Backward(0.0, corrections, shift)


def backward_scores(
    slots: tuple[Slot, ...],
    split: int | None,
    history: list[dict[str | None, float]],
    lexicon: Lexicon,
    context: Context,
    unsplit: list[Backward] | None = None,
) -> list[Backward]:
    """Backward score functions after every slot (index i: the continuation past slot i).
    `unsplit`: those of the unsplit layout, which a split layout shares past its split."""
    scores: list[Backward | None] = [None] * len(slots)
    if unsplit is not None and split is not None:
        scores[split:] = unsplit[split - 1 :]
        last = split - 1
    else:
        scores[-1] = final_backward(lexicon, context)
        last = len(slots) - 2
    for index in range(last, -1, -1):
        after = scores[index + 1]
        assert after is not None
        if index + 1 == split:
            scores[index] = dense_backward(
                slots[index + 1], after, history[index], lexicon, context
            )
        else:
            scores[index] = sparse_backward(slots[index + 1], after, lexicon, context)
    return scores  # type: ignore[return-value]


def readings(
    run: Run, lexicon: Lexicon, alphabet: frozenset[str], context: Context
) -> list[Reading]:
    """Every layout with its log mass; paths are left for `recover` to find where needed."""
    return layout_readings(run, lexicon, alphabet, context)[0]


def layout_readings(
    run: Run, lexicon: Lexicon, alphabet: frozenset[str], context: Context
) -> tuple[list[Reading], Lattice | None, list[Backward]]:
    """`readings`, and the forward lattice and backward scores of the unsplit layout."""
    layouts = list(original_layouts(run))
    if not layouts:
        return [], None, []
    base = layouts[0]
    base_slots = tuple(make_slot(pair, lexicon, alphabet) for pair in base.pairs)
    base_mass, _, lattice = walk_layout(base, base_slots, lexicon, context)
    prefix = [{context.left: 0.0}, *lattice.history]
    prefix += [{}] * (len(base_slots) + 1 - len(prefix))  # the walk stopped at an empty slot
    suffix = backward_scores(base_slots, None, prefix[1:], lexicon, context)
    found = []
    for layout in layouts:
        slots = tuple(make_slot(pair, lexicon, alphabet) for pair in layout.pairs)
        if any(not slot.chars and not slot.other for slot in slots):
            continue
        walked = None
        if layout.split is None:
            mass = base_mass
        else:
            mass, walked = split_mass(layout, slots, lattice, suffix, context)
        found.append(Reading(layout, slots, mass, None, walked))
    return found, lattice, suffix


def split_mass(
    layout: Layout,
    slots: tuple[Slot, ...],
    base: Lattice,
    suffix: list[Backward],
    context: Context,
) -> tuple[float, Lattice | None]:
    """The mass of a layout that splits base pair k: prefix to k, both halves, suffix past k;
    and the lattice past both halves (None if no path reaches them)."""
    assert layout.split is not None
    pair = layout.split - 1
    lattice = base.prefix(pair, context)
    if lattice is None:
        return -math.inf, None
    lattice.step(slots[pair])
    if not lattice.forward:
        return -math.inf, None
    lattice.step(slots[pair + 1], after_drop=True)
    after = suffix[pair]
    mass = layout.log_prior + logsumexp(
        score + after(state) for state, score in lattice.forward.items()
    )
    return mass, lattice


def supported(reading: Reading, index: int, lexicon: Lexicon, context: Context) -> bool:
    """A guessed character must make a known word (an attested bigram) with a neighbour, and
    with every neighbour that is itself a guess."""
    assert reading.path is not None
    path, slots = reading.path, reading.slots
    char = path[index]
    links = []
    if index > 0:
        links.append((lexicon.attested(path[index - 1], char), slots[index - 1].open))
    else:
        links.append((lexicon.attested(context.left, char), False))
    if index + 1 < len(path):
        links.append((lexicon.attested(char, path[index + 1]), slots[index + 1].open))
    else:
        links.append((lexicon.attested(char, context.right), False))
    return any(known for known, _ in links) and all(known for known, guess in links if guess)


def shown_text(
    reading: Reading,
    history: list[dict[str | None, float]],
    lexicon: Lexicon,
    context: Context,
    unsplit: list[Backward] | None = None,
) -> tuple[str, float]:
    """The best path with every guessed character the model is unsure of shown as □ (runs of
    □ merged), and the log mass of all paths that agree with what is shown."""
    assert reading.path is not None
    layout = reading.layout
    backward = backward_scores(reading.slots, layout.split, history, lexicon, context, unsplit)
    clamp: dict[int, str] = {}
    chars = list(reading.path)
    for index, slot in enumerate(reading.slots):
        if not slot.open:
            continue
        char = chars[index]
        clamped = layout.log_prior + history[index][char] + backward[index](char)
        sure = clamped - reading.log_mass >= math.log(SHOW_MARGINAL)
        if sure and supported(reading, index, lexicon, context):
            clamp[index] = char
        else:
            chars[index] = UNKNOWN
    mass = reading.log_mass
    if clamp:  # the slots before the first clamped one are walked as in the reading itself
        first = min(clamp)
        start = Lattice.start(lexicon, context)
        if first:
            start = Lattice(
                lexicon, context.bias, history[first - 1], {}, [{}] * first, history[:first]
            )
        mass = walk_layout(layout, reading.slots, lexicon, context, clamp, start)[0]
    return re.sub(f"{UNKNOWN}+", UNKNOWN, "".join(chars)), mass


def recover(
    run: Run, lexicon: Lexicon, alphabet: frozenset[str], context: Context
) -> Recovery | None:
    """The most probable reading of the run, as far as the bytes and the document decide it."""
    found, base, unsplit = layout_readings(run, lexicon, alphabet, context)
    everything = logsumexp(reading.log_mass for reading in found)
    if everything == -math.inf or base is None:
        return None
    walked = []
    for number, reading in enumerate(found):
        if reading.log_mass < everything - PRUNE:
            continue
        layout = reading.layout
        # every layout shares the unsplit walk up to its split pair, and a split layout's
        # walk past both halves was made when its mass was
        if layout.split is None:
            shared = base.prefix(len(layout.pairs) - 1, context)
        else:
            shared = reading.walked
        if shared is None:
            mass, path, lattice = -math.inf, None, base
        else:
            mass, path, lattice = walk_layout(layout, reading.slots, lexicon, context, None, shared)
        found[number] = Reading(reading.layout, reading.slots, mass, path)
        walked.append((found[number], lattice.history))
    everything = logsumexp(reading.log_mass for reading in found)
    patterns: dict[str, list[float]] = {}
    for reading, history in walked:
        if reading.path is None or reading.log_mass < everything - PRUNE:
            continue
        text, mass = shown_text(reading, history, lexicon, context, unsplit)
        patterns.setdefault(text, []).append(mass)
    if not patterns:
        return None
    text, masses = max(patterns.items(), key=lambda item: logsumexp(item[1]))
    if not text.strip(UNKNOWN):
        return None
    return Recovery(text, math.exp(logsumexp(masses) - everything))


def reads_better(run: Run, recovery: Recovery, lexicon: Lexicon, context: Context) -> bool:
    """The recovered text is far more like the document than the run as it stands."""
    literal = "".join(fold(char) for char in run.body) + run.letter
    recovered = recovery.text.replace(UNKNOWN, "")
    left, right = context.left, context.right
    literal_score = lexicon.sequence_logp(literal, left, right) / (len(literal) + 1)
    recovered_score = lexicon.sequence_logp(recovered, left, right) / (len(recovered) + 1)
    gain = recovered_score - literal_score
    return gain > EVIDENCE_MARGIN and recovery.confidence >= MIN_CONFIDENCE


# --- judging stretches ---------------------------------------------------------------------


def judge(
    stretch: Stretch,
    lexicon: Lexicon,
    alphabet: frozenset[str],
    line_context: Callable[[], LineContext] | None,
) -> SuspectSpan | None:
    """The span of one stretch, if it is garbled; `line_context` None: no recovery is tried."""
    line, start, end, run = stretch
    text = line.text[start:end]
    if run is None:
        return SuspectSpan(line.line, text)
    recovery = None
    if run.framed and line_context is not None:
        context = line_context().context(start, end)
        recovery = recover(run, lexicon, alphabet, context)
    if not run.structural and not (
        recovery is not None and reads_better(run, recovery, lexicon, context)
    ):
        return None
    if recovery is None or recovery.confidence < MIN_CONFIDENCE:
        return SuspectSpan(line.line, text)
    return SuspectSpan(line.line, text, recovery.text, round(recovery.confidence, 2))


def recover_spans(by_line: list[tuple[Line, list[Stretch]]]) -> list[SuspectSpan]:
    """Judge every stretch with the document's character model, recovering framed runs."""
    pieces = [outside_stretches(line, stretches) for line, stretches in by_line]
    document = Lexicon.from_texts(piece for line_pieces in pieces for piece in line_pieces)
    alphabet = document.alphabet()
    spans: list[SuspectSpan] = []
    tried = 0
    for (line, stretches), line_pieces in zip(by_line, pieces, strict=True):
        lexicon = document.for_line(line_pieces) if stretches else document
        line_context = cache(lambda text=line.text: LineContext(text))
        for stretch in stretches:
            span = judge(
                stretch, lexicon, alphabet, line_context if tried < MAX_RECOVERIES else None
            )
            tried += stretch[3] is not None
            if span is not None:
                spans.append(span)
    return spans
