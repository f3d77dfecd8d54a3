"""The rule loader: bundled YAML, analyst extensions via PLANCLI_RULES, the JSON cache."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import JIMSAR
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


# --- analyst rule folders are untrusted input ---------------------------------------------


def extension(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, text: str) -> str:
    folder = tmp_path / "my-rules"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    monkeypatch.setenv("PLANCLI_RULES", str(folder))
    return str(folder / name)


BILLION_LAUGHS = "".join(
    f"{key}: &{key} [{', '.join([f'*{prev}'] * 9)}]\n"
    for prev, key in zip("abcdefgh", "bcdefghi", strict=True)
)


@pytest.mark.parametrize(
    ("name", "text", "problem"),
    [
        (
            "units.yaml",
            "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + BILLION_LAUGHS,
            "more than 200000 values once YAML aliases are expanded",
        ),
        ("units.yaml", "levels: [省\nfoo: : :\n", "not valid YAML (line 2: did not find expected"),
        ("units.yaml", "levels: 省\n", "levels: expected a list, got a string"),
        ("units.yaml", "levels:\n", "levels: has no value"),
        ("units.yaml", "level: [省]\n", "level: unknown key (known keys: "),
        (
            "boilerplate.yaml",
            "body_anchors:\n  - name: x\n    pattern: '([a-z]'\n",
            "body_anchors[1].pattern: bad regular expression '([a-z]' (missing ), unterminated",
        ),
        (
            "boilerplate.yaml",
            "rules:\n  - name: evil\n    zone: anywhere\n    pattern: '^(a+)+$'\n",
            "rules[1].pattern: regular expression '^(a+)+$' repeats a repeated group",
        ),
        (
            "segment.yaml",
            "marker_families:\n  evil: '(\\d|\\d\\d)+x'\n",
            "marker_families.evil: regular expression '(\\d|\\d\\d)+x' takes too long",
        ),
        (
            "comparators.yaml",
            "remove:\n  prefix:\n    '>>': [达]\n",
            "remove.prefix.>>: no such key",
        ),
    ],
)
def test_bad_extension_file_is_one_line_naming_file_key_and_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, text: str, problem: str
) -> None:
    from plancli.rule_checks import RulesError

    path = extension(tmp_path, monkeypatch, name, text)
    with pytest.raises(RulesError) as raised:
        rules.load(name.removesuffix(".yaml"))
    message = str(raised.value)
    assert message.startswith(f"{path}: {problem}")
    assert "\n" not in message


def test_bad_rules_stop_the_cli_with_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "my-rules"
    folder.mkdir()
    (folder / "units.yaml").write_text("levels: 省\n", encoding="utf-8")
    env = {**os.environ, "PLANCLI_RULES": str(folder), "PLANCLI_CACHE": str(tmp_path / "c")}
    result = subprocess.run(
        [sys.executable, "-m", "plancli", "check", str(JIMSAR)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 1
    assert result.stderr == (
        f"plancli: error: {folder / 'units.yaml'}: levels: expected a list, got a string\n"
    )


def test_extension_removes_bundled_entries_by_name_and_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "my-rules"
    folder.mkdir()
    (folder / "boilerplate.yaml").write_text("remove:\n  rules: [spam]\n", encoding="utf-8")
    (folder / "comparators.yaml").write_text(
        "remove:\n  prefix:\n    '>=': [实现]\n  suffix: ['~']\n", encoding="utf-8"
    )
    monkeypatch.setenv("PLANCLI_RULES", str(folder))
    names = [rule["name"] for rule in rules.load("boilerplate")["rules"]]
    comparators = rules.load("comparators")
    assert "spam" not in names
    assert "site-footer" in names
    assert "实现" not in comparators["prefix"][">="]
    assert "达到" in comparators["prefix"][">="]
    assert sorted(comparators["suffix"]) == [">=", "<="] or set(comparators["suffix"]) == {
        ">=",
        "<=",
    }


def test_extension_entry_with_a_bundled_name_overrides_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extension(
        tmp_path,
        monkeypatch,
        "measures.yaml",
        "bases:\n  - {pattern: '每百户', name: 每百户}\n  - {pattern: '每十户', name: 每十户}\n",
    )
    bases = rules.load("measures")["bases"]
    assert bases[0] == {"pattern": "每百户", "name": "每百户"}
    assert bases[-1] == {"pattern": "每十户", "name": "每十户"}
    assert [base["name"] for base in bases].count("每百户") == 1


def test_a_copy_of_the_bundled_rules_passes_the_checks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(rules.BUNDLED_DIR, copy)
    monkeypatch.setenv("PLANCLI_RULES", str(copy))
    rules.check_all()
    assert rules.load("segment") == rules.parse_yaml((copy / "segment.yaml").read_bytes())


def test_no_bundled_rule_file_uses_the_remove_key() -> None:
    for path in Path(rules.BUNDLED_DIR).glob("*.yaml"):
        data = rules.parse_yaml(path.read_bytes())
        assert not (isinstance(data, dict) and "remove" in data), path.name


def test_rule_checks_import_nothing_from_the_commands() -> None:
    code = (
        "import sys, plancli.rule_checks; "
        "print(sorted(m for m in sys.modules if m.startswith('plancli.commands')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
