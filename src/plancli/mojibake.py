"""Detect garbled runs (GBK mojibake) and propose recoveries; never alters text.

The damage in the samples, worked out byte by byte (tests/test_mojibake.py has the numbers):
the page was stored as GBK, one byte was lost or swallowed, and the decoder went on one byte
out of frame. Each character it produced is the trail byte of one original character plus the
lead byte of the next: ``。“十四五”期間`` is A1A3 A1B0 CAAE CBC4 CEE5 A1B1 C6DA E967, read
from its second byte A3A1 ``！`` B0CA ``笆`` (AECB is no character and was dropped) C4CE
``奈`` … DAE9 ``陂``, and 67 ``g``, an ASCII byte, brought the decoder back in step. The
orphan byte shows as ``?``. Where a pinyin gloss had been inserted inside a character, the
``?`` also swallowed the gloss's ``(``, leaving ``?jié)``.

Recovery re-encodes the run, restores the hidden bytes (the orphan lead byte, the trail byte
behind a closing ``?``, a dropped unmappable pair) and decodes in the original frame. The
hidden bytes are chosen with a character bigram model of the document itself, mixed with the
characters of the damaged line (a word tends to recur near itself), backed by GB2312 level 1
as "common CJK" and by bracket balance. A guessed character is shown only when the model is
sure of it and it makes known words with its neighbours; otherwise it is shown as □ (the 缺字
mark). ``confidence`` is the model's posterior probability that what is shown is right, among
every restoration it considered, including characters the document never uses.
"""

from __future__ import annotations

import bisect
import itertools
import math
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache

from plancli.core import Line, SuspectSpan

MARKERS = "?\ufffd"
PINYIN = "a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüêńňǹḿ"
GLOSS_REMNANT = re.compile(rf"[{PINYIN}]{{1,7}} ?\)")
GLOSS = re.compile(rf"\([{PINYIN}]{{1,7}} ?\)")
MAX_BODY = 40
# Punctuation right after "?" that a real question mark is never followed by.
SHIFT_PUNCTUATION = frozenset("。、;；!！")

# Classic signatures, derived from the bytes that make them: UTF-8 of U+FFFD read as GBK,
# and the MSVC fill bytes 0xCC / 0xCD read as GBK.
SIGNATURES = re.compile(
    "(?:{})+|{}{{3,}}|{}{{3,}}".format(
        ("\ufffd" * 2).encode("utf-8").decode("gbk"),
        b"\xcc\xcc".decode("gbk"),
        b"\xcd\xcd".decode("gbk"),
    )
)

BIGRAM_WEIGHT = 0.75  # λ: share of P(c | previous) taken from the document's bigrams
LINE_WEIGHT = 0.1  # share of the unigram taken from the damaged line itself
PRIOR_COUNT = 0.5  # pseudo-count spread over all GBK characters by their prior weight
DROP_RATE = 0.1  # chance that a shifted pair was unmappable and dropped, per pair
BRACKET_PENALTY = 0.1  # factor for a bracket that would unbalance its line
PRUNE = 10.0  # readings this many nats below the total are not worth showing
MIN_CONFIDENCE = 0.5  # below this a span is reported without a candidate
SHOW_MARGINAL = 0.8  # a hidden character is shown only when the model is this sure of it
EVIDENCE_MARGIN = 2.0  # nats per character the recovery must gain to count as evidence
MAX_RECOVERIES = 100  # per document; runs beyond are reported without trying a recovery
OTHER = "\x00"  # stands for every character the document does not use
UNKNOWN = "□"  # a character the bytes and the document do not decide (缺字 mark)


# --- GBK tables -------------------------------------------------------------------------


FOLD_TABLE = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}  # fold, for str.translate


def fold(char: str) -> str:
    """Full-width ASCII forms fold to ASCII, as normalization does."""
    code = ord(char)
    return chr(code - 0xFEE0) if 0xFF01 <= code <= 0xFF5E else char


def is_pua(char: str) -> bool:
    return 0xE000 <= ord(char) <= 0xF8FF


@dataclass(frozen=True)
class GbkTable:
    code: dict[str, bytes]
    by_lead: dict[int, tuple[str, ...]]
    by_trail: dict[int, tuple[str, ...]]
    prior: dict[str, float]
    prior_mass: float


