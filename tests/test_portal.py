"""Portal info boxes in every form: read into meta.portal, removed from the body, logged."""

from __future__ import annotations

from plancli.pipeline import process_bytes
from plancli.stages.normalize import normalize
from plancli.stages.portal import Field, box_fields, read_fields

NOTICE = [
    "各镇人民政府,区政府各部门:",
    "现将《金乡县农村人居环境整治实施方案》印发给你们,请认真贯彻执行。",
    "金乡县人民政府办公室",
    "2025年2月28日",
    "金乡县农村人居环境整治实施方案",
    "一、总体要求",
    "坚持以人民为中心,持续改善农村人居环境。",
]


def portal_of(page: list[str]) -> dict[str, str]:
    normalized = normalize("\n".join(page))
    box = [r.text for r in normalized.report.boilerplate_removed if r.rule == "portal-info"]
    return read_fields(box)


def test_pipe_rows_with_spaced_labels() -> None:
    page = [
        "索 引 号 | 11370828593615886A/2025-00693 | 公开方式 | 主动公开 |",
        "发布机构 | 金乡县人民政府办公室 | 组配分类 | 金政发 |",
        "成文日期 | 2025-02-28 | 废止日期 | |",
        "有效性 | 有效 |",
        *NOTICE,
    ]
    assert portal_of(page) == {
        "索引号": "11370828593615886A/2025-00693",
        "公开方式": "主动公开",
        "发布机构": "金乡县人民政府办公室",
        "主题分类": "金政发",
        "成文日期": "2025-02-28",
        "有效性": "有效",
    }
    assert normalize("\n".join(page)).text.split("\n") == NOTICE


def test_label_and_value_on_separate_lines() -> None:
    page = [
        "索 引 号:",
        "640501001/2018-93483",
        "文  号:",
        "卫政办发〔2018〕183号",
        "发布机构:",
        "中卫市人民政府办公室",
        "有 效 性:",
        "有效",
        "生成日期:",
        "2018年12月10日",
        *NOTICE,
    ]
    assert portal_of(page) == {
        "索引号": "640501001/2018-93483",
        "发文字号": "卫政办发〔2018〕183号",
        "发布机构": "中卫市人民政府办公室",
        "有效性": "有效",
        "成文日期": "2018年12月10日",
    }
    assert normalize("\n".join(page)).text.split("\n") == NOTICE


def test_fields_run_together_and_an_empty_last_label_does_not_take_the_title() -> None:
    page = [
        "索引号: 113210880144482363-2022-015 文件编号:",
        "生成日期: 公开日期: 2022-04-25",
        "时效:",
        "区政府办公室关于印发扬州市江都区“十四五”养老服务发展规划的通知",
        *NOTICE,
    ]
    assert portal_of(page) == {"索引号": "113210880144482363-2022-015", "发布日期": "2022-04-25"}
    kept = normalize("\n".join(page)).text.split("\n")
    assert kept[0] == "区政府办公室关于印发扬州市江都区“十四五”养老服务发展规划的通知"


def test_an_ignored_label_ending_a_row_does_not_swallow_the_next_line() -> None:
    page = ["索引号 | llajj/20221222-00001 | 发布机构 | 龙陵县应急管理局 |", "文号 | 浏览量 |"]
    page += ["前言", "“十四五”时期是全面建设社会主义现代化国家的第一个五年。"]
    assert normalize("\n".join(page)).text.split("\n")[0] == "前言"


def test_box_line_shapes() -> None:
    assert box_fields("• 发文字号:民发〔2021〕51号") == [("发文字号", "民发〔2021〕51号")]
    assert box_fields("主题分类: 其他 发文单位: 咸宁市民政局") == [
        ("主题分类", "其他"),
        ("发文机关", "咸宁市民政局"),
    ]
    assert box_fields("文号管理要规范。") is None
    assert box_fields("一、总体要求") is None


