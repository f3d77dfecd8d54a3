"""plancli export: every format read back with its own library, on the five samples.

Values pinned here were checked by reading the samples: Jimsar's 工作目标 (line 8)
sets nine targets "到2025年末", and its task 1 (line 11) ends with the clause
(县委组织部、县民政局、住建局、县团委、妇联,各乡镇人民政府等按职责分工负责).
"""

from __future__ import annotations

import csv
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from conftest import ALL_SAMPLES, JIMSAR, SAMPLES
from plancli.commands.export import (
    COLUMNS,
    ExportError,
    Table,
    corpus_tables,
    document_rows,
    format_for,
    gather,
    write_tables,
)
from plancli.core import UsageError
from plancli.pipeline import process_file

JIMSAR_TITLE = "吉木萨尔县落实《自治区“十四五”城乡社区服务体系建设规划》实施方案"
JIMSAR_LINE_8 = [
    ("城乡社区综合服务设施覆盖率", ">=", 100.0, "%"),
    ("新建社区商业和综合服务设施面积占社区总建筑面积比例", ">=", 10.0, "%"),
    ("社区综合服务设施面积", ">=", 30.0, "平方米"),
    ("居民活动区域面积占社区综合服务设施总建筑面积比例", ">=", 60.0, "%"),
    ("城市社区政务通用自助服务覆盖率", ">=", 100.0, "%"),
    ("每万城镇常住人口拥有社区工作者", ">=", 25.0, "人"),
    ("社会工作专业人才总数", ">=", 70.0, "人"),
    ("城乡社区工作者素质提升培训覆盖率", "=", 100.0, "%"),
    ("城市社区日间照料机构覆盖率", ">=", 90.0, "%"),
]
JIMSAR_T1_UNITS = ["县委组织部", "县民政局", "县住建局", "县团委", "县妇联", "各乡镇人民政府"]


@pytest.fixture(scope="module")
def documents() -> list:
    return [process_file(path) for path in ALL_SAMPLES]


@pytest.fixture(scope="module")
def tables(documents: list) -> list[Table]:
    return corpus_tables(document_rows(document) for document in documents)


def by_name(tables: list[Table]) -> dict[str, Table]:
    return {table.name: table for table in tables}


def expected_counts(documents: list) -> dict[str, int]:
    return {
        "documents": 5,
        "tasks": sum(len(d.tasks) for d in documents),
        "task_units": sum(len(t.units) for d in documents for t in d.tasks),
        "targets": sum(len(d.targets) for d in documents),
        "units": sum(len(d.units) for d in documents),
        "diagnostics": sum(len(d.diagnostics) for d in documents),
    }


# --- rows -----------------------------------------------------------------------------


def test_jimsar_rows_carry_the_values_read_from_the_text() -> None:
    rows = document_rows(process_file(JIMSAR))
    document = rows["documents"][0]
    assert document["title"] == JIMSAR_TITLE
    assert document["issuer"] == "吉木萨尔县人民政府办公室"
    assert document["date"] == "2023-09-25"
    assert (document["period_start"], document["period_end"]) == (2021, 2025)
    assert document["doc_id"] == document["sha256"][:16]
    line_8 = [r for r in rows["targets"] if r["line"] == 8]
    assert [(r["indicator"], r["comparator"], r["value"], r["unit"]) for r in line_8] == (
        JIMSAR_LINE_8
    )
    assert {r["year"] for r in line_8} == {2025}
    assert {r["section_path"] for r in line_8} == {"工作目标"}
    t1 = [r for r in rows["task_units"] if r["task_id"] == "t1"]
    assert [r["unit"] for r in t1] == JIMSAR_T1_UNITS
    assert [r["position"] for r in t1] == [1, 2, 3, 4, 5, 6]
    assert {r["role"] for r in t1} == {"responsible"}
    assert next(r for r in t1 if r["unit"] == "县住建局")["raw"] == "住建局"
    task = next(r for r in rows["tasks"] if r["task_id"] == "t1")
    assert (task["marker"], task["title"], task["line"]) == ("1.", "健全党建引领机制", 11)
    assert task["section_path"] == "重点任务 > 完善城乡社区服务格局"


