"""Fingerprint and time mojibake recovery (`find_suspect_spans`) on documents.

    python tools/garbled_check.py dump FILE... > before.txt     # spans + unrounded recoveries
    python tools/garbled_check.py time FILE...                  # warm and first-call CPU ms
    python tools/garbled_check.py dump --damage FILE...         # every third line damaged
    python tools/garbled_check.py compare before.txt after.txt  # equivalent dumps?

`dump` prints, per document, every span and every recovery the search made with its
confidence at full precision (repr), so two versions of the search can be compared:
`compare` requires every span and every recovered text to be identical and every
confidence to be within 1e-9 (absolute) of its value before; it prints how many
confidences differ at all and the largest difference, and exits 1 otherwise.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import plancli.stages.garbled as garbled
from plancli.core import Line
from plancli.pipeline import decode_input
from plancli.stages.normalize import normalize


def garbled_input(path: Path) -> list[Line]:
    """The lines `normalize` hands to `find_suspect_spans` for the document at `path`."""
    seen: list[list[Line]] = []
    real = garbled.find_suspect_spans

    def capture(lines: list[Line]) -> list:
        seen.append(list(lines))
        return []

    garbled.find_suspect_spans = capture  # type: ignore[assignment]
    try:
        data = path.read_bytes()
        normalize(decode_input(data, str(path)).text)
    finally:
        garbled.find_suspect_spans = real
    return seen[0]


def damaged(text: str, seed: int) -> str:
    """`text` with one stretch re-read one byte out of frame, as the damaged pages were: the
    lost lead byte shows as "?", pairs that are no character are dropped, and an ASCII byte
    brings the decoder back in step (the stretch's place and length follow from `seed`)."""
    if len(text) < 6:
        return text
    start = seed * 7 % (len(text) - 4)
    end = min(len(text), start + 3 + seed % 13)
    try:
        raw = text[start:end].encode("gbk")
    except UnicodeEncodeError:
        return text
    if not raw or raw[0] < 0x80:
        return text
    out, index, data = ["?"], 0, raw[1:]
    while index < len(data):
        if data[index] < 0x80:
            out.append(chr(data[index]))
            index += 1
            continue
        pair = data[index : index + 2]
        if len(pair) < 2 or pair[1] < 0x40 or pair[1] in (0x7F, 0xFF):
            out.append("?")
        else:
            out.append(pair.decode("gbk", errors="ignore"))
        index += 2
    return text[:start] + "".join(out) + text[end:]


def damage_lines(lines: list[Line]) -> list[Line]:
    """Every third line of a document damaged by `damaged` (a harder, wider test input)."""
    return [
        Line(damaged(line.text, number), line.line) if number % 3 == 0 else line
        for number, line in enumerate(lines)
    ]


def dump(paths: list[Path], damage: bool) -> None:
    from plancli.stages.garbled import recovery

    recoveries: list[str] = []
    real = recovery.recover

    def record(*args: object) -> object:
        found = real(*args)  # type: ignore[arg-type]
        recoveries.append(repr(found))
        return found

    recovery.recover = record  # type: ignore[assignment]
    for path in paths:
        lines = garbled_input(path)
        if damage:
            lines = damage_lines(lines)
        recoveries.clear()
        spans = garbled.find_suspect_spans(lines)
        print(f"== {path.name}")
        for span in spans:
            print("span", repr(span))
        for found in recoveries:
            print("recovery", found)


def cpu_ms(action: object, rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        action()  # type: ignore[operator]
        best = min(best, time.process_time() - start)
    return best * 1000


def time_documents(paths: list[Path], damage: bool) -> None:
    inputs = [(path, garbled_input(path)) for path in paths]
    if damage:
        inputs = [(path, damage_lines(lines)) for path, lines in inputs]
    for path, lines in inputs:
        first = cpu_ms(lambda lines=lines: garbled.find_suspect_spans(lines), 1)
        warm = cpu_ms(lambda lines=lines: garbled.find_suspect_spans(lines), 40)
        print(f"{path.name[:24]:24} first {first:7.2f} ms  warm {warm:7.2f} ms")


RECOVERY = re.compile(r"recovery Recovery\(text=(.*), confidence=(.*)\)$")
TOLERANCE = 1e-9


def compare(before: Path, after: Path) -> bool:
    """Whether two dumps agree: lines identical but for recovery confidences within
    TOLERANCE; prints the first disagreement or a summary."""
    old, new = before.read_text().splitlines(), after.read_text().splitlines()
    if len(old) != len(new):
        print(f"{len(old)} lines before, {len(new)} after")
        return False
    differing, worst = 0, 0.0
    for was, now in zip(old, new, strict=True):
        if was == now:
            continue
        was_match, now_match = RECOVERY.match(was), RECOVERY.match(now)
        same_text = was_match and now_match and was_match.group(1) == now_match.group(1)
        gap = abs(float(was_match.group(2)) - float(now_match.group(2))) if same_text else 1.0  # type: ignore[union-attr]
        if gap > TOLERANCE:
            print(f"differs:\n  {was}\n  {now}")
            return False
        differing, worst = differing + 1, max(worst, gap)
    print(f"{len(old)} lines agree; {differing} confidences differ, by at most {worst:.3g}")
    return True


def main() -> None:
    command, *names = sys.argv[1:]
    damage = "--damage" in names
    paths = [Path(name) for name in names if name != "--damage"]
    if command == "dump":
        dump(paths, damage)
    elif command == "time":
        time_documents(paths, damage)
    elif command == "compare" and len(paths) == 2:
        raise SystemExit(0 if compare(*paths) else 1)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
