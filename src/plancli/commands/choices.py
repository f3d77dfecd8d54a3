"""The closed vocabularies of the command line, as Enums so `--help` lists every choice.

The renderers take the plain string values; `values(Enum)` gives them as a tuple.
"""

from __future__ import annotations

from enum import Enum


class ExtractFormat(str, Enum):
    yaml = "yaml"
    json = "json"
    jsonl = "jsonl"
    md = "md"


class ReportFormat(str, Enum):
    table = "table"
    json = "json"


class UnitsFormat(str, Enum):
    table = "table"
    csv = "csv"


class BatchFormat(str, Enum):
    yaml = "yaml"
    json = "json"


class CheckFormat(str, Enum):
    text = "text"
    json = "json"
    github = "github"
    junit = "junit"
    sarif = "sarif"


class ExportFormat(str, Enum):
    xlsx = "xlsx"
    parquet = "parquet"
    duckdb = "duckdb"
    csv = "csv"


class CompareFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    md = "md"


class CompareOrder(str, Enum):
    order = "order"
    date = "date"


def values(choices: type[Enum]) -> tuple[str, ...]:
    """The choices as plain strings, in declaration order."""
    return tuple(choice.value for choice in choices)
