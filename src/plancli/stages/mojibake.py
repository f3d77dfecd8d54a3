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

This module finds the runs; recovery lives in `plancli.stages.recovery` (with
`character_model`, `lattice` and `run_context`), imported only when a run can be recovered.
Costs are bounded: MAX_BODY characters per run, MAX_RECOVERIES runs per document, and each
run's search is linear in its length (one forward and one backward pass share the work of
every byte layout and every guessed character).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
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


# --- the public function ------------------------------------------------------------------

Stretch = tuple[Line, int, int, Run | None]


def outside_stretches(line: Line, stretches: list[Stretch]) -> list[str]:
    pieces, position = [], 0
    for _, start, end, _ in stretches:
        pieces.append(line.text[position:start])
        position = end
    pieces.append(line.text[position:])
    return pieces


def judge_shape(stretch: Stretch) -> SuspectSpan | None:
    """A stretch with no recovery to try: garbled if its shape alone says so."""
    line, start, end, run = stretch
    if run is None or run.structural:
        return SuspectSpan(line.line, line.text[start:end])
    return None


def find_suspect_spans(lines: list[Line]) -> list[SuspectSpan]:
    """Garbled runs in `lines` (before script conversion), each with a recovery if one fits."""
    by_line = [(line, [(line, *found) for found in scan_line(line.text)]) for line in lines]
    found = [stretch for _, stretches in by_line for stretch in stretches]
    if not any(run is not None and run.framed for *_, run in found):
        # nothing to recover, so no character model: each stretch is judged on its own shape
        return [span for span in map(judge_shape, found) if span is not None]
    from plancli.stages.recovery import recover_spans

    return recover_spans(by_line)
