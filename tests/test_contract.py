"""docs/contract.md and the pydantic models cannot drift apart.

The contract's field names are the public interface: every name the contract
lists must exist in the models at the place it names, and every field the
models emit must be documented in docs/contract.md (the specified part or the
"Fields plancli adds" table). The lean stage records in `core.py` are checked
field by field against the contract models they are validated into.
"""

from __future__ import annotations

import re

import pytest

from conftest import ROOT
from plancli import core, models

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


def model_field_names(model: type[models.Model], seen: set[type] | None = None) -> set[str]:
    """Every field name a model emits, recursively through nested models."""
    seen = seen if seen is not None else set()
    if model in seen:
        return set()
    seen.add(model)
    names = set(model.model_fields)
    for field in model.model_fields.values():
        for nested in nested_models(field.annotation):
            names |= model_field_names(nested, seen)
    return names


def nested_models(annotation: object) -> list[type[models.Model]]:
    found = []
    if isinstance(annotation, type) and issubclass(annotation, models.Model):
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
    assert set(fields) <= set(models.Document.model_fields)


@pytest.mark.parametrize("name", sorted(SECTION_MODELS))
def test_every_field_a_contract_section_lists_is_a_model_field(name: str) -> None:
    fields = brace_fields(section_body(name))
    assert fields, name
    assert set(fields) <= set(SECTION_MODELS[name].model_fields), name


def test_meta_and_normalization_fields_of_the_contract_exist() -> None:
    meta = set(re.findall(r"`([a-z_]+)` \(", section_body("meta")))
    assert {"title", "doc_number", "issuer", "date", "period"} <= meta
    assert meta <= set(models.Meta.model_fields)
    normalization = set(re.findall(r"`([a-z_]+)` \(", section_body("normalization")))
    assert {"script", "repairs", "suspect_spans"} <= normalization
    assert normalization <= set(models.Normalization.model_fields)


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
def test_lean_records_have_exactly_the_contract_fields(lean: type, contract: type) -> None:
    assert list(lean._fields) == list(contract.model_fields)


def test_lean_normalization_report_has_exactly_the_contract_fields() -> None:
    assert list(core.NormalizationReport().as_dict()) == list(models.Normalization.model_fields)


def test_readme_points_at_the_contract_inside_the_repository() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/contract.md" in readme
    assert "../shared" not in readme