def prior_weight(lead: int, trail: int) -> float:
    """GB2312 level 1 (B0A1–D7FE) is the common-CJK core; then the rest of GB2312, then GBK."""
    if 0xB0 <= lead <= 0xD7 and trail >= 0xA1:
        return 1.0
    if 0xA1 <= lead <= 0xF7 and trail >= 0xA1:
        return 0.3
    return 0.1


def gbk_pairs() -> dict[int, str]:
    """Every two-byte GBK code that is a character, keyed lead << 8 | trail, folded."""
    pairs = {}
    for lead in range(0x81, 0xFF):
        for trail in sorted(GBK_TRAILS):
            try:
                pairs[lead << 8 | trail] = fold(bytes((lead, trail)).decode("gbk"))
            except UnicodeDecodeError:
                continue
    return pairs


GBK_TRAILS = frozenset((*range(0x40, 0x7F), *range(0x80, 0xFF)))


@cache
def decode_pair(lead: int, trail: int) -> str | None:
    """The character of one two-byte GBK code, folded, as in gbk_pairs (None: no character)."""
    if not 0x81 <= lead <= 0xFE or trail not in GBK_TRAILS:
        return None
    try:
        return fold(bytes((lead, trail)).decode("gbk"))
    except UnicodeDecodeError:
        return None


def lift_traditional(prior: dict[str, float]) -> None:
    """A traditional character is as common as its simplified form (縣 as 县)."""
    import opencc

    rare = [char for char, weight in prior.items() if weight < 1.0]
    simplified = opencc.OpenCC("t2s").convert("\n".join(rare)).split("\n")
    if len(simplified) != len(rare):
        return
    for char, form in zip(rare, simplified, strict=True):
        if form != char and form in prior:
            prior[char] = max(prior[char], prior[form])


def build_gbk_table() -> GbkTable:
    """The table from the codec and OpenCC (slow: tools/make_gbk_table.py stores it)."""
    code: dict[str, bytes] = {}
    prior: dict[str, float] = {}
    for key, char in gbk_pairs().items():
        lead, trail = key >> 8, key & 0xFF
        if char not in code and not char.isspace() and not (char.isascii() and char.isalnum()):
            code[char] = bytes((lead, trail))
            prior[char] = prior_weight(lead, trail)
    lift_traditional(prior)
    return make_gbk_table(code, prior)


def make_gbk_table(code: dict[str, bytes], prior: dict[str, float]) -> GbkTable:
    by_lead: dict[int, list[str]] = {}
    by_trail: dict[int, list[str]] = {}
    for char, raw in code.items():
        by_lead.setdefault(raw[0], []).append(char)
        by_trail.setdefault(raw[1], []).append(char)
    return GbkTable(
        code,
        {lead: tuple(chars) for lead, chars in by_lead.items()},
        {trail: tuple(chars) for trail, chars in by_trail.items()},
        prior,
        sum(prior.values()),
    )


GBK_TABLE_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gbk_table.txt")
WEIGHT_DIGITS = {"1": 1.0, "3": 0.3, "0": 0.1}


def dump_gbk_table(table: GbkTable) -> str:
    """The stored form: a header, the characters in code order, their codes in hex, and their
    prior weights as digits (WEIGHT_DIGITS)."""
    digits = {weight: digit for digit, weight in WEIGHT_DIGITS.items()}
    return "\n".join(
        [
            "# generated by tools/make_gbk_table.py (GBK codec + OpenCC t2s); do not edit",
            "".join(table.code),
            b"".join(table.code.values()).hex(),
            "".join(digits[table.prior[char]] for char in table.code),
            "",
        ]
    )


def load_gbk_table(text: str) -> GbkTable:
    _, chars, codes, weights, _ = text.split("\n")
    raw = bytes.fromhex(codes)
    code = dict(zip(chars, (raw[i : i + 2] for i in range(0, len(raw), 2)), strict=True))
    prior = dict(zip(chars, map(WEIGHT_DIGITS.__getitem__, weights), strict=True))
    return make_gbk_table(code, prior)


@cache
def gbk_table() -> GbkTable:
    """Built once, at development time, into gbk_table.txt; rebuilt if that file is missing."""
    try:
        with open(GBK_TABLE_FILE, encoding="utf-8") as handle:
            return load_gbk_table(handle.read())
    except FileNotFoundError:
        return build_gbk_table()


