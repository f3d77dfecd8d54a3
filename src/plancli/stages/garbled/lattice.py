"""The search of mojibake recovery over one byte layout: a forward lattice (sum over paths
and best path, one slot of candidate characters at a time) and backward scores that give the
mass of every continuation, so every layout and every guessed character costs two passes.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Collection, Iterable
from itertools import chain, compress, repeat
from operator import itemgetter
from typing import NamedTuple

from plancli.stages.garbled.character_model import Lexicon, Slot, Term
from plancli.stages.garbled.gbk import gbk_table
from plancli.stages.garbled.run_context import Context
from plancli.stages.garbled.tuning import BIGRAM_WEIGHT, OTHER

FIRST, SECOND, THIRD = itemgetter(0), itemgetter(1), itemgetter(2)
MANY_ATTESTED = 16  # from one state, as many attested characters are visited at C level
FIRST_LEAD = 0x81  # no byte below it is a lead byte, so no forming pattern holds it


class TrailGroups(NamedTuple):
    """Previous states by trail byte, each group's order, the groups no lead pattern can bar
    (no byte, or one below every lead byte) and the others."""

    by_trail: dict[int | None, list[str | None]]
    order: dict[int | None, int]
    always: list[int | None]
    barrable: set[int | None]

    @classmethod
    def of(cls, by_trail: dict[int | None, list[str | None]]) -> TrailGroups:
        order = dict(zip(by_trail, range(len(by_trail)), strict=True))
        always = [trail for trail in by_trail if trail is None or trail < FIRST_LEAD]
        return cls(by_trail, order, always, by_trail.keys() - always)


class PreviousGroups:
    """The previous states of a dense step grouped by trail byte. A lead pattern
    (`forming`) bars the trail bytes in it; the groups it can never bar (no byte, or one
    below every lead byte) are summed once for all patterns, the others per pattern. Ties
    between best states go to the first in the order of the groups, then of their states."""

    def __init__(self, lattice: Lattice) -> None:
        self.lattice = lattice
        self.by_trail, self.order, always, self.barrable = lattice.trail_groups()
        self.always_forward, *self.always_best = self.scores(always)
        self.by_extra: dict[frozenset[int | None], tuple[float, str | None, float]] = {}

    def scores(self, trails: list[int | None]) -> tuple[float, str | None, float, int]:
        """The summed forward score of the states of `trails` (in order), and the first best
        of them: (state, Viterbi score, its group's order), order -1 if none has one."""
        forward, viterbi = self.lattice.forward, self.lattice.viterbi
        members = list(chain.from_iterable(map(self.by_trail.__getitem__, trails)))
        total = logsumexp(list(map(forward.__getitem__, members)))
        best = max(filter(viterbi.__contains__, members), key=viterbi.__getitem__, default=None)
        if best is None or viterbi[best] == -math.inf:
            return total, None, -math.inf, -1
        return total, best, viterbi[best], self.order[self.lattice.state_trail()(best)]

    def allowed(self, forming: frozenset[int]) -> tuple[float, str | None, float]:
        """The summed forward score of the states whose trail byte `forming` allows, and
        the best of them (state, Viterbi score)."""
        extra = frozenset(self.barrable - forming)
        if not extra:
            return self.always_forward, *self.always_best[:2]  # type: ignore[return-value]
        found = self.by_extra.get(extra)  # patterns often differ only in bytes no state has
        if found is None:
            forward, *best = self.scores(sorted(extra, key=self.order.__getitem__))
            state, score, _ = best_group([tuple(self.always_best), tuple(best)])  # type: ignore[list-item]
            found = self.by_extra[extra] = logsumexp([self.always_forward, forward]), state, score
        return found


def best_group(
    candidates: list[tuple[str | None, float, int]],
) -> tuple[str | None, float, int]:
    """The (state, Viterbi score, order) with the highest score, the first in order among
    equals; (None, -inf, -1) if none has a finite score."""
    best = max(candidates, key=lambda found: (found[1], -found[2]), default=None)
    if best is None or best[1] == -math.inf:
        return None, -math.inf, -1
    return best


def trail_byte(state: str | None) -> int | None:
    """The trail byte of a lattice state's GBK code (None: no known byte; None and OTHER are
    not characters)."""
    return gbk_table().trail_of(state)


def logsumexp(values: Iterable[float]) -> float:
    """log Σ exp(value); a term of -inf adds nothing, and a single term is returned as is."""
    values = values if isinstance(values, list) else list(values)
    if len(values) < 2:
        return values[0] if values else -math.inf
    top = max(values)
    if top == -math.inf:
        return top
    if len(values) == 2:  # the same sum: 0 + x is x
        return top + math.log(math.exp(values[0] - top) + math.exp(values[1] - top))
    return top + math.log(sum(map(math.exp, map(operator.sub, values, repeat(top)))))


class Pointers(dict):  # type: ignore[type-arg]
    """A slot's back-pointers where every character not listed points to `default` (the
    best previous state, which a sparse step gives every unattested character)."""

    def __init__(self, default: str | None) -> None:
        super().__init__()
        self.default = default

    def __missing__(self, char: str) -> str | None:
        return self.default

    def get(self, char: str, default: object = None) -> str | None:  # type: ignore[override]
        return self[char]


class Lattice:
    """Forward (sum over paths) and Viterbi (best path) scores, one slot at a time."""

    def __init__(
        self,
        lexicon: Lexicon,
        bias: dict[str, float],
        forward: dict[str | None, float],
        viterbi: dict[str | None, float],
        pointers: list[dict[str, str | None]] | None = None,
        history: list[dict[str | None, float]] | None = None,
        best_history: list[dict[str | None, float]] | None = None,
    ) -> None:
        self.lexicon, self.bias = lexicon, bias
        self.forward, self.viterbi = forward, viterbi
        self.pointers = pointers if pointers is not None else []
        self.history = history if history is not None else []  # forward scores, per slot
        self.best_history = best_history if best_history is not None else []  # Viterbi
        self.slot: Slot | None = None  # the slot whose characters the states are, once known

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
        terms = self.lexicon.slot_terms(slot)
        attested = self.lexicon.attested_among(self.forward, slot.positions)
        if after_drop:
            forward, viterbi, pointers = self.dense_step(terms, slot, attested)
        elif forward_all > -math.inf:
            forward, viterbi, pointers = self.sparse_step(terms, slot, attested, forward_all)
        else:  # no previous state can be continued
            forward, viterbi, pointers = {}, {}, {}
        for char, factor in self.bias.items():
            if char in forward:
                weight = math.log(factor)
                forward[char], viterbi[char] = forward[char] + weight, viterbi[char] + weight
        if slot.other > 0 and forward_all > -math.inf:
            forward[OTHER] = forward_all + math.log((1 - BIGRAM_WEIGHT) * slot.other)
        self.forward, self.viterbi, self.slot = forward, viterbi, slot
        self.pointers.append(pointers)
        self.history.append(forward)
        self.best_history.append(viterbi)

    def sparse_step(
        self,
        terms: tuple[Term, ...],
        slot: Slot,
        attested: dict[str, list[tuple[str, float, float]]],
        forward_all: float,
    ) -> tuple[dict[str | None, float], dict[str | None, float], dict[str, str | None]]:
        """Only attested predecessors (`attested`, present in the lattice) differ from the
        back-off, so every character starts from it and only they are visited; the best
        previous state is every other character's pointer."""
        previous_forward, previous_viterbi = self.forward, self.viterbi
        top, top_score = None, -math.inf
        if previous_viterbi:
            top = max(previous_viterbi, key=previous_viterbi.__getitem__)
            top_score = previous_viterbi[top]
        chars, log_backoffs = slot.chars, self.lexicon.slot_log_backoffs(slot)
        forward: dict[str | None, float] = dict(
            zip(chars, map(operator.add, repeat(forward_all), log_backoffs), strict=True)
        )
        if top_score == forward_all:  # one state, as at the start: the same sums
            viterbi = forward.copy()
        else:
            viterbi = dict(
                zip(chars, map(operator.add, repeat(top_score), log_backoffs), strict=True)
            )
        pointers: dict[str, str | None] = Pointers(top)
        positions = slot.positions
        if len(previous_forward) == 1 and len(attested) >= MANY_ATTESTED:
            self.add_one_state(forward, viterbi, terms, slot, attested)
            return forward, viterbi, pointers
        for char, found in attested.items():
            if char not in positions:
                continue
            backoff = terms[positions[char]][2]
            first = forward[char]
            pointer, best = top, viterbi[char]
            scores = [first]
            for previous, share, log_share in found:
                scores.append(previous_forward[previous] + log_share)
                if previous in previous_viterbi:
                    score = previous_viterbi[previous] + math.log(share + backoff)
                    if score > best:
                        pointer, best = previous, score
            forward[char], viterbi[char], pointers[char] = logsumexp(scores), best, pointer
        return forward, viterbi, pointers

    def add_one_state(
        self,
        forward: dict[str | None, float],
        viterbi: dict[str | None, float],
        terms: tuple[Term, ...],
        slot: Slot,
        attested: dict[str, list[tuple[str, float, float]]],
    ) -> None:
        """`sparse_step`'s visit of the attested characters when the previous states are
        one (every character's pointer): the same sums, made at C level."""
        positions = slot.positions
        chars = list(filter(positions.__contains__, attested))
        if not chars:
            return
        ((source, source_forward),) = self.forward.items()
        entries = list(map(FIRST, map(attested.__getitem__, chars)))  # (source, share, log)
        firsts = list(map(forward.__getitem__, chars))
        seconds = list(map(operator.add, repeat(source_forward), map(THIRD, entries)))
        tops = list(map(max, firsts, seconds))
        exps = map(
            operator.add,
            map(math.exp, map(operator.sub, firsts, tops)),
            map(math.exp, map(operator.sub, seconds, tops)),
        )
        forward.update(zip(chars, map(operator.add, tops, map(math.log, exps)), strict=True))
        if source not in self.viterbi:
            return
        backoffs = map(THIRD, map(terms.__getitem__, map(positions.__getitem__, chars)))
        scores = list(
            map(
                operator.add,
                repeat(self.viterbi[source]),
                map(math.log, map(operator.add, map(SECOND, entries), backoffs)),
            )
        )
        better = list(map(operator.gt, scores, map(viterbi.__getitem__, chars)))
        viterbi.update(zip(compress(chars, better), compress(scores, better), strict=True))

    def dense_step(
        self,
        terms: tuple[Term, ...],
        slot: Slot,
        attested: dict[str, list[tuple[str, float, float]]],
    ) -> tuple[dict[str | None, float], dict[str | None, float], dict[str, str | None]]:
        """Like sparse_step, over the previous states whose trail byte may precede each
        character; what depends only on the character's lead byte is computed once per
        lead pattern, and only the attested characters are revisited."""
        groups = PreviousGroups(self)
        formings = slot.formings
        by_forming = {forming: groups.allowed(forming) for forming in dict.fromkeys(formings)}
        # every character from its lead pattern's groups (a one-term sum is the term), in
        # the slot's order; the attested ones are revisited below
        chars, log_backoffs = slot.chars, self.lexicon.slot_log_backoffs(slot)
        group_forward = {forming: found[0] for forming, found in by_forming.items()}
        group_state = {forming: found[1] for forming, found in by_forming.items()}
        group_viterbi = {forming: found[2] for forming, found in by_forming.items()}
        forward: dict[str | None, float] = dict(
            zip(
                chars,
                map(operator.add, map(group_forward.get, formings), log_backoffs),
                strict=True,
            )
        )
        viterbi: dict[str | None, float] = dict(
            zip(
                chars,
                map(operator.add, map(group_viterbi.get, formings), log_backoffs),
                strict=True,
            )
        )
        pointers: dict[str, str | None] = dict(
            zip(chars, map(group_state.get, formings), strict=True)
        )
        if -math.inf in group_forward.values():
            # a character no group reaches is kept only if its own bigrams may reach it
            for char, forming in zip(chars, formings, strict=True):
                if group_forward[forming] == -math.inf and char not in attested:
                    del forward[char], viterbi[char], pointers[char]
        trail_of, positions = self.state_trail(), slot.positions
        previous_forward, previous_viterbi = self.forward, self.viterbi
        for char, found in attested.items():
            if char not in positions:
                continue
            position = positions[char]
            _, _, backoff, log_backoff = terms[position]
            forming = formings[position]
            reached, pointer, best = by_forming[forming]
            scores = [reached + log_backoff] if reached > -math.inf else []
            best += log_backoff
            for previous, share, log_share in found:
                if trail_of(previous) in forming:
                    continue
                scores.append(previous_forward[previous] + log_share)
                score = previous_viterbi.get(previous, -math.inf) + math.log(share + backoff)
                if score > best:
                    pointer, best = previous, score
            total = logsumexp(scores)
            if total > -math.inf:
                forward[char], viterbi[char], pointers[char] = total, best, pointer
            else:
                del forward[char], viterbi[char], pointers[char]
        return forward, viterbi, pointers

    def state_trail(self) -> Callable[[str | None], int | None]:
        """The trail byte of a state of the lattice."""
        if self.slot is not None:  # the states are the slot's characters and OTHER
            return self.slot.trails.get
        return trail_byte

    def trail_groups(self) -> TrailGroups:
        """`previous_by_trail` with the order of its groups and the trails no lead pattern
        can bar; made once per slot when the states are the whole slot."""
        slot, forward = self.slot, self.forward
        if slot is not None and len(forward) == len(slot.chars) + (OTHER in forward):
            found = slot.lattice_groups.get(OTHER in forward)
            if found is None:
                found = slot.lattice_groups[OTHER in forward] = TrailGroups.of(
                    self.previous_by_trail()
                )
            return found  # type: ignore[return-value]
        return TrailGroups.of(self.previous_by_trail())

    def previous_by_trail(self) -> dict[int | None, list[str | None]]:
        """Previous states grouped by their trail byte (None: unknown byte, always allowed)."""
        slot, forward = self.slot, self.forward
        if slot is not None and len(forward) == len(slot.chars) + (OTHER in forward):
            # every character of the slot is a state, in its order, and OTHER comes last
            members = dict(slot.trail_groups)
            if OTHER in forward:
                members[None] = [*members.get(None, ()), OTHER]
            return members
        members: dict[int | None, list[str | None]] = {}
        trail_of = self.state_trail()
        for previous in self.forward:
            members.setdefault(trail_of(previous), []).append(previous)
        return members

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


class Backward(NamedTuple):
    """log(base + corrections[p]) + shift: the backward score of any previous state p."""

    base: float
    corrections: dict[str | None, float]
    shift: float

    def __call__(self, state: str | None) -> float:
        return safe_log(self.base + self.corrections.get(state, 0.0)) + self.shift

    def scores(self, states: Iterable[str | None]) -> list[float]:
        """[self(state) for state in states], in one pass."""
        base, corrections, shift = self.base, self.corrections, self.shift
        sums = list(map(operator.add, repeat(base), map(corrections.get, states, repeat(0.0))))
        if sums and min(sums) > 0:
            return list(map(operator.add, map(math.log, sums), repeat(shift)))
        return [(math.log(value) if value > 0 else -math.inf) + shift for value in sums]


def final_backward(lexicon: Lexicon, context: Context) -> Backward:
    """Past the last slot: the right-hand character, if any, still has to be generated."""
    if context.right is None:
        return Backward(1.0, {}, 0.0)
    return sparse_backward(Slot((context.right,)), Backward(1.0, {}, 0.0), lexicon, context)


def sparse_backward(
    slot: Slot, after: BackwardScores, lexicon: Lexicon, context: Context
) -> Backward:
    scores = dict(zip(slot.chars, after.scores(slot.chars), strict=True))
    if slot.other > 0:
        scores[OTHER] = after(OTHER)
    shift = max(scores.values(), default=-math.inf)
    if shift == -math.inf:
        return Backward(0.0, {}, 0.0)
    base, corrections = 0.0, {}
    bias = context.bias
    for char, unigram, _, _ in lexicon.slot_terms(slot):
        weight = math.exp(scores[char] - shift)
        if char in bias:
            weight *= bias[char]
        base += weight * (1 - BIGRAM_WEIGHT) * unigram
        shares = lexicon.shares(char)
        predecessors = list(map(FIRST, shares))
        weighted = map(operator.mul, repeat(weight), map(SECOND, shares))
        if not corrections:  # the first terms (0.0 + x is x)
            corrections = dict(zip(predecessors, weighted, strict=True))
            continue
        # a character's predecessors are distinct, so each is read before it is written
        added = map(operator.add, map(corrections.get, predecessors, repeat(0.0)), weighted)
        corrections.update(zip(predecessors, added, strict=True))
    if slot.other > 0:
        base += math.exp(scores[OTHER] - shift) * (1 - BIGRAM_WEIGHT) * slot.other
    return Backward(base, corrections, shift)


def dense_backward(
    slot: Slot,
    after: BackwardScores,
    states: Collection[str | None],
    lexicon: Lexicon,
    context: Context,
    state_slot: Slot | None = None,
) -> BackwardScores:
    """Into the second half of a dropped pair: for each previous state present, by trail
    byte (which decides the characters allowed) plus the state's own bigrams; made for each
    state when first asked, as a split layout asks for few of many. `state_slot`: the slot
    whose characters (and OTHER) the states are, if known."""
    scores = after.scores(slot.chars)
    other = after(OTHER) if slot.other > 0 else -math.inf
    shift = max([*scores, other])
    if shift == -math.inf:
        return Backward(0.0, {}, 0.0)
    exps = map(math.exp, map(operator.sub, scores, repeat(shift)))
    weights = dict(zip(slot.chars, exps, strict=True))
    for char, factor in context.bias.items():
        if char in weights:
            weights[char] *= factor
    other_term = math.exp(other - shift) * (1 - BIGRAM_WEIGHT) * slot.other if slot.other else 0
    # the back-off terms summed per lead pattern: a previous trail byte allows or bars a
    # pattern's characters all together
    unigrams = map(SECOND, lexicon.slot_terms(slot))
    scaled = map(operator.mul, weights.values(), repeat(1 - BIGRAM_WEIGHT))
    by_pattern: dict[frozenset[int], float] = {}
    for forming, term in zip(slot.formings, map(operator.mul, scaled, unigrams), strict=True):
        by_pattern[forming] = by_pattern.get(forming, 0.0) + term
    trail_of = state_slot.trails.get if state_slot is not None else trail_byte
    allowed = AllowedSums(list(by_pattern.items()), other_term)
    return DenseBackward(states, trail_of, allowed, weights, slot, lexicon, shift)


class AllowedSums:
    """The back-off mass a previous trail byte allows: the sum over the lead patterns it is
    outside of, made once per such profile (bytes below every lead byte allow all)."""

    def __init__(self, patterns: list[tuple[frozenset[int], float]], other_term: float) -> None:
        self.patterns, self.other_term = patterns, other_term
        self.by_trail: dict[int | None, float] = {}
        self.by_allowed: dict[tuple[bool, ...], float] = {}

    def __call__(self, trail: int | None) -> float:
        found = self.by_trail.get(trail)
        if found is None:
            allowed = tuple(trail is None or trail not in forming for forming, _ in self.patterns)
            found = self.by_allowed.get(allowed)
            if found is None:
                found = self.by_allowed[allowed] = self.other_term + sum(
                    [total for (_, total), ok in zip(self.patterns, allowed, strict=True) if ok]
                )
            self.by_trail[trail] = found
        return found


class DenseBackward:
    """`dense_backward`'s score of each previous state, made when first asked: the mass its
    trail byte allows plus weight · share for each of its attested successors in the slot
    whose bytes make no character with it, added in the slot's order."""

    def __init__(
        self,
        states: Collection[str | None],
        trail_of: Callable[[str | None], int | None],
        allowed: AllowedSums,
        weights: dict[str, float],
        slot: Slot,
        lexicon: Lexicon,
        shift: float,
    ) -> None:
        self.states, self.trail_of, self.allowed = states, trail_of, allowed
        self.weights, self.slot, self.lexicon, self.shift = weights, slot, lexicon, shift
        self.made: dict[str | None, float] = {}

    def __call__(self, state: str | None) -> float:
        found = self.made.get(state)
        if found is None:
            found = self.made[state] = self.score(state)
        return found

    def scores(self, states: Iterable[str | None]) -> list[float]:
        states = list(states)
        if len(states) >= len(self.weights):  # many states: from the characters' side
            self.score_by_character([state for state in states if state not in self.made])
        return [self(state) for state in states]

    def score_by_character(self, states: list[str | None]) -> None:
        """`score` for many states at once, visiting each character's predecessors; every
        state's sum is made in the same order (the slot's)."""
        sums = {
            state: self.allowed(self.trail_of(state)) for state in states if state in self.states
        }
        for (char, weight), forming in zip(self.weights.items(), self.slot.formings, strict=True):
            for previous, share, _ in self.lexicon.shares(char):
                if previous in sums:
                    trail = self.trail_of(previous)
                    if trail is None or trail not in forming:
                        sums[previous] += weight * share
        for state, total in sums.items():
            self.made[state] = safe_log(total) + self.shift

    def score(self, state: str | None) -> float:
        if state not in self.states:
            return -math.inf
        trail = self.trail_of(state)
        total = self.allowed(trail)
        positions, formings, weights = self.slot.positions, self.slot.formings, self.weights
        found = sorted(
            (positions[char], char, share)
            for char, _, share, _ in self.lexicon.successors(state)
            if char in positions
        )
        for position, char, share in found:
            if trail is None or trail not in formings[position]:
                total += weights[char] * share
        return safe_log(total) + self.shift


BackwardScores = Backward | DenseBackward


def backward_scores(
    slots: tuple[Slot, ...],
    split: int | None,
    history: list[dict[str | None, float]],
    lexicon: Lexicon,
    context: Context,
    unsplit: list[BackwardScores] | None = None,
    stop: int = 0,
) -> list[BackwardScores]:
    """Backward score functions after every slot (index i: the continuation past slot i).
    `unsplit`: those of the unsplit layout, which a split layout shares past its split (and
    which are the answer for the unsplit layout itself); `stop`: the first index needed (those
    before it are left None)."""
    if unsplit is not None and split is None:
        return unsplit
    scores: list[BackwardScores | None] = [None] * len(slots)
    if unsplit is not None and split is not None:
        scores[split:] = unsplit[split - 1 :]
        last = split - 1
    else:
        scores[-1] = final_backward(lexicon, context)
        last = len(slots) - 2
    for index in range(last, stop - 1, -1):
        after = scores[index + 1]
        assert after is not None
        if index + 1 == split:
            scores[index] = dense_backward(
                slots[index + 1], after, history[index], lexicon, context, slots[index]
            )
        else:
            scores[index] = sparse_backward(slots[index + 1], after, lexicon, context)
    return scores  # type: ignore[return-value]