def test_every_row_of_every_table_joins_to_a_document(tables: list[Table]) -> None:
    named = by_name(tables)
    doc_ids = {row[0] for row in named["documents"].rows}
    assert len(doc_ids) == 5
    for table in tables:
        assert next(iter(table.columns)) == "doc_id"
        assert {row[0] for row in table.rows} <= doc_ids


def test_task_units_join_to_tasks_and_targets_to_their_task(tables: list[Table]) -> None:
    named = by_name(tables)
    tasks = {(row[0], row[1]) for row in named["tasks"].rows}
    assert {(row[0], row[1]) for row in named["task_units"].rows} <= tasks
    columns = list(COLUMNS["targets"])
    task_of_target = {row[columns.index("task_id")] for row in named["targets"].rows}
    assert task_of_target - {None}, "some targets are read from tasks"


def test_same_text_twice_is_one_document(documents: list) -> None:
    rows = document_rows(documents[0])
    tables = by_name(corpus_tables([rows, rows]))
    assert len(tables["documents"].rows) == 1
    assert len(tables["tasks"].rows) == len(documents[0].tasks)


def test_extra_meta_fields_become_their_own_columns(documents: list) -> None:
    rows = document_rows(documents[0])
    rows["documents"][0]["portal_索引号"] = "11652300-2023-00123"
    table = by_name(corpus_tables([rows]))["documents"]
    assert list(table.columns)[-1] == "portal_索引号"
    assert table.rows[0][-1] == "11652300-2023-00123"


# --- formats --------------------------------------------------------------------------


def test_format_comes_from_the_suffix_or_the_option(tmp_path: Path) -> None:
    assert format_for(tmp_path / "corpus.xlsx", None) == "xlsx"
    assert format_for(tmp_path / "corpus.DuckDB", None) == "duckdb"
    assert format_for(tmp_path / "out", "parquet") == "parquet"
    with pytest.raises(UsageError, match="--format parquet or --format csv"):
        format_for(tmp_path / "out", None)
    with pytest.raises(UsageError, match="unknown format 'xls'"):
        format_for(tmp_path / "corpus.xls", "xls")


def test_csv_is_utf8_with_bom_and_reads_back(
    tables: list[Table], documents: list, tmp_path: Path
) -> None:
    write_tables(tables, tmp_path, "csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{n}.csv" for n in COLUMNS)
    raw = (tmp_path / "targets.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfdoc_id,target_no,indicator,")
    for name, count in expected_counts(documents).items():
        with (tmp_path / f"{name}.csv").open(encoding="utf-8-sig", newline="") as handle:
            assert len(list(csv.DictReader(handle))) == count, name
    with (tmp_path / "documents.csv").open(encoding="utf-8-sig", newline="") as handle:
        titles = {row["title"] for row in csv.DictReader(handle)}
    assert JIMSAR_TITLE in titles


def test_xlsx_has_a_frozen_filtered_sheet_per_table(
    tables: list[Table], documents: list, tmp_path: Path
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    output = tmp_path / "corpus.xlsx"
    write_tables(tables, output, "xlsx")
    workbook = openpyxl.load_workbook(output)
    assert workbook.sheetnames == list(COLUMNS)
    for name, count in expected_counts(documents).items():
        sheet = workbook[name]
        assert sheet.max_row == count + 1, name
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref.startswith("A1:")
    targets = workbook["targets"]
    header = [cell.value for cell in targets[1]]
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in targets.iter_rows(2)]
    line_8 = [r for r in rows if r["line"] == 8 and r["indicator"] == JIMSAR_LINE_8[0][0]]
    assert [(r["value"], r["unit"], r["year"]) for r in line_8] == [(100, "%", 2025)]
    assert targets.column_dimensions["C"].width > 20  # indicators are long Chinese names