def test_box_fills_meta_the_document_lacks_and_flags_a_repealed_document() -> None:
    page = [
        "发文机关:山西省人民政府",
        "发布日期:2018年04月02",
        "生效日期:2018年03月27",
        "时效性 :失效",
        "文号 :晋政发〔2018〕13号",
        "各市、县人民政府,省人民政府各委、办、厅、局:",
        "现将《山西省激发重点群体活力带动城乡居民增收的实施方案》印发给你们,请认真贯彻执行。",
        "一、总体要求",
        "坚持以人民为中心的发展思想。",
    ]
    document = process_bytes("\n".join(page).encode())
    meta = document.meta
    assert (meta.doc_number, meta.issuer, meta.date) == (
        "晋政发〔2018〕13号",
        "山西省人民政府",
        "2018-03-27",
    )
    assert (meta.portal["有效性"], meta.portal["发布日期"]) == ("失效", "2018年04月02")
    assert [(d.code, d.line) for d in document.diagnostics if d.code == "repealed"] == [
        ("repealed", 1)
    ]


def test_the_portal_that_published_the_page_is_not_the_issuer() -> None:
    page = [
        "索引号 | llajj/20221222-00001 | 发布机构 | 龙陵县应急管理局 |",
        "公开目录 | 发展规划 | 发布日期 | 2022-12-22 |",
        "龙陵县“十四五”综合防灾减灾救灾规划",
        "一、现状与形势",
        "“十三五”时期,全县深入贯彻落实防灾减灾救灾重要论述精神。",
    ]
    meta = process_bytes("\n".join(page).encode()).meta
    assert (meta.issuer, meta.date) == (None, None)
    assert meta.portal["发布机构"] == "龙陵县应急管理局"


LEGAL_DATABASE_EXPORT = [
    "某某市经济和信息化局关于推进某某市数据专区建设的指导意见",
    "【法宝引证码】 CLI.12.5679380",
    "【发布部门】 某某市经济和信息化局",
    "【发文字号】 某经信发〔2022〕87号",
    "【发布日期】 2022.12.07",
    "【实施日期】 2022.12.07",
    "【时效性】 现行有效",
    "【效力级别】 地方规范性文件",
    "【法规类别】 信息产业综合规定",
    "某某市经济和信息化局关于推进某某市数据专区建设的指导意见",
    "某经信发〔2022〕87号",
    "各区政府,各相关单位:",
    "为促进政企数据融合应用,充分释放数据要素价值,现提出以下意见。",
    "一、总体要求",
    "(一)工作目标。到2025年,建成数据专区不少于10个。",
    "某某市经济和信息化局",
    "2022年12月7日",
]


def test_a_legal_database_header_in_brackets_is_an_info_box() -> None:
    assert box_fields("【发文字号】 某经信发〔2022〕87号") == [
        Field("发文字号", "某经信发〔2022〕87号")
    ]
    assert box_fields("【时效性】现行有效") == [Field("有效性", "现行有效")]
    assert box_fields("【注】本文有删减") is None  # no label a box uses
    document = process_bytes("\n".join(LEGAL_DATABASE_EXPORT).encode())
    meta = document.meta
    assert meta.portal == {
        "发文机关": "某某市经济和信息化局",
        "发文字号": "某经信发〔2022〕87号",
        "发布日期": "2022.12.07",
        "生效日期": "2022.12.07",
        "有效性": "现行有效",
        "效力级别": "地方规范性文件",
        "主题分类": "信息产业综合规定",
    }
    assert (meta.title, meta.title_line, meta.doc_number) == (
        LEGAL_DATABASE_EXPORT[0],
        10,
        "某经信发〔2022〕87号",
    )
    assert (meta.issuer, meta.date) == ("某某市经济和信息化局", "2022-12-07")
    removed = document.normalization.boilerplate_removed
    assert [r.rule for r in removed] == ["page-title", "legal-database", *["portal-info"] * 7]
    assert [d.code for d in document.diagnostics] == []
