"""Chrome by kind, each on a small real-looking page: what goes, under which rule, what stays."""

from __future__ import annotations

from plancli.normalize import normalize

NOTICE_BODY = [
    "各区人民政府,市政府各委、办、局,各市属机构:",
    "《北京市2016年政务公开工作要点》已经市政府同意,现印发给你们,请结合实际认真贯彻落实。",
    "北京市人民政府办公厅",
    "2016年5月28日",
]


def removed(page: list[str]) -> list[tuple[int, str]]:
    report = normalize("\n".join(page)).report
    return [(r.line, r.rule) for r in report.boilerplate_removed]


def kept(page: list[str]) -> list[str]:
    return normalize("\n".join(page)).text.split("\n")


def test_listing_entry_with_the_doc_number_glued_on_is_a_page_title() -> None:
    page = [
        "京政办发〔2016〕26号《北京市人民政府办公厅关于印发〈北京市2016年政务公开工作要点〉的通知》",
        "北京市人民政府办公厅关于印发〈北京市2016年政务公开工作要点〉的通知",
        "京政办发〔2016〕26号",
        *NOTICE_BODY,
    ]
    assert removed(page) == [(1, "page-title")]
    assert kept(page)[0] == "北京市人民政府办公厅关于印发〈北京市2016年政务公开工作要点〉的通知"


def test_html_title_over_a_title_broken_in_two_and_a_cut_off_summary() -> None:
    page = [
        "关于印发江苏省 “十四五”城乡社区服务体系建设规划的通知",
        "省政府办公厅关于印发江苏省",
        "“十四五”城乡社区服务体系建设规划的通知",
        "省政府办公厅关于印发江苏省“十四五”城乡社区服务体系建设规划的通知 各设区市人民…",
        "各设区市人民政府,省各委办厅局,省各直属单位:",
        "现将《江苏省“十四五”城乡社区服务体系建设规划》印发给你们,请认真贯彻落实。",
    ]
    assert removed(page) == [(1, "page-title"), (4, "page-title")]
    assert kept(page)[:2] == [
        "省政府办公厅关于印发江苏省",
        "“十四五”城乡社区服务体系建设规划的通知",
    ]


def test_a_title_that_appears_once_stays() -> None:
    page = ["北京市人民政府办公厅关于印发〈北京市2016年政务公开工作要点〉的通知", *NOTICE_BODY]
    assert removed(page) == []