def shifted_bytes(char: str) -> tuple[int | None, int | None] | None:
    """The two bytes a run character was decoded from (None: unknown); None if not GBK."""
    raw = gbk_table().code.get(fold(char))
    if raw is not None:
        return raw[0], raw[1]
    if is_pua(char):
        return pua_bytes(char)
    return None


def pua_bytes(char: str) -> tuple[int | None, int | None]:
    """GBK codes without a character come out of decoders as private-use characters: the
    user-defined areas as GB18030 maps them, and FE50–FEA0 as the older all-PUA GBK table
    did (U+E815 onwards, one code per byte, skipping the non-byte FE7F)."""
    code = ord(char)
    if 0xE815 <= code <= 0xE864:
        trail = 0x50 + code - 0xE815
        return 0xFE, trail + 1 if trail >= 0x7F else trail
    encoded = char.encode("gb18030")
    return (encoded[0], encoded[1]) if len(encoded) == 2 else (None, None)


# --- finding runs -------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """A marker and the out-of-frame text after it, up to the point where the frame resyncs."""

    start: int
    end: int
    marker: str
    remnant: bool  # a pinyin gloss remnant (``jié)``) right after the marker
    body: str = ""
    tail: str | None = None  # "letter", "marker", "gloss" (marker + gloss remnant), None
    letter: str = ""  # the ASCII trail byte that ended the run, for tail "letter"

    @property
    def framed(self) -> bool:
        return self.tail is not None

    @property
    def structural(self) -> bool:
        """Evidence that needs no language model: no ordinary "?" looks like this."""
        return (
            self.marker != "?"
            or self.remnant
            or self.body[:1] in SHIFT_PUNCTUATION
            or any(is_pua(char) for char in self.body)
        )


def is_ascii_word_char(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char in "/=&%_-.:#@+~")


def starts_run(text: str, index: int) -> bool:
    """A marker inside an ASCII token (URL, English) is an ordinary question mark."""
    return index == 0 or not is_ascii_word_char(text[index - 1])


def is_lone_letter(text: str, index: int) -> bool:
    """An ASCII letter with no ASCII word around it: a trail byte that resynced the decoder."""
    following = text[index + 1 : index + 2]
    return (
        text[index].isascii()
        and text[index].isalpha()
        and not (following and is_ascii_word_char(following))
    )


def is_double_byte(char: str) -> bool:
    if char.isascii():
        # ASCII punctuation stands for its full-width form: normalization may have folded it
        return not char.isalnum() and not char.isspace() and char in gbk_table().code
    return shifted_bytes(char) is not None


def read_run(text: str, start: int) -> Run:
    index = start + 1
    remnant = GLOSS_REMNANT.match(text, index)
    body_start = remnant.end() if remnant else index
    marker, has_remnant = text[start], remnant is not None
    index = body_start
    while index < len(text) and index - body_start < MAX_BODY:
        char = text[index]
        if char in MARKERS:
            gloss = GLOSS_REMNANT.match(text, index + 1)
            end = gloss.end() if gloss else index + 1
            tail = "gloss" if gloss else "marker"
            return Run(start, end, marker, has_remnant, text[body_start:index], tail)
        if is_lone_letter(text, index):
            body = text[body_start:index]
            return Run(start, index + 1, marker, has_remnant, body, "letter", char)
        if not is_double_byte(char):
            break
        index += 1
    return Run(start, body_start, marker, has_remnant)


def marker_run_end(text: str, index: int) -> int:
    while index < len(text) and text[index] in MARKERS:
        index += 1
    return index


def next_to_cjk(text: str, start: int, end: int) -> bool:
    around = text[start - 1 : start] if start else ""
    return any(not char.isascii() for char in around + text[end : end + 1])


# Every stretch starts at a marker, a private-use character or a signature's first character.
RUN_STARTS = re.compile(
    "[{}\ue000-\uf8ff{}]".format(
        re.escape(MARKERS),
        re.escape(
            ("\ufffd" * 2).encode("utf-8").decode("gbk")[0]
            + b"\xcc\xcc".decode("gbk")[0]
            + b"\xcd\xcd".decode("gbk")[0]
        ),
    )
)


