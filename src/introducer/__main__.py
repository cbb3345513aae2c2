"""Entry point: `introducer` and `python -m introducer`.

`--version` is answered before Typer, rich or pydantic are imported, so scripts
that probe the tool pay a few milliseconds, not a few hundred.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status instead of exiting deep inside
    (after a big book, `lifetime.end` exits here instead, skipping the teardown)."""
    from introducer.streams import output_failed, reopen_closed_streams

    reopen_closed_streams()
    args = sys.argv[1:] if argv is None else argv
    if args in (["--version"], ["-V"]):
        from introducer import __version__

        try:
            sys.stdout.write(f"introducer {__version__}\n")
            sys.stdout.flush()
        except BrokenPipeError:
            return 141
        except OSError as error:
            return output_failed(error)
        return 0
    from introducer.cli.app import run
    from introducer.lifetime import end

    return end(run(args))


if __name__ == "__main__":
    sys.exit(main())
