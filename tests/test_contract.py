"""docs/contract.md and the contract records (`plancli.models`) cannot drift apart.

The contract's field names are the public interface: every name the contract
lists must exist in the models at the place it names, and every field the
models emit must be documented in docs/contract.md (the specified part or the
"Fields plancli adds" table). The records the text stages build in `core.py`
are the contract's own types, and their fields are checked like the others.
"""

from __future__ import annotations

import json
import re
import typing
from pathlib import Path

import pytest
from pydantic import ValidationError

from conftest import ALL_SAMPLES, ROOT
from plancli import core, models
from plancli.models import as_data
from plancli.pipeline import process_file
from plancli.validation import validate

CONTRACT = ROOT / "docs" / "contract.md"
SPEC_SOURCE = ROOT.parent / "shared" / "spec" / "contract.md"

# contract section heading -> the model whose fields its {…} lists name
SECTION_MODELS: dict[str, type[models.Model]] = {
    "sections": models.Section,
    "tasks": models.Task,
    "targets": models.Target,
    "tables": models.Table,
}


def contract_text() -> str:
    return CONTRACT.read_text(encoding="utf-8")


def specified_part() -> str:
    return contract_text().split("## Fields plancli adds")[0]


def section_body(name: str) -> str:
    match = re.search(rf"^## {name}\n(.*?)(?=^## |\Z)", specified_part(), re.M | re.S)
    assert match, f"docs/contract.md has no section '## {name}'"
    return match.group(1)


def brace_fields(body: str) -> list[str]:
    """Field names of the first `{a, b, c}` list in a contract section."""
    match = re.search(r"`\{([^}]*)\}`", body, re.S)
    assert match, "no {field, …} list"
    return [name.strip() for name in match.group(1).replace("\n", " ").split(",")]


def documented_names() -> set[str]:
    names = set(re.findall(r"`([a-z_0-9]+)`", contract_text()))
    for group in re.findall(r"`\{([^}]*)\}`", contract_text(), re.S):
        names.update(name.strip() for name in group.replace("\n", " ").split(","))
    return names


def fields_of(model: type) -> list[str]:
    names = models.field_names(model)
    assert names is not None, f"{model} is not a record"
    return list(names)


def model_field_names(model: type, seen: set[type] | None = None) -> set[str]:
    """Every field name a record emits, recursively through nested records."""
    seen = seen if seen is not None else set()
    if model in seen:
        return set()
    seen.add(model)
    names = set(fields_of(model))
    for annotation in typing.get_type_hints(model).values():
        for nested in nested_models(annotation):
            names |= model_field_names(nested, seen)
    return names


def nested_models(annotation: object) -> list[type]:
    found = []
    if isinstance(annotation, type) and models.field_names(annotation) is not None:
        found.append(annotation)
    for arg in getattr(annotation, "__args__", ()):
        found.extend(nested_models(arg))
    return found


@pytest.mark.skipif(not SPEC_SOURCE.exists(), reason="the contract's source is not beside the repo")
def test_docs_copy_starts_with_the_specified_contract_verbatim() -> None:
    assert specified_part().rstrip() == SPEC_SOURCE.read_text(encoding="utf-8").rstrip()


def test_every_top_level_field_of_the_contract_is_a_document_field() -> None:
    table = section_body("Top level")
    fields = re.findall(r"^\| `([a-z_]+)` \|", table, re.M)
    assert "schema_version" in fields and "diagnostics" in fields
    assert set(fields) <= set(fields_of(models.Document))


@pytest.mark.parametrize("name", sorted(SECTION_MODELS))
def test_every_field_a_contract_section_lists_is_a_model_field(name: str) -> None:
    fields = brace_fields(section_body(name))
    assert fields, name
    assert set(fields) <= set(fields_of(SECTION_MODELS[name])), name


def test_meta_and_normalization_fields_of_the_contract_exist() -> None:
    meta = set(re.findall(r"`([a-z_]+)` \(", section_body("meta")))
    assert {"title", "doc_number", "issuer", "date", "period"} <= meta
    assert meta <= set(fields_of(models.Meta))
    normalization = set(re.findall(r"`([a-z_]+)` \(", section_body("normalization")))
    assert {"script", "repairs", "suspect_spans"} <= normalization
    assert normalization <= set(fields_of(models.Normalization))