def scan_line(text: str) -> Iterator[tuple[int, int, Run | None]]:
    """Yield (start, end, run) for every suspect stretch; run is None where no recovery applies."""
    index = 0
    while index < len(text):
        char = text[index]
        signature = SIGNATURES.match(text, index)
        if signature:
            yield index, signature.end(), None
            index = signature.end()
        elif char in MARKERS and marker_run_end(text, index) - index > 1:
            end = marker_run_end(text, index)
            if next_to_cjk(text, index, end):
                yield index, end, None
            index = end
        elif char in MARKERS and starts_run(text, index):
            run = read_run(text, index)
            yield run.start, run.end, run
            index = run.end
        elif is_pua(char):
            end = index
            while end < len(text) and is_pua(text[end]):
                end += 1
            yield index, end, None
            index = end
        else:
            following = RUN_STARTS.search(text, index + 1)
            index = following.start() if following else len(text)


# --- the document's own character model ---------------------------------------------------

NO_COUNTS: Counter[str] = Counter()


@dataclass
class Lexicon:
    """Character unigrams and bigrams of the document, plus the damaged line's characters."""

    unigrams: Counter[str]
    predecessors: dict[str, Counter[str]]
    total: int
    line: Counter[str] = field(default_factory=Counter)
    line_total: int = 0
    unigram_cache: dict[str, float] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> Lexicon:
        unigrams: Counter[str] = Counter()
        bigrams: Counter[tuple[str, str]] = Counter()
        for text in texts:
            chars = GLOSS.sub("", text).translate(FOLD_TABLE)
            unigrams.update(chars)
            bigrams.update(itertools.pairwise(chars))
        predecessors: dict[str, Counter[str]] = {}
        for (previous, char), count in bigrams.items():  # in order of first occurrence
            predecessors.setdefault(char, Counter())[previous] = count
        return cls(unigrams, predecessors, sum(unigrams.values()))

    def for_line(self, pieces: Iterable[str]) -> Lexicon:
        line: Counter[str] = Counter()
        for piece in pieces:
            line.update(GLOSS.sub("", piece).translate(FOLD_TABLE))
        return Lexicon(self.unigrams, self.predecessors, self.total, line, sum(line.values()))

    def alphabet(self) -> frozenset[str]:
        code = gbk_table().code
        return frozenset(char for char in self.unigrams if char in code)

    def prior_share(self, prior: float) -> float:
        """Unigram probability of a character the document never uses, by its prior weight."""
        share = PRIOR_COUNT * prior / (self.total + PRIOR_COUNT * gbk_table().prior_mass)
        return (1 - LINE_WEIGHT) * share

    def unigram(self, char: str) -> float:
        cached = self.unigram_cache.get(char)
        if cached is not None:
            return cached
        document = (self.unigrams[char] + PRIOR_COUNT * gbk_table().prior.get(char, 0.01)) / (
            self.total + PRIOR_COUNT * gbk_table().prior_mass
        )
        line = self.line[char] / self.line_total if self.line_total else 0.0
        value = self.unigram_cache[char] = (1 - LINE_WEIGHT) * document + LINE_WEIGHT * line
        return value

    def bigram_share(self, previous: str | None, char: str) -> float:
        """λ·C(previous, char)/C(previous): the part of P(char | previous) the bigram gives."""
        if previous is None or not self.unigrams[previous]:
            return 0.0
        count = self.predecessors.get(char, NO_COUNTS)[previous]
        return BIGRAM_WEIGHT * count / self.unigrams[previous]

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


def allowed_groups(
    by_trail: dict[int | None, Group], lead: int
) -> tuple[set[int | None], float, str | None, float]:
    """The trail bytes that may precede `lead` after a dropped pair, the summed forward score
    of their states, and the best of them (state, Viterbi score)."""
    allowed = {trail for trail in by_trail if trail is None or decode_pair(trail, lead) is None}
    groups = [group for trail, group in by_trail.items() if trail in allowed]
    best = max(groups, key=lambda group: group.viterbi, default=None)
    if best is None or best.viterbi == -math.inf:
        return allowed, logsumexp(group.forward for group in groups), None, -math.inf
    return allowed, logsumexp(group.forward for group in groups), best.best, best.viterbi


