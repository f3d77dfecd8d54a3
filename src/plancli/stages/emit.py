"""Stage 5, emit: Document → YAML / JSON / JSON Lines text, and atomic file writes."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from plancli.core import InputError

if TYPE_CHECKING:  # the contract records only when one is rendered, never for a plain write
    from pathlib import Path

    from plancli.models import Model

FORMATS = ("yaml", "json", "jsonl", "md")  # commands.choices.ExtractFormat


def to_data(model: Model) -> dict[str, Any]:
    from plancli.models import as_data

    data: dict[str, Any] = as_data(model)
    return data


def to_json(model: Model) -> str:
    from plancli.stages.emit_json import indented_json

    return indented_json(model) + "\n"


def to_jsonl(models: Iterable[Model]) -> str:
    return "".join(
        json.dumps(to_data(m), ensure_ascii=False, separators=(",", ":")) + "\n" for m in models
    )


def to_yaml(model: Model, *, pure: bool = False) -> str:
    """YAML as PyYAML writes it: by `yaml_text` when every scalar is one it writes the same
    way, else through libyaml's C emitter (when installed) fed with nodes built straight from
    the records; `pure` forces PyYAML's own representer and Python emitter."""
    if not pure:
        from plancli.stages.yaml_text import NotSimple, records_text

        try:
            return records_text(model)  # no PyYAML to import, for nearly every document
        except NotSimple:
            from plancli.stages.emit_yaml import records_yaml

            return records_yaml(model)
    import yaml

    return yaml.dump(
        to_data(model), Dumper=yaml.SafeDumper, allow_unicode=True, sort_keys=False, width=1000
    )


def render(model: Model, fmt: str) -> str:
    """Render one document in one of FORMATS."""
    if fmt == "json":
        return to_json(model)
    if fmt == "jsonl":
        return to_jsonl([model])
    if fmt == "yaml":
        return to_yaml(model)
    if fmt == "md":
        from plancli.stages.markdown import to_markdown

        return to_markdown(model)  # type: ignore[arg-type]
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


class OutputError(InputError):
    """An output that cannot be written (a folder, a read-only place ...): one line, exit 1."""


def same_file(first: str | Path, second: str | Path) -> bool:
    """True when both names reach one file (any spelling, a symlink or a hard link)."""
    try:
        return os.path.samefile(first, second)
    except (OSError, ValueError):
        return False


def refuse_overwriting_inputs(output: str | Path | None, inputs: Iterable[str | Path]) -> None:
    """Raise a usage error (exit 2) when `output` names one of the inputs."""
    if output is None or str(output) == "-":
        return
    for source in inputs:
        if str(source) != "-" and same_file(output, source):
            from plancli.core import UsageError

            raise UsageError(f"{output}: is the input {source}; refusing to overwrite it")


def write_target(path: str | Path) -> str:
    """The file a write to `path` replaces: a symlink is written through to its target."""
    name = os.fspath(path)
    return os.path.realpath(name) if os.path.islink(name) else name


def write_atomic(path: str | Path, text: str) -> None:
    """Write text so that readers see either the old file or the whole new one.

    A new file gets the mode the umask allows (as `open` would), an existing file
    keeps its mode, and a symlink stays a symlink: its target is replaced.
    Every OS failure becomes an OutputError naming `path`, never the temp file.
    """
    target = write_target(path)
    try:
        if os.path.isdir(target):
            raise OutputError(f"{path}: is a directory")
        folder = os.path.dirname(target) or "."
        refuse_file_as_folder(path, folder)
        os.makedirs(folder, exist_ok=True)
        write_replacing(target, folder, text.encode("utf-8"))
    except OutputError:
        raise
    except OSError as exc:
        raise OutputError(f"{path}: cannot write it ({exc.strerror or exc})") from None


def refuse_file_as_folder(path: str | Path, folder: str) -> None:
    """An OutputError when a part of the output's folder path is an existing file."""
    part = folder
    while part and not os.path.exists(part):
        parent = os.path.dirname(part)
        if parent == part:
            return
        part = parent
    if part and not os.path.isdir(part):
        raise OutputError(f"{path}: {part} is not a directory")


def write_replacing(target: str, folder: str, data: bytes) -> None:
    """Write a temp file beside `target` with `target`'s mode, then rename it over `target`."""
    try:
        mode: int | None = os.stat(target).st_mode & 0o7777
    except FileNotFoundError:
        mode = None
    unique = f"{os.getpid()}.{os.urandom(4).hex()}"
    tmp = os.path.join(folder, f".{os.path.basename(target)}.{unique}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask applies
    try:
        try:
            if mode is not None:
                os.fchmod(fd, mode)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
