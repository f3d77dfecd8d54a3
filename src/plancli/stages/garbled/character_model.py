"""The document's own character model for mojibake recovery: unigram and bigram counts of
the document's undamaged text, mixed with the damaged line's characters and backed by the GBK
prior (see `plancli.stages.garbled` for the method). Built once per damaged document.
"""

from __future__ import annotations

import math
import operator
from collections import Counter
from collections.abc import Collection, Iterable
from functools import cached_property
from itertools import compress, repeat

from plancli.stages.garbled.gbk import fold_text, forming_leads, gbk_table
from plancli.stages.garbled.runs import GLOSS
from plancli.stages.garbled.tuning import BIGRAM_WEIGHT, LINE_WEIGHT, PRIOR_COUNT

NO_COUNTS: dict[str, int] = {}
FIRST = operator.itemgetter(0)

Pair = tuple[int | None, int | None]  # an original GBK byte pair (None: a hidden byte)
Attested = tuple[str, int, float, float]  # (char, first bigram position, share, log share)
Term = tuple[str, float, float, float]  # (char, unigram, back-off, log back-off)


def term(char: str, unigram: float) -> Term:
    backoff = (1 - BIGRAM_WEIGHT) * unigram
    return char, unigram, backoff, math.log(backoff)


def bigram_shares(counts: Iterable[int], totals: Iterable[int]) -> list[float]:
    """λ·C(previous, char)/C(previous) for each bigram count and its first character's count,
    as `Lexicon.bigram_share` makes it."""
    return list(map(operator.truediv, map(operator.mul, repeat(BIGRAM_WEIGHT), counts), totals))


class Slot:
    """Candidate characters for one original character; `other` is the unigram mass of the
    characters that fit but that the document never uses. Equal (and hashed) by both."""

    def __init__(self, chars: tuple[str, ...], other: float = 0.0) -> None:
        self.chars = chars
        self.other = other
        self.lattice_groups: dict[bool, object] = {}  # the lattice's, with OTHER or not

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Slot) and (self.chars, self.other) == (other.chars, other.other)

    def __hash__(self) -> int:
        return self.hash_value

    @cached_property
    def hash_value(self) -> int:
        """The hash of both, made once: the alphabet's slot holds about a thousand."""
        return hash((self.chars, self.other))

    def __repr__(self) -> str:
        return f"Slot(chars={self.chars!r}, other={self.other!r})"

    @property
    def open(self) -> bool:
        return len(self.chars) > 1 or self.other > 0

    @cached_property
    def positions(self) -> dict[str, int]:
        """Each character's index in `chars`."""
        return {char: index for index, char in enumerate(self.chars)}

    @cached_property
    def trail_groups(self) -> dict[int | None, list[str | None]]:
        """The characters grouped by the trail byte of their code (None: not GBK), in order."""
        groups: dict[int | None, list[str | None]] = {}
        for char, trail in self.trails.items():
            found = groups.get(trail)
            if found is None:
                groups[trail] = [char]
            else:
                found.append(char)
        return groups

    @cached_property
    def trails(self) -> dict[str | None, int | None]:
        """Each character's trail byte (None: not GBK)."""
        return gbk_table().trail_map(self.chars)

    @cached_property
    def formings(self) -> tuple[frozenset[int], ...]:
        """For each character, the bytes that make a character with its lead byte."""
        return tuple(map(forming_leads, gbk_table().lead_bytes(self.chars)))