def trail_byte(state: str | None) -> int | None:
    """The trail byte of a lattice state's GBK code (None: no known byte)."""
    if state is None or state == OTHER:
        return None
    raw = gbk_table().code.get(state)
    return raw[1] if raw else None


def logsumexp(values: Iterable[float]) -> float:
    values = [value for value in values if value != -math.inf]
    if not values:
        return -math.inf
    top = max(values)
    return top + math.log(sum(math.exp(value - top) for value in values))


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

    @classmethod
    def start(cls, lexicon: Lexicon, context: Context) -> Lattice:
        return cls(lexicon, context.bias, {context.left: 0.0}, {context.left: 0.0})

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
        for char in slot.chars:
            backoff = (1 - BIGRAM_WEIGHT) * self.lexicon.unigram(char)
            if after_drop:
                total, best, pointer = self.dense_scores(char, backoff, by_trail, allowed_by_lead)
            else:
                total, best, pointer = self.sparse_scores(char, backoff, forward_all, top)
            if total == -math.inf:
                continue
            weight = math.log(self.bias.get(char, 1.0))
            forward[char], viterbi[char], pointers[char] = total + weight, best + weight, pointer
        if slot.other > 0 and forward_all > -math.inf:
            forward[OTHER] = forward_all + math.log((1 - BIGRAM_WEIGHT) * slot.other)
        self.forward, self.viterbi = forward, viterbi
        self.pointers.append(pointers)
        self.history.append(forward)

    def sparse_scores(
        self, char: str, backoff: float, forward_all: float, top: str | None
    ) -> tuple[float, float, str | None]:
        """Only attested predecessors differ from the back-off, so only they are visited;
        `top` is the best previous state (None if there is none)."""
        terms = [forward_all + math.log(backoff)]
        pointer, best = None, -math.inf
        if self.viterbi:
            pointer = top
            best = self.viterbi[pointer] + math.log(backoff)
        for previous in self.lexicon.predecessors.get(char, {}):
            if previous not in self.forward:
                continue
            share = self.lexicon.bigram_share(previous, char)
            terms.append(self.forward[previous] + math.log(share))
            if previous in self.viterbi:
                score = self.viterbi[previous] + math.log(share + backoff)
                if score > best:
                    pointer, best = previous, score
        return logsumexp(terms), best, pointer

    def previous_by_trail(self) -> dict[int | None, Group]:
        """Previous states grouped by their trail byte (None: unknown byte, always allowed)."""
        members: dict[int | None, list[str | None]] = {}
        for previous in self.forward:
            members.setdefault(trail_byte(previous), []).append(previous)
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
        self, char: str, backoff: float, by_trail: dict[int | None, Group], allowed_by_lead: dict
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
        for previous in self.lexicon.predecessors.get(char, {}):
            if previous not in self.forward or trail_byte(previous) not in allowed_trails:
                continue
            share = self.lexicon.bigram_share(previous, char)
            terms.append(self.forward[previous] + math.log(share))
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
    """One layout read with the document model: its slots, mass and best path."""

    layout: Layout
    slots: tuple[Slot, ...]
    log_mass: float
    path: list[str] | None


def walk_layout(
    layout: Layout,
    slots: tuple[Slot, ...],
    lexicon: Lexicon,
    context: Context,
    clamp: dict[int, str] | None = None,
) -> tuple[float, list[str] | None, Lattice]:
    """(log mass incl. the layout prior, best path, lattice) with some slots clamped to one
    character; the lattice's history holds the forward scores after every slot."""
    lattice = Lattice.start(lexicon, context)
    for index, slot in enumerate(slots):
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
                if trail is None or decode_pair(trail, code[char][0]) is None
            )
        corrections[previous] = by_trail[trail]
    for char, weight in weights.items():
        for previous in lexicon.predecessors.get(char, NO_COUNTS):
            if previous not in corrections:
                continue
            trail = trail_byte(previous)
            if trail is None or decode_pair(trail, code[char][0]) is None:
                corrections[previous] += weight * lexicon.bigram_share(previous, char)
    return Backward(0.0, corrections, shift)


