"""plancli: Chinese government policy documents → structured data.

The public API: `extract` (→ `Document`), `normalize` (→ str), the output
models and `InputError`. Every other module is private. Names are loaded on
first use, so `import plancli` (and `plancli --version`) stays cheap.
"""

__version__ = "0.1.0"

__all__ = [
    "Column",
    "Diagnostic",
    "Document",
    "Goal",
    "InputError",
    "Meta",
    "Section",
    "Table",
    "Target",
    "Task",
    "Unit",
    "UnitRef",
    "__version__",
    "extract",
    "normalize",
]

_FUNCTIONS = {"extract": "plancli.api", "normalize": "plancli.api"}
_MODELS = {name: "plancli.models" for name in __all__ if name[0].isupper()}
_LAZY = {**_FUNCTIONS, **_MODELS, "InputError": "plancli.core"}


def __getattr__(name: str) -> object:
    if name not in _LAZY:
        raise AttributeError(f"module 'plancli' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_LAZY[name]), name)


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
