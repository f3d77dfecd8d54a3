"""Patterns compiled from kept engine code behave exactly as `re.compile` builds them."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ALL_SAMPLES
from plancli import regexes

TRICKY = [
    (r"[\u4e00-\u9fff]{2,8}?(?:局|委员会)(?=[,、])", 0),
    (r"(?P<prefix>[\u3400-\u9fff]{1,10})\s*[〔\[【(]\s*(?P<year>(?:19|20)\d{2})\s*[〕\]】)]", 0),
    (r"(?<![一二三四五六七八九十])第[一二三四五六七八九十百]{1,4}[章节]", 0),
    (r"^\s*(抄送|抄报)\s*[:：]", re.M),
    (r"(?i)pm2\.5|PM10", 0),
    (r"\A\s*(?P<sign>[-+]?)  # sign\n   (?P<digits>\d+)", re.X),
    (r"[𠀀-\U0003134f〇㐀-䶿一-鿿豈-\ufaff]+", 0),
]


@pytest.fixture
def fresh_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PLANCLI_CACHE", str(tmp_path / "rules"))
    regexes.forget_loaded()
    regexes.NEW.clear()
    yield tmp_path
    regexes.forget_loaded()
    regexes.NEW.clear()


def text_of_samples() -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in ALL_SAMPLES)


def behaviour(compiled: re.Pattern[str], text: str) -> tuple[object, ...]:
    found = [(m.span(), m.groups(), m.groupdict()) for m in compiled.finditer(text)]
    return (compiled.pattern, compiled.flags, compiled.groups, compiled.groupindex, found)


def test_kept_code_matches_exactly_what_re_compiles(fresh_store: Path) -> None:
    text = text_of_samples() + "\nPM2.5 降至35  +12 第三章 （抄送：市委办公室）"
    first = [regexes.compile(pattern, flags) for pattern, flags in TRICKY]
    regexes.write_store()
    regexes.forget_loaded()
    assert set(regexes.entries()) >= {(p, int(f)) for p, f in TRICKY}
    again = [regexes.compile(pattern, flags) for pattern, flags in TRICKY]
    assert regexes.NEW == {}  # every one came from the file
    for (pattern, flags), before, after in zip(TRICKY, first, again, strict=True):
        expected = behaviour(re.compile(pattern, flags), text)
        assert behaviour(before, text) == behaviour(after, text) == expected, pattern


def test_a_damaged_store_means_compiling_as_re_does(fresh_store: Path) -> None:
    regexes.compile(TRICKY[0][0])
    regexes.write_store()
    store = next((fresh_store / "rules").glob("patterns-*.marshal"))
    store.write_bytes(store.read_bytes()[:40])
    regexes.forget_loaded()
    compiled = regexes.compile(TRICKY[0][0])
    assert compiled.findall("由市民政局、市财政局负责") == ["由市民政局"]


def kept_store(fresh_store: Path) -> Path:
    for pattern, flags in TRICKY:
        regexes.compile(pattern, flags)
    regexes.write_store()
    regexes.forget_loaded()
    return next((fresh_store / "rules").glob("patterns-*.marshal"))


def test_a_store_with_one_flipped_bit_is_not_used(fresh_store: Path) -> None:
    """Engine code the engine accepts can still be wrong (or crash it): one changed byte
    anywhere means the whole file is ignored."""
    store = kept_store(fresh_store)
    data = bytearray(store.read_bytes())
    for offset in (len(data) // 3, len(data) // 2, len(data) - 5):
        damaged = data.copy()
        damaged[offset] ^= 0x20
        store.write_bytes(bytes(damaged))
        regexes.forget_loaded()
        assert regexes.entries() == {}, offset
    compiled = regexes.compile(TRICKY[1][0])
    assert compiled.search("国发〔2021〕10号").group("year") == "2021"


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="no file owners here")
def test_a_store_others_may_write_is_not_used(fresh_store: Path) -> None:
    store = kept_store(fresh_store)
    assert regexes.entries() != {}
    store.chmod(0o666)
    assert regexes.entries() == {}
    store.chmod(0o600)
    assert regexes.entries() != {}


def test_code_the_engine_refuses_is_compiled_again(fresh_store: Path) -> None:
    pattern = TRICKY[2][0]
    regexes.STORE = {(pattern, 0): (0, [1, 2, 3], 0, {}, (None,))}
    compiled = regexes.compile(pattern)
    assert compiled.search("第三章 保障措施").group() == "第三章"
    assert (pattern, 0) in regexes.NEW  # the good code replaces the bad at exit


def extract_json(sample: Path, cache: Path) -> dict[str, object]:
    env = {**os.environ, "PLANCLI_CACHE": str(cache)}
    command = [sys.executable, "-m", "plancli", "extract", str(sample), "-f", "json"]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    return json.loads(done.stdout)


def test_extract_reads_the_same_with_a_cold_and_a_kept_store(tmp_path: Path) -> None:
    sample = ALL_SAMPLES[0]
    cold = extract_json(sample, tmp_path / "rules")
    assert list((tmp_path / "rules").glob("patterns-*.marshal")), "the first run keeps its patterns"
    kept = extract_json(sample, tmp_path / "rules")
    assert kept == cold


def test_a_store_past_its_limit_starts_again(
    fresh_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(regexes, "MAX_ENTRIES", 3)
    for pattern, flags in TRICKY[:3]:
        regexes.compile(pattern, flags)
    regexes.write_store()
    assert len(regexes.entries()) == 3
    regexes.compile(TRICKY[3][0], TRICKY[3][1])
    regexes.write_store()
    assert list(regexes.entries()) == [(TRICKY[3][0], int(TRICKY[3][1]))]