def test_every_field_the_models_emit_is_documented() -> None:
    undocumented = model_field_names(models.Document) - documented_names()
    assert not undocumented, f"add these to docs/contract.md: {sorted(undocumented)}"


@pytest.mark.parametrize(
    ("lean", "contract"),
    [
        (core.Diagnostic, models.Diagnostic),
        (core.Removal, models.Removal),
        (core.Repair, models.Repair),
        (core.SuspectSpan, models.SuspectSpan),
    ],
)
def test_the_text_stages_records_are_the_contract_types(lean: type, contract: type) -> None:
    assert lean is contract


def test_lean_normalization_report_has_exactly_the_contract_fields() -> None:
    assert list(core.NormalizationReport().as_dict()) == fields_of(models.Normalization)


def test_readme_points_at_the_contract_inside_the_repository() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/contract.md" in readme
    assert "../shared" not in readme


# --- the records hold what the contract says (pydantic checks them at the edge) -------------


def test_every_sample_document_passes_the_contract_and_reads_back_equal(sample: Path) -> None:
    """Nothing checks types while a document is built, so every sample's whole output is
    checked here: each value has its declared type (an int where a float is declared would
    fail the equality) and the document read back from its JSON data is the same document."""
    document = process_file(sample)
    data = as_data(document)
    again = models.Document.model_validate(json.loads(json.dumps(data, ensure_ascii=False)))
    assert again == document
    assert as_data(again) == data
    assert all(type(target.value) is float for target in document.targets)


def test_the_contract_refuses_unknown_keys_and_values_outside_a_literal() -> None:
    data = as_data(process_file(ALL_SAMPLES[0]))
    with pytest.raises(ValidationError, match="message"):
        validate(models.Diagnostic, {"level": "info", "code": "x", "line": 1})
    with pytest.raises(ValidationError, match="extra_field"):
        models.Document.model_validate({**data, "extra_field": 1})
    data["targets"][0]["comparator"] = "≥"
    with pytest.raises(ValidationError, match="comparator"):
        models.Document.model_validate(data)


def test_model_dump_keeps_the_method_names_of_the_earlier_pydantic_models() -> None:
    target = models.Target(
        indicator="覆盖率", comparator=">=", value=100, unit="%", text="", line=8
    )
    assert target.value == 100.0 and type(target.value) is float
    assert target.model_dump(include={"indicator", "value"}) == {
        "indicator": "覆盖率",
        "value": 100.0,
    }
    assert "baseline" not in target.model_dump(exclude={"baseline"})
    later = target.model_copy(update={"year": 2025})
    assert (later.year, target.year) == (2025, None)
    assert json.loads(later.model_dump_json())["year"] == 2025


def test_a_validation_error_points_at_the_field() -> None:
    data = as_data(process_file(ALL_SAMPLES[0]))
    data["targets"][0]["deadline"] = 2025
    with pytest.raises(ValidationError) as raised:
        models.Document.model_validate(data)
    assert str(raised.value).startswith("1 validation error for Document\ntargets.0.deadline\n")


def test_a_diagnostic_read_back_without_a_line_has_none_as_before() -> None:
    data = as_data(process_file(ALL_SAMPLES[1]))
    assert data["diagnostics"], "the sample has diagnostics"
    del data["diagnostics"][0]["line"]
    assert models.Document.model_validate(data).diagnostics[0].line is None


def test_the_schema_keeps_defaults_and_descriptions() -> None:
    definitions = models.Document.model_json_schema()["$defs"]
    assert definitions["Target"]["properties"]["kind"]["default"] == "target"
    assert definitions["Diagnostic"]["required"] == ["level", "code", "message"]
    assert definitions["Column"]["description"] == "A boxed 专栏 with its own items."


def test_schemas_built_in_several_threads_at_once_are_whole() -> None:
    from concurrent.futures import ThreadPoolExecutor

    from plancli import validation

    validation.adapter.cache_clear()
    data = as_data(process_file(ALL_SAMPLES[2]))
    kinds = [models.Document, models.Section, models.Outline, models.Task] * 4

    def check(kind: type) -> bool:
        if kind is models.Document:
            return models.Document.model_validate(data) is not None
        return validation.json_schema(kind)["title"] == kind.__name__

    with ThreadPoolExecutor(8) as pool:
        assert all(pool.map(check, kinds))
