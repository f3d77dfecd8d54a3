"""Chrome by kind, each on a small real-looking page: what goes, under which rule, what stays."""

from __future__ import annotations

from plancli.stages.normalize import normalize

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


PLAN_OPENING = [
    "一、总体要求",
    "坚持以人民为中心的发展思想,推进城乡社区服务体系建设。",
]


def test_legal_database_header_and_link() -> None:
    page = [
        "    【法宝引证码】 CLI.12.5115678",
        "原文链接：https://www.pkulaw.com/lar/ea5258e56c60aba96802bb670d6bf530bdfb.html",
        "包头市人民政府办公室关于印发《包头市2022年数字政府建设考评办法》的通知",
        "包府办发〔2022〕43号",
        *PLAN_OPENING,
    ]
    assert removed(page) == [(1, "legal-database"), (2, "legal-database")]


def test_search_form_and_database_note() -> None:
    page = [
        "精确检索",
        "开始检索",
        "莆田市人民政府关于加快发展养老服务业的实施意见",
        "莆政综〔2014〕76号",
        "税谱®提示:根据2019年5月16日 莆田市人民政府关于公布行政规范性文件清理结果的通知》",
        *PLAN_OPENING,
    ]
    assert removed(page) == [(1, "search-form"), (2, "search-form"), (5, "legal-database")]


def test_document_sharing_page() -> None:
    page = [
        "浙江省城乡现代社区服务体系建设“十四五”规划方案(2021-2025年)(17页).pdf",
        "下载文档",
        "上传人:hx8****",
        "编号:766060",
        "2023-10-11",
        "17页",
        "1.16MB",
        "浙江省城乡现代社区服务体系建设“十四五”规划",
        *PLAN_OPENING,
    ]
    assert removed(page) == [(n, "document-sharing") for n in range(1, 8)]
    assert kept(page)[0] == "浙江省城乡现代社区服务体系建设“十四五”规划"


def test_reprint_lead_in_goes_and_the_title_stays() -> None:
    page = [
        "国家教育事业发展“十三五”规划",
        "国务院日前印发《国家教育事业发展“十三五”规划》(以下简称《规划》),确定了目标。",
        "规划全文",
        "国家教育事业发展“十三五”规划",
        *PLAN_OPENING,
    ]
    assert removed(page) == [(1, "page-title"), (2, "reprint-lead"), (3, "reprint-lead")]
    assert kept(page)[0] == "国家教育事业发展“十三五”规划"


def test_font_size_read_aloud_and_share_controls() -> None:
    page = [
        "今天是:",
        "无障碍阅读",
        "| 字号: |",
        "字体大小:",
        "用微信扫描二维码",
        "分享至好友和朋友圈",
        "中卫市残疾人事业“十三五”发展规划",
        *PLAN_OPENING,
        "【打印本页】",
        "【关闭窗口】",
    ]
    rules = dict(removed(page))
    assert sorted(rules) == [1, 2, 3, 4, 5, 6, 10, 11]
    assert kept(page) == ["中卫市残疾人事业“十三五”发展规划", *PLAN_OPENING]


def test_chrome_words_in_a_body_sentence_stay() -> None:
    page = [
        *PLAN_OPENING,
        "(一)精确检索服务。建设全文检索平台,为群众提供规划全文下载和字号调整等服务。",
    ]
    assert removed(page) == []


BODY_PARAGRAPH = "坚持以人民为中心的发展思想,推进民政事业高质量发展。"


def test_table_of_contents_with_page_numbers_is_not_a_second_set_of_headings() -> None:
    page = [
        "咸宁市民政事业“十四五”规划",
        "目 录",
        "第一章 发展现状 1",
        "一、社会救助保障体系进一步完善 1",
        "二、多元养老服务体系初步形成 2",
        "第二章 总体要求 7",
        "第一章 发展现状",
        "一、社会救助保障体系进一步完善",
        BODY_PARAGRAPH,
    ]
    assert removed(page) == [(n, "table-of-contents") for n in range(2, 7)]
    assert kept(page)[1] == "第一章发展现状"


def test_table_of_contents_without_page_numbers_ends_where_the_body_repeats_it() -> None:
    page = ["目录", "一、总体要求", "二、重点任务", "三、保障措施", "一、总体要求", BODY_PARAGRAPH]
    assert removed(page) == [(n, "table-of-contents") for n in range(1, 5)]


def test_pdf_page_numbers_go_and_table_cells_stay() -> None:
    filler = [f"{BODY_PARAGRAPH[:-1]}第{n}段。" for n in range(11)]
    page = ["一、总体要求", *filler, "- 2 -", *filler, "3", *filler, "4", *filler, "5"]
    table = ["序号", "指标", "单位", "1", "覆盖率", "%", "2", "人数", "人", "3", "面积", "平方米"]
    assert [item for item in removed([*page, *table]) if item[1] == "page-number"] == [
        (13, "page-number"),
        (25, "page-number"),
        (37, "page-number"),
        (49, "page-number"),
    ]
    assert kept([*page, *table])[-4:] == [
        "序号 | 指标 | 单位 |",
        "1 | 覆盖率 | % |",
        "2 | 人数 | 人 |",
        "3 | 面积 | 平方米 |",
    ]


def test_a_reprinted_document_is_named_by_its_lead_in() -> None:
    from plancli.pipeline import process_bytes

    page = [
        "发布信息",
        "2023年12月,中共山西省委办公厅、山西省人民政府办公厅发布《山西省乡村振兴责任制实施细则》,"
        "自发布之日起施行。",
        "内容全文",
        "第一章 总则",
        "第一条 为了全面落实乡村振兴责任制,制定本细则。",
    ]
    document = process_bytes("\n".join(page).encode())
    assert removed(page) == [(1, "reprint-lead"), (2, "reprint-lead"), (3, "reprint-lead")]
    assert document.meta.title == "山西省乡村振兴责任制实施细则"
