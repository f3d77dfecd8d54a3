"""Metamorphic tests for the whole pipeline: variants of a document extract the same.

Each base document is a sample's own clean text; each variant rewrites it the
way real scraped copies differ (traditional characters of three regions, inline
pinyin glosses, full-width punctuation, CRLF, web page chrome around it). What
is extracted (outline, meta, tasks with units, targets) must not change.
"""

from __future__ import annotations

from functools import cache

import opencc
import pytest

from conftest import CHANGJI, CHONGQING, JIANGXI, JIMSAR, SHAOYANG
from plancli.models import Document
from plancli.pipeline import normalize_file, process_bytes

GLOSSES = {"關": "guān", "會": "huì", "劃": "huà", "區": "qū", "務": "wù", "體": "tǐ", "標": "biāo"}
FULL_WIDTH = str.maketrans(
    {",": "，", ":": "：", ";": "；", "(": "（", ")": "）", "%": "％", "|": "｜", "~": "～"}
)
HEAD_CHROME = [
    "xxxx欧美一区二区,xxxx日本免费|XXXX日本少妇做受_xxxx日本熟妇",
    "",
    "当前位置: 首页 > 政务公开 > 政策文件",
    "时间: 2024-01-02 11:22 来源:某市人民政府门户网站 【字体: 大 中 小】",  # fits no damaged date
    "SYCR-2023-01007",
]
TAIL_CHROME = [
    "扫一扫在手机打开当前页",
    "分享到:",
    "主办单位:某市人民政府办公室 承办单位:某市数据局 网站地图",
    "政务服务热线:12345 E_MAIL:[email protected]",
    "湘公网安备43052702000102号 备案号:湘ICP备05013746号-1",
    "网站标识码:4305270003",
]


@cache
def clean_text(path: object) -> str:
    """The sample as plancli normalizes it: simplified, without chrome, one line a line."""
    return normalize_file(path)[2].text + "\n"  # type: ignore[arg-type]


def convert(config: str, text: str) -> str:
    return opencc.OpenCC(config).convert(text)


def glossed(text: str) -> str:
    traditional = convert("s2t", text)
    return "".join(f"{ch}({GLOSSES[ch]})" if ch in GLOSSES else ch for ch in traditional)


def web_wrapped(text: str) -> str:
    return "\n".join(HEAD_CHROME) + "\n" + text + "\n".join(TAIL_CHROME) + "\n"


VARIANTS = {
    "s2t": lambda text: convert("s2t", text),
    "s2hk": lambda text: convert("s2hk", text),
    "s2tw": lambda text: convert("s2tw", text),
    "glossed": glossed,
    "full-width": lambda text: text.translate(FULL_WIDTH),
    "crlf": lambda text: text.replace("\n", "\r\n"),
}


def extracted(document: Document, offset: int = 0) -> dict[str, object]:
    """What an analyst reads off a document, with line numbers shifted back by `offset`."""
    return {
        "title": document.meta.title,
        "doc_number": document.meta.doc_number,
        "date": document.meta.date,
        "sections": [(s.marker, s.title, s.level, s.line - offset) for s in document.sections],
        "tasks": [
            (t.marker, t.title, t.line - offset, [(u.name, u.role) for u in t.units])
            for t in document.tasks
        ],
        "targets": [
            (
                t.indicator,
                t.comparator,
                t.value,
                t.value_max,
                t.unit,
                t.per,
                t.year,
                t.kind,
                t.line - offset,
            )
            for t in document.targets
        ],
        "goals": [g.line - offset for g in document.goals],
        "tables": [(t.caption, t.header, t.rows, t.line - offset) for t in document.tables],
    }


@cache
def base(path: object) -> dict[str, object]:
    return extracted(process_bytes(clean_text(path).encode("utf-8")))


SAMPLES = [CHANGJI, JIMSAR, JIANGXI, SHAOYANG, CHONGQING]


@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem.split("-")[0])
def test_variant_extracts_the_same(path: object, variant: str) -> None:
    text = VARIANTS[variant](clean_text(path))
    assert extracted(process_bytes(text.encode("utf-8"))) == base(path)


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem.split("-")[0])
def test_web_wrapped_document_extracts_the_same(path: object) -> None:
    document = process_bytes(web_wrapped(clean_text(path)).encode("utf-8"))
    assert extracted(document, offset=len(HEAD_CHROME)) == base(path)
    assert len(document.normalization.boilerplate_removed) == len(HEAD_CHROME) - 1 + len(
        TAIL_CHROME
    )


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16"])
def test_reencoded_document_extracts_the_same(encoding: str) -> None:
    document = process_bytes(clean_text(JIMSAR).encode(encoding))
    assert document.source.encoding == encoding
    assert extracted(document) == base(JIMSAR)


def test_base_documents_are_not_empty() -> None:
    # the relation would hold trivially for a pipeline that extracts nothing
    for path in SAMPLES:
        facts = base(path)
        assert facts["tasks"] and facts["targets"] and facts["goals"], path
