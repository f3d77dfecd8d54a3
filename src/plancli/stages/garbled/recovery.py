"""Recovery of garbled runs found by `detect`: the byte layouts a run may come from, each
read with the document's character model (`character_model`) through the lattice search
(`lattice`), and the judgement of every suspect stretch (see `plancli.stages.garbled` for the
method).

Imported only when a document has a run that can be recovered, so clean documents and the
scan pay nothing for it.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Iterator
from functools import cache
from typing import NamedTuple

from plancli.core import Line, SuspectSpan
from plancli.stages.garbled.character_model import Lexicon, Pair
from plancli.stages.garbled.gbk import decode_pair, fold, gbk_table, shifted_bytes
from plancli.stages.garbled.lattice import (
    Backward,
    Lattice,
    Slot,
    backward_scores,
    logsumexp,
)
from plancli.stages.garbled.run_context import Context, LineContext
from plancli.stages.garbled.runs import Run, Stretch, outside_stretches
from plancli.stages.garbled.tuning import (
    DROP_RATE,
    EVIDENCE_MARGIN,
    MAX_RECOVERIES,
    MIN_CONFIDENCE,
    PRUNE,
    SHOW_MARGINAL,
    UNKNOWN,
)


class Layout(NamedTuple):
    """Original-frame byte pairs; `split` is the index of the second half of a dropped pair."""

    pairs: tuple[Pair, ...]
    split: int | None
    log_prior: float


class Recovery(NamedTuple):
    text: str
    confidence: float


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
        unused = table.prior_mass - sum(table.prior_of(char) for char in alphabet)
        return Slot(tuple(sorted(alphabet)), lexicon.prior_share(unused))
    fitting = table.with_lead(lead) if lead is not None else table.with_trail(trail)  # type: ignore[arg-type]
    known = tuple(char for char in fitting if char in alphabet)
    prior_of = table.prior_of
    unused = sum([prior_of(char) for char in fitting if char not in alphabet])
    return Slot(known, lexicon.prior_share(unused))


class Reading(NamedTuple):
    """One layout read with the document model: its slots, mass and best path; `walked`: for
    a split layout, the lattice past both halves of its split pair, for `recover` to go on."""

    layout: Layout
    slots: tuple[Slot, ...]
    log_mass: float
    path: list[str] | None
    walked: Lattice | None = None


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
    forward = lattice.forward
    mass = layout.log_prior + logsumexp(map(operator.add, forward.values(), after.scores(forward)))
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
