"""Stage 5, emit: Document → YAML / JSON / JSON Lines text, and atomic file writes."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel

FORMATS = ("yaml", "json", "jsonl", "md")


def to_data(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json")


def to_json(model: BaseModel) -> str:
    return json.dumps(to_data(model), ensure_ascii=False, indent=2) + "\n"


def to_jsonl(models: Iterable[BaseModel]) -> str:
    return "".join(
        json.dumps(to_data(m), ensure_ascii=False, separators=(",", ":")) + "\n" for m in models
    )


def to_yaml(model: BaseModel, *, pure: bool = False) -> str:
    """YAML through libyaml's C emitter when it is installed (same bytes, a fraction of the
    time); `pure` forces the Python emitter."""
    import yaml

    dumper = yaml.SafeDumper if pure else getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(to_data(model), Dumper=dumper, allow_unicode=True, sort_keys=False, width=1000)


def render(model: BaseModel, fmt: str) -> str:
    """Render one document in one of FORMATS."""
    if fmt == "json":
        return to_json(model)
    if fmt == "jsonl":
        return to_jsonl([model])
    if fmt == "yaml":
        return to_yaml(model)
    if fmt == "md":
        from plancli.report import to_markdown

        return to_markdown(model)  # type: ignore[arg-type]
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def write_atomic(path: str | Path, text: str) -> None:
    """Write text so that readers see either the old file or the whole new one."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
