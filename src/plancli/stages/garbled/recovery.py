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
    BackwardScores,
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
        chars = tuple(sorted(alphabet))
        return Slot(chars, lexicon.prior_share(table.prior_mass - sum(table.priors(chars))))
    which, byte = (0, lead) if lead is not None else (1, trail)
    fitting = table.with_byte(which, byte)  # type: ignore[arg-type]
    known = tuple(filter(alphabet.__contains__, fitting))
    # the prior of the characters the document does not use: all of the byte's but those
    unused = table.byte_prior(which, byte) - sum(table.priors(known))  # type: ignore[arg-type]
    return Slot(known, lexicon.prior_share(unused) if len(known) < len(fitting) else 0.0)


def is_empty(slot: Slot) -> bool:
    """No character fits the slot: its layout cannot be read."""
    return not slot.chars and not slot.other


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
) -> tuple[float, list[str] | None, Lattice]:
    """(log mass incl. the layout prior, best path, lattice) with some slots clamped to one
    character; the lattice's history holds the forward scores after every slot. The search
    walks only the unsplit layout so; the tests compare every shortcut with such walks."""
    lattice = Lattice.start(lexicon, context)
    for index in range(len(slots)):
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
) -> tuple[list[Reading], Lattice | None, list[BackwardScores]]:
    """`readings`, and the forward lattice and backward scores of the unsplit layout."""
    search = search_layouts(run, lexicon, alphabet, context)
    if search is None:
        return [], None, []
    return search.readings, search.lattice, search.base.backward


class Frame(NamedTuple):
    """One layout's forward scores and backward score functions at the slots where they are
    known (index i: at slot i), and its log mass without the layout prior."""

    slots: tuple[Slot, ...]
    split: int | None
    history: list[dict[str | None, float]]
    backward: list[BackwardScores | None]
    total: float


class Search(NamedTuple):
    """Every layout's reading, and the unsplit layout's frame, lattice and best path, which
    the split layouts share outside their split."""

    readings: list[Reading]
    base: Frame
    lattice: Lattice
    path: list[str] | None


def search_layouts(
    run: Run, lexicon: Lexicon, alphabet: frozenset[str], context: Context
) -> Search | None:
    layouts = list(original_layouts(run))
    if not layouts:
        return None
    base = layouts[0]
    base_slots = tuple(make_slot(pair, lexicon, alphabet) for pair in base.pairs)
    base_mass, base_path, lattice = walk_layout(base, base_slots, lexicon, context)
    prefix = [{context.left: 0.0}, *lattice.history]
    prefix += [{}] * (len(base_slots) + 1 - len(prefix))  # the walk stopped at an empty slot
    suffix = backward_scores(base_slots, None, prefix[1:], lexicon, context)
    empty = [index for index, slot in enumerate(base_slots) if is_empty(slot)]
    found = []
    for layout in layouts:
        if layout.split is None:
            if not empty:
                found.append(Reading(layout, base_slots, base_mass, None, None))
            continue
        # the unsplit slots but the split pair's, which becomes two
        pair = layout.split - 1
        halves = tuple(make_slot(half, lexicon, alphabet) for half in layout.pairs[pair : pair + 2])
        if any(index != pair for index in empty) or any(map(is_empty, halves)):
            continue
        slots = base_slots[:pair] + halves + base_slots[pair + 1 :]
        mass, walked = split_mass(layout, slots, lattice, suffix, context)
        found.append(Reading(layout, slots, mass, None, walked))
    total = base_mass - base.log_prior
    frame = Frame(base_slots, None, lattice.history, suffix, total)  # type: ignore[arg-type]
    return Search(found, frame, lattice, base_path)


