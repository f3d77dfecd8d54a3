"""The rule loader: bundled YAML, analyst extensions via PLANCLI_RULES, the JSON cache."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from plancli import rules


@pytest.fixture(autouse=True)
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "cache"
    monkeypatch.setenv("PLANCLI_CACHE", str(cache))
    monkeypatch.delenv("PLANCLI_RULES", raising=False)
    rules.load.cache_clear()
    yield cache
    rules.load.cache_clear()


def test_merge_appends_lists_and_updates_mappings() -> None:
    base = {"a": [1, 2], "b": {"x": 1, "y": [1]}, "c": "old"}
    extra = {"a": [2, 3], "b": {"y": [2], "z": 3}, "c": "new"}
    assert rules.merge(base, extra) == {
        "a": [1, 2, 3],
        "b": {"x": 1, "y": [1, 2], "z": 3},
        "c": "new",
    }


def test_extension_directory_is_merged_into_bundled_rules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extra = tmp_path / "province"
    extra.mkdir()
    (extra / "pinyin.yaml").write_text("syllables: {z: [zzz]}\n", encoding="utf-8")
    monkeypatch.setenv("PLANCLI_RULES", str(extra))
    merged = rules.load("pinyin")
    bundled = rules.parse_yaml((Path(rules.BUNDLED_DIR) / "pinyin.yaml").read_bytes())
    assert merged["syllables"]["z"] == [*bundled["syllables"]["z"], "zzz"]
    assert merged["syllables"]["a"] == bundled["syllables"]["a"]


def test_missing_rule_file_names_the_directories() -> None:
    with pytest.raises(FileNotFoundError, match=r"no rule file nonexistent\.yaml"):
        rules.load("nonexistent")


def test_cache_entry_follows_file_content(tmp_path: Path, fresh_cache: Path) -> None:
    rule = tmp_path / "demo.yaml"
    rule.write_text("words: [a]\n", encoding="utf-8")
    assert rules._read_yaml(str(rule)) == {"words": ["a"]}
    rule.write_text("words: [a, b]\n", encoding="utf-8")
    assert rules._read_yaml(str(rule)) == {"words": ["a", "b"]}
    assert len(list(fresh_cache.glob("demo-*.json"))) == 2


def test_yaml_that_json_would_change_is_not_cached(tmp_path: Path, fresh_cache: Path) -> None:
    rule = tmp_path / "numbers.yaml"
    rule.write_text("1: one\n2: two\n", encoding="utf-8")
    assert rules._read_yaml(str(rule)) == {1: "one", 2: "two"}
    assert not list(fresh_cache.glob("numbers-*.json"))
    assert rules._read_yaml(str(rule)) == {1: "one", 2: "two"}


def test_unwritable_cache_still_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory", encoding="utf-8")
    monkeypatch.setenv("PLANCLI_CACHE", str(blocker / "cache"))
    assert "syllables" in rules.load("pinyin")


def test_warm_cache_does_not_import_yaml(fresh_cache: Path) -> None:
    code = (
        "import sys; from plancli import rules; rules.load('units'); print('yaml' in sys.modules)"
    )
    env = {"PLANCLI_CACHE": str(fresh_cache), "PATH": ""}
    first = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    second = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert (first.stdout.strip(), second.stdout.strip()) == ("True", "False")


def test_fingerprint_changes_with_an_extension(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = rules.fingerprint()
    extra = tmp_path / "more"
    extra.mkdir()
    (extra / "units.yaml").write_text("aliases: {}\n", encoding="utf-8")
    monkeypatch.setenv("PLANCLI_RULES", str(extra))
    assert rules.fingerprint() != before
