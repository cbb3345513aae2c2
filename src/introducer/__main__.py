"""Entry point: `introducer` and `python -m introducer`.

`--version` is answered before Typer, rich or pydantic are imported, so scripts
that probe the tool pay a few milliseconds, not a few hundred.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status instead of exiting deep inside."""
    args = sys.argv[1:] if argv is None else argv
    if args in (["--version"], ["-V"]):
        from introducer import __version__

        sys.stdout.write(f"introducer {__version__}\n")
        return 0
    from introducer.cli.app import run

    return run(args)


if __name__ == "__main__":
    sys.exit(main())
