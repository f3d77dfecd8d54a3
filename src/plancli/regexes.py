"""Regular expressions compiled once per machine, not once per process.

`re.compile` parses a pattern and turns it into code for the regex engine in
Python; a class such as `[\\u4e00-\\u9fff]` alone costs half a millisecond, and
the stages compile about two hundred patterns: a quarter of a short notice's
whole `plancli extract`. `compile` here keeps the engine code of each pattern
it has compiled in one file in the cache folder of `plancli.rules`, and later
processes hand that code straight to the engine.

The engine code is what `re` itself would build for this Python (the file is
named by the interpreter's version, the engine's magic number and the byte
order), handed over through `_sre.compile`, the private function `re` uses for
it. The engine checks the code's shape but not its meaning, and damaged code
could crash the interpreter, so the file is trusted only whole: it carries a
CRC-32 of its contents, and it is read only when the current user owns it and
nobody else may write it (it is written with mode 0600). The kept code is as
trusted as the rest of the user's cache and installation: someone who may
write there may change plancli itself. Anything unexpected (no file, a damaged
or foreign file, code the engine refuses) means compiling as `re` does. The
file is rewritten, atomically, at exit by a process that compiled something
new.
"""

from __future__ import annotations

import os
import re
import sys
from array import array

from plancli.kept import read_kept, write_kept

WORD = "I"  # array type code of the engine's code unit

try:  # the regex engine's own module: how `re` hands it compiled code
    import _sre
except ImportError:  # pragma: no cover - every CPython has it
    _sre = None
try:  # how `re` parses and compiles (sre_parse and sre_compile before Python 3.11)
    from re import _compiler, _parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    try:
        import sre_compile as _compiler
        import sre_parse as _parser
    except ImportError:
        _sre = None
if _sre is not None and array(WORD).itemsize != getattr(_sre, "CODESIZE", 0):
    _sre = None  # pragma: no cover - an engine this module does not know: compile only

# (flags, engine code as 32-bit words, groups, groupindex, indexgroup)
Entry = tuple[int, bytes, int, dict[str, int], tuple[str | None, ...]]

STORE_TAG = "plancli regex code 1"
MAX_ENTRIES = 5000  # a store past this (rule files edited many times) starts again
STORE: dict[tuple[str, int], Entry] | None = None
NEW: dict[tuple[str, int], Entry] = {}


def compile(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """`re.compile(pattern, flags)`, from the engine code kept for it when there is some."""
    if type(pattern) is not str:  # a compiled pattern, or bytes: `re` as it is
        return re.compile(pattern, flags)
    flags = int(flags)  # a `re.RegexFlag` keys and stores as the number it is
    entry = stored().get((pattern, flags))
    if entry is not None:
        try:
            all_flags, code, groups, groupindex, indexgroup = entry
            words = array(WORD, code).tolist()
            compiled: re.Pattern[str] = _sre.compile(
                pattern, all_flags, words, groups, groupindex, indexgroup
            )
            return compiled
        except (RuntimeError, TypeError, ValueError, OverflowError):
            pass  # code the engine refuses: compile the pattern again
    compiled = re.compile(pattern, flags)
    keep(pattern, flags)
    return compiled


def stored() -> dict[tuple[str, int], Entry]:
    global STORE
    if STORE is None:
        STORE = read_store()
    return STORE


def store_path() -> str | None:
    if _sre is None:
        return None
    from plancli.rules import cache_dir

    name = f"patterns-{sys.hexversion:x}-{_sre.MAGIC}-{sys.maxunicode:x}-{sys.byteorder}.marshal"
    return os.path.join(cache_dir(), name)


def read_store() -> dict[tuple[str, int], Entry]:
    """The kept entries, or none if the file is missing, damaged or not the user's own."""
    data = read_kept(store_path(), STORE_TAG)
    return data if isinstance(data, dict) else {}


def keep(pattern: str, flags: int) -> None:
    """Build the engine code `re` built for `pattern`, to be written out at exit."""
    if _sre is None:
        return
    try:
        entry = engine_code(pattern, flags)
    except (AttributeError, TypeError, ValueError, OverflowError, re.error):
        return  # `re` works differently inside: the pattern is compiled, not kept
    if not NEW:
        import atexit

        atexit.register(write_store)
    NEW[(pattern, flags)] = entry


def engine_code(pattern: str, flags: int) -> Entry:
    """What `re._compiler.compile` passes to the engine for `pattern` (without the pattern)."""
    parsed = _parser.parse(pattern, flags)
    code = array(WORD, _compiler._code(parsed, flags)).tobytes()
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    all_flags = int(flags | parsed.state.flags)
    return (all_flags, code, parsed.state.groups - 1, groupindex, tuple(indexgroup))


def write_store() -> None:
    """Add this process's new entries to the file (errors ignored)."""
    path = store_path()
    if path is None or not NEW:
        return
    merged = {**read_store(), **NEW}
    if len(merged) > MAX_ENTRIES:
        merged = dict(NEW)
    NEW.clear()
    write_kept(path, STORE_TAG, merged)


def entries() -> dict[tuple[str, int], Entry]:
    """Every entry in the file (for tests and `bench/`)."""
    return read_store()


def forget_loaded() -> None:
    """Drop what was read from the file, so the next `compile` reads it again (tests)."""
    global STORE
    STORE = None
