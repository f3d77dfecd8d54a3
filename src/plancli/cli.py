"""The console entry point: the fast paths first, then the typer application.

`plancli --version`, `plancli extract FILE` and `plancli normalize FILE` are
served by `commands.fast` without loading typer; everything else goes to
`commands.app`. Every failure ends here as one `plancli: error:` line: exit 1
for a file that cannot be processed, 2 for a usage mistake, never a traceback
(unless PLANCLI_DEBUG is set).
"""

from __future__ import annotations

import os
import sys
from types import ModuleType

from plancli import __version__

PROG = "plancli"


def fail(message: str, code: int = 1) -> None:
    """Print a one-line error to stderr and exit."""
    from plancli.commands.terminal import print_error

    print_error(message)
    raise SystemExit(code)


def click_exceptions() -> ModuleType:
    """The click exceptions module typer uses (vendored in recent typer releases)."""
    try:
        from typer._click import exceptions
    except ImportError:
        from click import exceptions
    return exceptions


def run_app(args: list[str]) -> None:
    """Run the typer CLI; a usage mistake becomes one `plancli: error:` line and exit 2."""
    import typer

    from plancli.commands.app import build_app

    errors = click_exceptions()
    try:
        code = build_app()(args=args, prog_name=PROG, standalone_mode=False)
    except errors.NoArgsIsHelpError as exc:
        exc.show()
        raise SystemExit(exc.exit_code) from None
    except errors.UsageError as exc:
        command = exc.ctx.command_path if exc.ctx is not None else PROG
        fail(f"{exc.format_message()} (see {command} --help)", code=2)
    except errors.ClickException as exc:
        fail(exc.format_message(), code=exc.exit_code)
    except typer.Abort:
        fail("interrupted", code=130)
    if isinstance(code, int) and code:
        raise SystemExit(code)


def main(argv: list[str] | None = None) -> None:
    """Console entry point."""
    args = sys.argv[1:] if argv is None else argv
    if args in (["--version"], ["-V"]):  # the cheapest path of all: no other import
        sys.stdout.write(f"{PROG} {__version__}\n")
        return
    from plancli.commands.fast import try_fast_path
    from plancli.core import InputError, UsageError

    try:
        if not try_fast_path(args):
            run_app(args)
    except InputError as exc:
        fail(str(exc))
    except UsageError as exc:
        fail(str(exc), code=2)
    except KeyboardInterrupt:
        fail("interrupted", code=130)
    except BrokenPipeError:
        sys.stderr.close()
        raise SystemExit(1) from None
    except Exception as exc:  # last resort: one line, never a traceback
        if os.environ.get("PLANCLI_DEBUG"):
            raise
        fail(f"internal error: {type(exc).__name__}: {exc} (set PLANCLI_DEBUG=1 for details)")


if __name__ == "__main__":
    main()
