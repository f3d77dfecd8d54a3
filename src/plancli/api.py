"""The Python API behind `plancli.extract` and `plancli.normalize`, for notebooks and scripts.

>>> import plancli
>>> doc = plancli.extract("notice.txt")            # doctest: +SKIP
>>> [(t.indicator, t.value, t.unit) for t in doc.targets][:1]  # doctest: +SKIP
[('城乡社区综合服务设施覆盖率', 100.0, '%')]
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Union

from plancli import regexes

if TYPE_CHECKING:
    from plancli.models import Document

__all__ = ["PathOrText", "extract", "normalize"]

PathOrText = Union[str, bytes, "os.PathLike[str]"]
TEXT_PATH = "<text>"
# a one-line string ending like a file name (`notice.txt`) that is not there is a missing file
LOOKS_LIKE_FILE_NAME = regexes.compile(r"\.[A-Za-z][A-Za-z0-9]{0,4}$")


def input_bytes(source: PathOrText) -> tuple[bytes, str]:
    """The bytes to convert and the path to record, from a path, raw bytes or the text itself.

    A `str` is a path when it names an existing file, and the document's text otherwise.
    """
    from plancli.pipeline import read_input

    if isinstance(source, bytes):
        return source, TEXT_PATH
    if isinstance(source, os.PathLike):
        return read_input(source), os.fspath(source)
    if "\n" not in source and (os.path.isfile(source) or LOOKS_LIKE_FILE_NAME.search(source)):
        return read_input(source), source
    return source.encode("utf-8"), TEXT_PATH


def extract(source: PathOrText) -> Document:
    """Run the whole pipeline on a file path, the document's text or its raw bytes.

    Raises `plancli.InputError` (one line) for a missing, unreadable or binary file.
    """
    from plancli.pipeline import process_bytes

    data, path = input_bytes(source)
    return process_bytes(data, path)


def normalize(source: PathOrText) -> str:
    """The cleaned, simplified text of a document (what `plancli normalize` prints).

    What was removed or repaired, with original line numbers, is in
    `extract(source).normalization`.
    """
    from plancli.pipeline import decode_input
    from plancli.stages.normalize import normalize as normalize_text

    data, path = input_bytes(source)
    return normalize_text(decode_input(data, path).text, find_garbled=False).text
