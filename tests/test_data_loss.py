"""Nothing a document says is lost as chrome, and nothing degrades super-linearly (issue 8)."""

from __future__ import annotations

import time

from conftest import ALL_SAMPLES, JIANGXI
from plancli.core import Line
from plancli.stages.boilerplate import strip_boilerplate
from plancli.stages.normalize import normalize
from plancli.stages.segment import segment

EXPORT_TASK = (
    "1.拓展国际市场。积极开拓欧美、日本、韩国及东南亚等亚洲市场,支持国产高清视频设备和"
    "精品文化内容出口,为参展企业免费提供在线播放推介服务。(省商务厅牵头,省文化和旅游厅配合)"
)


def test_a_task_full_of_spam_words_survives_in_the_jiangxi_sample() -> None:
    raw = JIANGXI.read_text(encoding="utf-8").splitlines()
    at = next(i for i, text in enumerate(raw) if text.startswith("(一)")) + 1
    text = "\n".join([*raw[:at], EXPORT_TASK, *raw[at:]])
    assert EXPORT_TASK in normalize(text).text.split("\n")


def test_a_spam_title_without_document_content_still_goes() -> None:
    spam = "亚洲色中文字幕无码一区二区_欧美日本韩国高清在线观看|国产精品免费视频"
    kept, removed = strip_boilerplate([Line(spam, 1), Line("一、总体要求", 2)])
    assert [(r.line, r.rule) for r in removed] == [(1, "spam")]
    assert kept == [Line("一、总体要求", 2)]


def test_a_document_on_one_long_line_is_not_emptied() -> None:
    one_line = 2 * "".join(
        path.read_text(encoding="utf-8").replace("\n", "") for path in ALL_SAMPLES
    )
    assert len(one_line) >= 170_000
    result = normalize(one_line, find_garbled=False)
    assert sum(len(line.text) for line in result.lines) > 100_000
    assert result.report.boilerplate_removed == []


def test_a_long_removed_line_is_reported_and_short_chrome_is_not() -> None:
    text = "\n".join(
        [
            "当前位置:首页>政务公开",
            "一、总体要求",
            "坚持以人民为中心的发展思想,推进城乡社区服务体系建设。",
            "主办单位:某某县人民政府办公室 承办单位:某某县大数据中心 网站地图",
            "分享到",
        ]
    )
    diagnostics = normalize(text).diagnostics
    assert [(d.code, d.level, d.line) for d in diagnostics] == [("long-line-removed", "info", 4)]


def test_segment_is_linear_in_a_run_of_bare_headings() -> None:
    start = time.perf_counter()
    outline = segment(normalize("一、\n" * 40000, find_garbled=False))
    assert len(outline.sections) == 40000
    assert outline.sections[-1].id == "s40000"
    assert time.perf_counter() - start < 20