def backward_scores(
    slots: tuple[Slot, ...],
    split: int | None,
    history: list[dict[str | None, float]],
    lexicon: Lexicon,
    context: Context,
) -> list[Backward]:
    """Backward score functions after every slot (index i: the continuation past slot i)."""
    scores = [final_backward(lexicon, context)]
    for index in range(len(slots) - 1, 0, -1):
        after = scores[-1]
        if index == split:
            scores.append(dense_backward(slots[index], after, history[index - 1], lexicon, context))
        else:
            scores.append(sparse_backward(slots[index], after, lexicon, context))
    return scores[::-1]


def readings(
    run: Run, lexicon: Lexicon, alphabet: frozenset[str], context: Context
) -> list[Reading]:
    """Every layout with its log mass; paths are left for `recover` to find where needed."""
    layouts = list(original_layouts(run))
    if not layouts:
        return []
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
        if layout.split is None:
            mass = base_mass
        else:
            mass = split_mass(layout, slots, prefix, suffix, lexicon, context)
        found.append(Reading(layout, slots, mass, None))
    return found


def split_mass(
    layout: Layout,
    slots: tuple[Slot, ...],
    prefix: list[dict[str | None, float]],
    suffix: list[Backward],
    lexicon: Lexicon,
    context: Context,
) -> float:
    """The mass of a layout that splits base pair k: prefix to k, both halves, suffix past k."""
    assert layout.split is not None
    pair = layout.split - 1
    start = prefix[pair]
    lattice = Lattice(lexicon, context.bias, dict(start), {})
    if not lattice.forward:
        return -math.inf
    lattice.step(slots[pair])
    if not lattice.forward:
        return -math.inf
    lattice.step(slots[pair + 1], after_drop=True)
    after = suffix[pair]
    return layout.log_prior + logsumexp(
        score + after(state) for state, score in lattice.forward.items()
    )


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
    reading: Reading, history: list[dict[str | None, float]], lexicon: Lexicon, context: Context
) -> tuple[str, float]:
    """The best path with every guessed character the model is unsure of shown as □ (runs of
    □ merged), and the log mass of all paths that agree with what is shown."""
    assert reading.path is not None
    layout = reading.layout
    backward = backward_scores(reading.slots, layout.split, history, lexicon, context)
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
    mass = read_layout(layout, reading.slots, lexicon, context, clamp)[0]
    return re.sub(f"{UNKNOWN}+", UNKNOWN, "".join(chars)), mass


def recover(
    run: Run, lexicon: Lexicon, alphabet: frozenset[str], context: Context
) -> Recovery | None:
    """The most probable reading of the run, as far as the bytes and the document decide it."""
    found = readings(run, lexicon, alphabet, context)
    everything = logsumexp(reading.log_mass for reading in found)
    if everything == -math.inf:
        return None
    walked = []
    for number, reading in enumerate(found):
        if reading.log_mass < everything - PRUNE:
            continue
        mass, path, lattice = walk_layout(reading.layout, reading.slots, lexicon, context)
        found[number] = Reading(reading.layout, reading.slots, mass, path)
        walked.append((found[number], lattice.history))
    everything = logsumexp(reading.log_mass for reading in found)
    patterns: dict[str, list[float]] = {}
    for reading, history in walked:
        if reading.path is None or reading.log_mass < everything - PRUNE:
            continue
        text, mass = shown_text(reading, history, lexicon, context)
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


# --- the public function ------------------------------------------------------------------

Stretch = tuple[Line, int, int, Run | None]


def outside_stretches(line: Line, stretches: list[Stretch]) -> list[str]:
    pieces, position = [], 0
    for _, start, end, _ in stretches:
        pieces.append(line.text[position:start])
        position = end
    pieces.append(line.text[position:])
    return pieces


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


def find_suspect_spans(lines: list[Line]) -> list[SuspectSpan]:
    """Garbled runs in `lines` (before script conversion), each with a recovery if one fits."""
    by_line = [(line, [(line, *found) for found in scan_line(line.text)]) for line in lines]
    found = [stretch for _, stretches in by_line for stretch in stretches]
    if not any(run is not None and run.framed for *_, run in found):
        # nothing to recover, so no character model: each stretch is judged on its own shape
        empty = Lexicon(Counter(), {}, 0)
        spans = (judge(stretch, empty, frozenset(), None) for stretch in found)
        return [span for span in spans if span is not None]
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
