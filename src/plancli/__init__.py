"""plancli: Chinese government policy documents → structured data.

The public API: `extract` (→ `Document`), `normalize` (→ str), the output
models and `InputError`. Every other module is private. Names are loaded on
first use, so `import plancli` (and `plancli --version`) stays cheap.
"""

import sys

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


class _Package(type(sys)):
    """The package module, whose API functions outlive the import of a same-named stage.

    Importing the stage `plancli.extract` sets the package attribute `extract` to
    that module; `plancli.extract(...)` must stay the API function, so a stage
    module is not stored under an API function's name (it stays in sys.modules).
    """

    def __setattr__(self, name: str, value: object) -> None:
        if name in _FUNCTIONS and isinstance(value, type(sys)):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
