"""Load the YAML rule sets under `rules/`.

Patterns that are data, not logic, live in YAML so an analyst can extend the
tool for a new province without touching code. Extra rule directories can be
named in the environment variable ``PLANCLI_RULES`` (separated by the OS path
separator); a file there with the same name as a bundled one is merged into it:
lists are appended, mappings are updated key by key (recursively).
"""

from __future__ import annotations

import hashlib
import os
from functools import cache
from pathlib import Path
from typing import Any

BUNDLED_DIR = Path(__file__).with_name("rules")
ENV_VAR = "PLANCLI_RULES"


def rule_dirs() -> list[Path]:
    """Bundled rules first, then every directory named in ``PLANCLI_RULES``."""
    extra = os.environ.get(ENV_VAR, "")
    return [BUNDLED_DIR, *(Path(p) for p in extra.split(os.pathsep) if p)]


def merge(base: Any, extra: Any) -> Any:
    """Merge an extension rule file into the bundled one."""
    if isinstance(base, dict) and isinstance(extra, dict):
        merged = dict(base)
        for key, value in extra.items():
            merged[key] = merge(base[key], value) if key in base else value
        return merged
    if isinstance(base, list) and isinstance(extra, list):
        return base + [item for item in extra if item not in base]
    return extra


def _read_yaml(path: Path) -> Any:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with path.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=loader)


@cache
def load(name: str) -> Any:
    """Return the merged content of ``<name>.yaml`` across all rule directories."""
    result: Any = None
    found = False
    for directory in rule_dirs():
        path = directory / f"{name}.yaml"
        if path.is_file():
            data = _read_yaml(path)
            result = data if not found else merge(result, data)
            found = True
    if not found:
        raise FileNotFoundError(f"no rule file {name}.yaml in {', '.join(map(str, rule_dirs()))}")
    return result


def fingerprint() -> str:
    """A digest of every rule file in use: changes when any rule changes."""
    digest = hashlib.sha256()
    for directory in rule_dirs():
        for path in sorted(directory.glob("*.yaml")):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
