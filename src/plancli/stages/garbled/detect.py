"""Find garbled runs in lines of text: markers, signatures, private-use characters and the
out-of-frame text after a marker (see `plancli.stages.garbled` for the method). Recovery is
imported only when a run can be recovered.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from plancli import regexes
from plancli.core import Line, SuspectSpan
from plancli.stages.garbled.gbk import gbk_table, is_pua, shifted_bytes
from plancli.stages.garbled.runs import GLOSS_REMNANT, Run, Stretch

MARKERS = "?\ufffd"
MAX_BODY = 40

# Classic signatures, derived from the bytes that make them: UTF-8 of U+FFFD read as GBK,
# and the MSVC fill bytes 0xCC / 0xCD read as GBK.
SIGNATURES = regexes.compile(
    "(?:{})+|{}{{3,}}|{}{{3,}}".format(
        ("\ufffd" * 2).encode("utf-8").decode("gbk"),
        b"\xcc\xcc".decode("gbk"),
        b"\xcd\xcd".decode("gbk"),
    )
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
        return not char.isalnum() and not char.isspace() and gbk_table().is_gbk(char)
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
RUN_STARTS = regexes.compile(
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
    from plancli.stages.garbled.recovery import recover_spans

    return recover_spans(by_line)
