"""The Python API: plancli.extract / plancli.normalize and the lazy, import-light package."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

import plancli
from conftest import CHANGJI, JIMSAR
from plancli.pipeline import process_file

JIMSAR_TITLE = "吉木萨尔县落实《自治区“十四五”城乡社区服务体系建设规划》实施方案"


def test_extract_takes_a_path_as_str_or_path() -> None:
    by_str = plancli.extract(str(JIMSAR))
    by_path = plancli.extract(JIMSAR)
    assert by_str == by_path == process_file(JIMSAR)
    assert isinstance(by_path, plancli.Document)
    assert by_path.meta.title == JIMSAR_TITLE
    assert by_path.source.path == str(JIMSAR)


def test_extract_takes_the_text_itself() -> None:
    text = JIMSAR.read_text(encoding="utf-8")
    document = plancli.extract(text)
    assert document.source.path == "<text>"
    assert document.source.sha256 == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert document.meta.title == JIMSAR_TITLE
    assert [t.model_dump() for t in document.targets] == [
        t.model_dump() for t in process_file(JIMSAR).targets
    ]


def test_extract_takes_raw_bytes_in_a_legacy_encoding() -> None:
    text = (
        "关于印发《昌吉州城乡社区服务体系建设实施方案》的通知\n"
        "一、工作目标\n"
        "到2025年,社区综合服务设施覆盖率达到100%。\n"
    )
    document = plancli.extract(text.encode("gb18030"))
    assert document.source.encoding.lower() in ("gb18030", "gbk", "gb2312")
    assert [(t.value, t.unit, t.year) for t in document.targets] == [(100.0, "%", 2025)]


def test_a_missing_file_name_is_an_input_error_not_a_text() -> None:
    with pytest.raises(plancli.InputError, match=r"^notice\.txt: no such file$"):
        plancli.extract("notice.txt")


def test_normalize_returns_the_clean_simplified_text() -> None:
    assert plancli.normalize("關(guān)于印發實施方案的通知") == "关于印发实施方案的通知"
    lines = plancli.normalize(CHANGJI).splitlines()
    assert lines[0].startswith("关于印发《昌吉州落实")


def test_api_functions_survive_the_import_of_the_stages() -> None:
    import plancli.stages.extract
    import plancli.stages.normalize  # the stage modules named like the API functions

    assert plancli.extract.__module__ == "plancli.api"
    assert plancli.normalize.__module__ == "plancli.api"
    assert callable(plancli.stages.normalize.normalize)


def test_every_public_name_resolves() -> None:
    for name in plancli.__all__:
        assert getattr(plancli, name) is not None, name
    assert set(plancli.__all__) <= set(dir(plancli))
    with pytest.raises(AttributeError):
        _ = plancli.process_file


def test_import_plancli_loads_no_heavy_module() -> None:
    code = "import sys, plancli; print(sorted({'pydantic', 'typer', 'yaml'} & set(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_package_is_typed() -> None:
    assert (Path(plancli.__file__).parent / "py.typed").is_file()


@pytest.mark.parametrize("data", [b"", b"abc", "关于印发《规划》的通知\n".encode("gb18030") * 997])
def test_source_sha256_is_the_sha256_of_the_bytes(data: bytes, monkeypatch) -> None:
    import hashlib

    from plancli import pipeline

    for already_hashed in (0, pipeline.OPENSSL_AFTER_BYTES):  # CPython's module, then OpenSSL's
        monkeypatch.setattr(pipeline, "hashed_bytes", already_hashed)
        assert pipeline.sha256_hex(data) == hashlib.sha256(data).hexdigest()