def split_mass(
    layout: Layout,
    slots: tuple[Slot, ...],
    base: Lattice,
    suffix: list[BackwardScores],
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


# --- one layout's best path and shown text, from the unsplit layout's where it is shared ---
#
# A closed slot (one character) is a single lattice state that every path goes through, so
# the reading on either side of it is independent of the other side. A split layout differs
# from the unsplit one only between the closed slots nearest its split pair (its window):
# outside, its best path and the posterior of any clamped slots are the unsplit layout's.


def split_window(split: int, search: Search) -> tuple[int, int | None]:
    """(last closed base slot before the split pair, or -1; first closed one after it, or
    None): the bounds, in base slots, of the split layout's own reading."""
    if search.path is None:  # no base path to share: the split layout is read alone
        return -1, None
    pair, base_slots = split - 1, search.base.slots
    before = [index for index in range(pair) if not base_slots[index].open]
    after = [index for index in range(pair + 1, len(base_slots)) if not base_slots[index].open]
    return (before[-1] if before else -1), (after[0] if after else None)


def split_reading(
    reading: Reading, search: Search, lexicon: Lexicon, context: Context
) -> tuple[list[str] | None, Frame, int, int | None]:
    """A split layout's best path and frame (valid inside its window), and its window."""
    layout, slots = reading.layout, reading.slots
    assert layout.split is not None and reading.walked is not None
    before, after = split_window(layout.split, search)
    lattice = reading.walked
    stop = len(slots) if after is None else after + 2  # through the closed slot after
    for index in range(len(lattice.pointers), stop):
        lattice.step(slots[index])
        if not lattice.forward:
            return None, search.base, before, after
    path = lattice.best_path()
    if path is not None and after is not None:
        path += search.path[after + 1 :]  # type: ignore[index]
    backward = backward_scores(
        slots, layout.split, lattice.history, lexicon, context, search.base.backward, before + 1
    )
    total = reading.log_mass - layout.log_prior
    frame = Frame(slots, layout.split, lattice.history, backward, total)  # type: ignore[arg-type]
    return path, frame, before, after


def frame_of(
    index: int, frame: Frame, search: Search, before: int, after: int | None
) -> tuple[Frame, int]:
    """The frame that reads slot `index` of a layout, and the slot's index in it."""
    if index <= before:
        return search.base, index
    if after is not None and index > after + 1:
        return search.base, index - 1
    return frame, index


def open_segments(slots: tuple[Slot, ...]) -> list[list[int]]:
    """The runs of consecutive open slots, which closed slots separate."""
    segments: list[list[int]] = []
    for index, slot in enumerate(slots):
        if not slot.open:
            continue
        if segments and segments[-1][-1] == index - 1:
            segments[-1].append(index)
        else:
            segments.append([index])
    return segments


def clamped_log_share(
    frame: Frame, clamp: list[tuple[int, str]], lexicon: Lexicon, context: Context
) -> float:
    """The log share of the frame's mass on paths through every (index, char) of `clamp`,
    slots of one run of open slots (in order), walked from the first to the last."""
    first, char = clamp[0]
    last, last_char = clamp[-1]
    if len(clamp) == 1:
        return frame.history[first][char] + frame.backward[first](char) - frame.total  # type: ignore[misc]
    fixed = dict(clamp)
    lattice = Lattice(lexicon, context.bias, {char: frame.history[first][char]}, {})
    for index in range(first + 1, last + 1):
        slot = Slot((fixed[index],)) if index in fixed else frame.slots[index]
        lattice.step(slot, after_drop=index == frame.split)
        if not lattice.forward:
            return -math.inf
    score = lattice.forward.get(last_char, -math.inf)
    return score + frame.backward[last](last_char) - frame.total  # type: ignore[misc]


def supported(
    path: list[str], slots: tuple[Slot, ...], index: int, lexicon: Lexicon, context: Context
) -> bool:
    """A guessed character must make a known word (an attested bigram) with a neighbour, and
    with every neighbour that is itself a guess."""
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
    path: list[str],
    locate: Callable[[int], tuple[Frame, int]],
    lexicon: Lexicon,
    context: Context,
) -> tuple[str, float]:
    """The best path with every guessed character the model is unsure of shown as □ (runs of
    □ merged), and the log mass of all paths that agree with what is shown; `locate` gives
    the frame that reads each slot. Closed slots separate the shown characters into runs
    whose shares of the mass multiply."""
    chars, mass = list(path), reading.log_mass
    threshold = math.log(SHOW_MARGINAL)
    for segment in open_segments(reading.slots):
        clamp = []
        for index in segment:
            frame, at = locate(index)
            char = chars[index]
            share = clamped_log_share(frame, [(at, char)], lexicon, context)
            if share >= threshold and supported(path, reading.slots, index, lexicon, context):
                clamp.append((at, char))
            else:
                chars[index] = UNKNOWN
        if clamp:
            mass += clamped_log_share(frame, clamp, lexicon, context)
    return re.sub(f"{UNKNOWN}+", UNKNOWN, "".join(chars)), mass


def read_reading(
    reading: Reading, search: Search, lexicon: Lexicon, context: Context
) -> tuple[str, float] | None:
    """The shown text of one layout and the mass behind it (None: no best path)."""
    if reading.layout.split is None:
        if search.path is None:
            return None
        base = search.base
        return shown_text(reading, search.path, lambda index: (base, index), lexicon, context)
    path, frame, before, after = split_reading(reading, search, lexicon, context)
    if path is None:
        return None
    return shown_text(
        reading,
        path,
        lambda index: frame_of(index, frame, search, before, after),
        lexicon,
        context,
    )


def recover(
    run: Run, lexicon: Lexicon, alphabet: frozenset[str], context: Context
) -> Recovery | None:
    """The most probable reading of the run, as far as the bytes and the document decide it."""
    search = search_layouts(run, lexicon, alphabet, context)
    if search is None:
        return None
    everything = logsumexp(reading.log_mass for reading in search.readings)
    if everything == -math.inf:
        return None
    patterns: dict[str, list[float]] = {}
    for reading in search.readings:
        if reading.log_mass < everything - PRUNE:
            continue
        shown = read_reading(reading, search, lexicon, context)
        if shown is not None:
            patterns.setdefault(shown[0], []).append(shown[1])
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
    document.cache_terms(alphabet)  # the search reads nearly every one of them
    spans: list[SuspectSpan] = []
    tried = 0
    for (line, stretches), line_pieces in zip(by_line, pieces, strict=True):
        if not stretches:
            continue
        lexicon = document.for_line(line_pieces)
        line_context = cache(lambda text=line.text: LineContext(text))
        for stretch in stretches:
            span = judge(
                stretch, lexicon, alphabet, line_context if tried < MAX_RECOVERIES else None
            )
            tried += stretch[3] is not None
            if span is not None:
                spans.append(span)
    return spans