class Bigrams:
    """The unigram and bigram counts of a text. Predecessors are grouped from one C-level
    count of the bigrams, and unigrams summed from them (a character is counted as the
    second of each bigram it ends, and the first character once more); a character's
    successors, which the search asks of a few states only, come from a scan of the
    distinct bigrams. A line break joins texts and no count involves it."""

    def __init__(self, text: str) -> None:
        self.after: dict[str, dict[str, int]] = {}
        counts = Counter(map(operator.add, text, text[1:]))
        pairs = "".join(counts)  # the bigrams' characters, read back as two columns
        self.firsts, self.seconds = pairs[::2], pairs[1::2]
        before: dict[str, dict[str, int]] = {}
        for previous, char, count in zip(self.firsts, self.seconds, counts.values(), strict=True):
            known = before.get(char)
            if known is None:
                before[char] = {previous: count}
            else:
                known[previous] = count
        # in order of first occurrence, as Counter(text) would have them
        unigrams: dict[str, int] = {text[0]: 1} if text[:1] not in ("", "\n") else {}
        for char, count in zip(before, map(sum, map(dict.values, before.values())), strict=True):
            unigrams[char] = unigrams.get(char, 0) + count
        unigrams.pop("\n", None)
        before.pop("\n", None)
        for char in {line[:1] for line in text.split("\n")[1:]}:
            before.get(char, {}).pop("\n", None)
        self.before = before
        self.unigrams = Counter(unigrams)

    def predecessors(self, char: str) -> dict[str, int]:
        """{previous: bigram count}, in the order of each bigram's first occurrence."""
        return self.before.get(char, NO_COUNTS)

    def successors(self, previous: str) -> dict[str, int]:
        """{char: the rank of the bigram (previous, char) in order of first occurrence}, in
        that order, for a single character `previous`: a scan of the distinct bigrams."""
        found = self.after.get(previous)
        if found is None:
            firsts, seconds, found = self.firsts, self.seconds, {}
            index = firsts.find(previous)
            while index >= 0:
                char = seconds[index]
                if char != "\n":
                    found[char] = index
                index = firsts.find(previous, index + 1)
            self.after[previous] = found
        return found


