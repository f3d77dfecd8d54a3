"""Files kept in the cache folder are trusted only whole and only when the user's own."""

from __future__ import annotations

import os
from pathlib import Path

from plancli.kept import read_kept, write_kept


def test_a_kept_value_reads_back_and_a_damaged_or_foreign_file_does_not(tmp_path: Path) -> None:
    path = str(tmp_path / "sub" / "facts.marshal")
    value = {("words", "负责", 0): ("负责",), "n": 3}
    write_kept(path, "tag 1", value)
    assert read_kept(path, "tag 1") == value
    assert read_kept(path, "tag 2") is None  # another kind of file, or an older format
    data = Path(path).read_bytes()
    Path(path).write_bytes(data[:-1] + bytes([data[-1] ^ 0x10]))  # one flipped bit
    assert read_kept(path, "tag 1") is None
    write_kept(path, "tag 1", value)
    os.chmod(path, 0o666)  # anybody may write it: what it holds may be run
    assert read_kept(path, "tag 1") is None
    assert read_kept(str(tmp_path / "missing"), "tag 1") is None
    assert read_kept(None, "tag 1") is None


def test_an_unwritable_folder_is_ignored(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    write_kept(str(blocker / "kept.marshal"), "tag", [1, 2])  # no exception
    assert read_kept(str(blocker / "kept.marshal"), "tag") is None