def test_xlsx_keeps_hostile_text_as_text(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    rows = [("a", '=HYPERLINK("x")\x07甲'), ("b", "推进建设。" * 10000)]
    table = Table("tasks", {"doc_id": "str", "text": "str"}, rows)
    write_tables([table], tmp_path / "t.xlsx", "xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "t.xlsx")["tasks"]
    assert (sheet["B2"].value, sheet["B2"].data_type) == ('=HYPERLINK("x")甲', "s")
    assert len(sheet["B3"].value) == 32767  # Excel's limit; the page text is cut, not lost
    assert sheet["B3"].value.endswith("设。推…")  # 32766 = 5 × 6553 + 1 characters kept


def test_parquet_files_read_back_with_their_types(
    tables: list[Table], documents: list, tmp_path: Path
) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    write_tables(tables, tmp_path, "parquet")
    for name, count in expected_counts(documents).items():
        assert pq.read_table(tmp_path / f"{name}.parquet").num_rows == count, name
    targets = pq.read_table(tmp_path / "targets.parquet")
    assert str(targets.schema.field("value").type) == "double"
    assert str(targets.schema.field("year").type) == "int64"
    first = targets.slice(0, 1).to_pylist()[0]
    assert first["doc_id"] == document_rows(documents[0])["documents"][0]["doc_id"]


def test_duckdb_answers_targets_per_deadline_year(
    tables: list[Table], documents: list, tmp_path: Path
) -> None:
    duckdb = pytest.importorskip("duckdb")
    output = tmp_path / "corpus.duckdb"
    write_tables(tables, output, "duckdb")
    connection = duckdb.connect(str(output), read_only=True)
    per_year = connection.execute(
        "SELECT year, count(*) FROM targets WHERE kind = 'target' GROUP BY year ORDER BY year"
    ).fetchall()
    expected = Counter(t.year for d in documents for t in d.targets if t.kind == "target")
    assert dict(per_year) == dict(expected)
    assert sorted(year for year in expected if year) == [2025]
    jimsar = connection.execute(
        "SELECT count(*) FROM targets JOIN documents USING (doc_id) "
        "WHERE documents.title = ? AND targets.line = 8 AND targets.year = 2025",
        [JIMSAR_TITLE],
    ).fetchone()
    assert jimsar == (9,)
    for name, count in expected_counts(documents).items():
        assert connection.execute(f"SELECT count(*) FROM {name}").fetchone() == (count,)


def test_missing_library_names_the_extra(
    tables: list[Table], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(ExportError) as error:
        write_tables(tables, tmp_path / "corpus.xlsx", "xlsx")
    assert str(error.value) == "the xlsx export needs openpyxl: pip install 'plancli[xlsx]'"


# --- sources and the command ----------------------------------------------------------


def run_plancli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "plancli", *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd, check=False)


def test_batch_folder_exports_the_same_tables_as_the_documents(tmp_path: Path) -> None:
    files = [str(JIMSAR), str(SAMPLES / "jiangxi-province-community-services-2022.txt")]
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    batch = run_plancli("batch", *files, str(empty), "-o", str(tmp_path / "out"), "-j", "1")
    assert batch.returncode == 1, batch.stderr  # the empty file fails; the others are written
    from_batch = gather([tmp_path / "out"], jobs=1, glob="*.txt")
    direct = gather([Path(f) for f in files], jobs=1, glob="*.txt")
    assert direct.failed == []
    assert from_batch.failed == [("empty.txt", f"failed in batch: {empty}: empty file")]
    assert from_batch.tables == direct.tables


def test_export_command_writes_csv_and_reports_a_missing_input(tmp_path: Path) -> None:
    result = run_plancli(
        "export", str(JIMSAR), str(tmp_path / "gone.txt"), "-o", str(tmp_path / "csv"), "-f", "csv"
    )
    assert result.returncode == 1
    assert "gone.txt: left out: " in result.stderr
    assert (tmp_path / "csv" / "targets.csv").is_file()
    undecided = run_plancli("export", str(JIMSAR), "-o", str(tmp_path / "folder"))
    assert undecided.returncode == 2
    assert undecided.stderr.count("\n") == 1