class Lexicon:
    """Character unigrams and bigrams of the document, plus the damaged line's characters.

    The caches hold what depends on the document alone, so every line's lexicon shares them
    (`for_line`); the unigram cache depends on the line too and is its own.
    """

    def __init__(
        self,
        unigrams: Counter[str],
        bigrams: Bigrams,
        total: int,
        line: Counter[str] | None = None,
        line_total: int = 0,
        shared: Lexicon | None = None,
    ) -> None:
        self.unigrams = unigrams
        self.bigrams = bigrams
        self.total = total
        self.line: Counter[str] = line if line is not None else Counter()
        self.line_total = line_total
        self.unigram_cache: dict[str, float] = {}
        self.line_terms_cache: dict[str, Term] | None = None
        self.document_cache: dict[str, float] = shared.document_cache if shared else {}
        self.shares_cache: dict[str, tuple[tuple[str, float, float], ...]] = (
            shared.shares_cache if shared else {}
        )
        self.slot_cache: dict[Pair, Slot] = shared.slot_cache if shared else {}
        self.successors_cache: dict[str | None, tuple[Attested, ...]] = (
            shared.successors_cache if shared else {}
        )
        self.terms_cache: dict[Slot, tuple[Term, ...]] = {}
        self.log_backoffs_cache: dict[Slot, tuple[float, ...]] = {}
        self.document_terms_cache: dict[Slot, tuple[Term, ...]] = (
            shared.document_terms_cache if shared else {}
        )
        self.char_terms: dict[str, Term] = shared.char_terms if shared else {}
        self.successor_entries_cache: dict[
            str | None, dict[str, list[tuple[str, float, float]]]
        ] = shared.successor_entries_cache if shared else {}

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> Lexicon:
        # the texts joined by a line break, which no text holds, and then without its counts
        bigrams = Bigrams(fold_text(GLOSS.sub("", "\n".join(texts))))
        return cls(bigrams.unigrams, bigrams, sum(bigrams.unigrams.values()))

    def for_line(self, pieces: Iterable[str]) -> Lexicon:
        line: Counter[str] = Counter()
        for piece in pieces:
            line.update(fold_text(GLOSS.sub("", piece)))
        return Lexicon(
            self.unigrams, self.bigrams, self.total, line, sum(line.values()), shared=self
        )

    def alphabet(self) -> frozenset[str]:
        return frozenset(gbk_table().gbk_chars(list(self.unigrams)))

    def cache_terms(self, chars: Iterable[str]) -> None:
        """Make the document unigram and term of each of `chars` (GBK characters) in one
        pass, as `document_unigram` and `document_terms` would one by one."""
        chars = list(chars)
        table = gbk_table()
        denominator = self.total + PRIOR_COUNT * table.prior_mass
        # (count + PRIOR_COUNT · prior) / denominator, then `term` of (1 - LINE_WEIGHT) · it
        weighted = map(operator.mul, repeat(PRIOR_COUNT), table.priors(chars))
        counts = map(self.unigrams.__getitem__, chars)
        numerators = map(operator.add, counts, weighted)
        documents = list(map(operator.truediv, numerators, repeat(denominator)))
        unigrams = list(map(operator.mul, repeat(1 - LINE_WEIGHT), documents))
        backoffs = list(map(operator.mul, repeat(1 - BIGRAM_WEIGHT), unigrams))
        terms = zip(chars, unigrams, backoffs, map(math.log, backoffs), strict=True)
        self.document_cache.update(zip(chars, documents, strict=True))
        self.char_terms.update(zip(chars, terms, strict=True))

    def prior_share(self, prior: float) -> float:
        """Unigram probability of a character the document never uses, by its prior weight."""
        share = PRIOR_COUNT * prior / (self.total + PRIOR_COUNT * gbk_table().prior_mass)
        return (1 - LINE_WEIGHT) * share

    def document_unigram(self, char: str) -> float:
        cached = self.document_cache.get(char)
        if cached is None:
            table = gbk_table()
            cached = self.document_cache[char] = (
                self.unigrams[char] + PRIOR_COUNT * table.prior_of(char, 0.01)
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

    def slot_terms(self, slot: Slot) -> tuple[Term, ...]:
        """(char, unigram, back-off (1 - λ)·unigram, its log) for every character of `slot`,
        what the lattice reads of each candidate, computed once per slot and line: the
        document's terms, with those of the characters on the line made anew."""
        cached = self.terms_cache.get(slot)
        if cached is None:
            terms = self.document_terms(slot)
            on_line = self.line_positions(slot)
            if on_line:
                terms = list(terms)  # type: ignore[assignment]
                line_terms, chars = self.line_terms(), slot.chars
                for index in on_line:
                    terms[index] = line_terms[chars[index]]  # type: ignore[index]
            cached = self.terms_cache[slot] = tuple(terms)
        return cached

    def line_terms(self) -> dict[str, Term]:
        """The `term` of every character on the line, with `unigram`'s sums, in one pass."""
        if self.line_terms_cache is None:
            chars = list(self.line)
            documents = list(map(self.document_cache.get, chars))
            if None in documents:  # characters the search has not read yet
                documents = list(map(self.document_unigram, chars))
            counts = map(self.line.__getitem__, chars)
            shares = map(operator.truediv, counts, repeat(self.line_total))
            unigrams = list(
                map(
                    operator.add,
                    map(operator.mul, repeat(1 - LINE_WEIGHT), documents),
                    map(operator.mul, repeat(LINE_WEIGHT), shares),
                )
            )
            backoffs = list(map(operator.mul, repeat(1 - BIGRAM_WEIGHT), unigrams))
            terms = zip(chars, unigrams, backoffs, map(math.log, backoffs), strict=True)
            self.line_terms_cache = dict(zip(chars, terms, strict=True))
        return self.line_terms_cache

    def slot_log_backoffs(self, slot: Slot) -> tuple[float, ...]:
        """The log back-off of every character of `slot`, as in `slot_terms`."""
        cached = self.log_backoffs_cache.get(slot)
        if cached is None:
            cached = self.log_backoffs_cache[slot] = tuple(
                map(operator.itemgetter(3), self.slot_terms(slot))
            )
        return cached

    def line_positions(self, slot: Slot) -> list[int]:
        """The indices of the slot's characters that are on the line, from the smaller side."""
        line, chars = self.line, slot.chars
        if len(chars) < len(line):
            return [index for index, char in enumerate(chars) if char in line]
        positions = slot.positions
        return [positions[char] for char in line if char in positions]

    def document_terms(self, slot: Slot) -> tuple[Term, ...]:
        """`slot_terms` for characters that are not on the line, whose unigram is the
        document's alone: (1 - LINE_WEIGHT) · document + LINE_WEIGHT · 0."""
        cached = self.document_terms_cache.get(slot)
        if cached is None:
            terms = self.char_terms
            for char in slot.chars:
                if char not in terms:
                    terms[char] = term(char, (1 - LINE_WEIGHT) * self.document_unigram(char))
            cached = self.document_terms_cache[slot] = tuple(map(terms.__getitem__, slot.chars))
        return cached

    def bigram_share(self, previous: str | None, char: str) -> float:
        """λ·C(previous, char)/C(previous): the part of P(char | previous) the bigram gives."""
        if previous is None or not self.unigrams[previous]:
            return 0.0
        count = self.bigrams.predecessors(char).get(previous, 0)
        return BIGRAM_WEIGHT * count / self.unigrams[previous]

    def shares(self, char: str) -> tuple[tuple[str, float, float], ...]:
        """(previous, share, log share) for every attested predecessor of `char`, in the
        order of `Bigrams.predecessors`."""
        cached = self.shares_cache.get(char)
        if cached is None:
            predecessors = self.bigrams.predecessors(char)
            totals = map(self.unigrams.__getitem__, predecessors)
            shares = bigram_shares(predecessors.values(), totals)
            cached = self.shares_cache[char] = tuple(
                zip(predecessors, shares, map(math.log, shares), strict=True)
            )
        return cached

    def successors(self, previous: str | None) -> tuple[Attested, ...]:
        """(char, the bigram's rank in order of first occurrence, share, log share) for every
        character attested after `previous`; the second orders `previous` among the char's
        predecessors."""
        cached = self.successors_cache.get(previous)
        if cached is None:
            successors = self.bigrams.successors(previous) if previous is not None else {}
            befores = map(self.bigrams.before.__getitem__, successors)
            counts = map(operator.getitem, befores, repeat(previous))
            shares = bigram_shares(counts, repeat(self.unigrams[previous]))
            cached = self.successors_cache[previous] = tuple(
                zip(successors, successors.values(), shares, map(math.log, shares), strict=True)
            )
        return cached

    def pair_entry(
        self, previous: str | None, char: str
    ) -> dict[str, list[tuple[str, float, float]]]:
        """`attested_among` for one state and one character."""
        count = self.bigrams.predecessors(char).get(previous, 0) if previous is not None else 0
        if not count:
            return {}
        share = BIGRAM_WEIGHT * count / self.unigrams[previous]  # as in `shares`
        return {char: [(previous, share, math.log(share))]}  # type: ignore[list-item]

    def successor_entries(self, previous: str | None) -> dict[str, list[tuple[str, float, float]]]:
        """`attested_among` for the one state `previous`: {char: [(previous, share, log
        share)]} for every character attested after it (read, never changed, by the caller)."""
        found = self.successor_entries_cache.get(previous)
        if found is None:
            found = self.successor_entries_cache[previous] = {
                char: [(previous, share, log_share)]  # type: ignore[list-item]
                for char, _, share, log_share in self.successors(previous)
            }
        return found

    def attested_among(
        self, states: dict[str | None, float], chars: Collection[str]
    ) -> dict[str, list[tuple[str, float, float]]]:
        """For each of `chars` (a slot's, in order; a dict of them is searched fastest), its
        attested predecessors among `states` as (previous, share, log share), in the order of
        their predecessors; reached from whichever side is smaller (from one state, every
        character attested after it may be listed)."""
        if len(states) == 1:
            (previous,) = states
            if len(chars) == 1:
                return self.pair_entry(previous, next(iter(chars)))
            return self.successor_entries(previous)
        if len(states) >= len(chars):
            found = {}
            for char in chars:
                shares = self.shares(char)
                present = list(compress(shares, map(states.__contains__, map(FIRST, shares))))
                if present:
                    found[char] = present
            return found
        ranked: dict[str, list[tuple[int, str, float, float]]] = {}
        for previous in states:
            successors = self.successors(previous)
            for char, rank, share, log_share in compress(
                successors, map(chars.__contains__, map(FIRST, successors))
            ):
                ranked.setdefault(char, []).append((rank, previous, share, log_share))  # type: ignore[arg-type]
        return {
            char: [entry[1:] for entry in sorted(entries)] if len(entries) > 1 else [entries[0][1:]]
            for char, entries in ranked.items()
        }

    def attested(self, previous: str | None, char: str | None) -> bool:
        if previous is None or char is None:
            return False
        return self.bigrams.predecessors(char).get(previous, 0) > 0

    def logp(self, previous: str | None, char: str) -> float:
        backoff = (1 - BIGRAM_WEIGHT) * self.unigram(char)
        return math.log(self.bigram_share(previous, char) + backoff)

    def sequence_logp(self, chars: str, left: str | None, right: str | None) -> float:
        total, previous = 0.0, left
        for char in chars:
            total += self.logp(previous, char)
            previous = char
        return total + (self.logp(previous, right) if right is not None else 0.0)
