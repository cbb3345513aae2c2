"""Entry point: `introducer` and `python -m introducer`.

`--version` is answered before Typer, rich or pydantic are imported, so scripts
that probe the tool pay a few milliseconds, not a few hundred.
"""

from __future__ import annotations

import os
import sys

#: OpenBLAS starts a pool of threads when numpy is imported: 25 ms of CPU and 65 ms of wall
#: time on a busy 2-core machine. Every product here is sparse (no BLAS call),
#: so one thread loses nothing. A value the user set is kept.
_BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "1")
#: pydantic looks for plugins (observability hooks for services) by scanning every installed
#: package's entry points the first time it builds a validator; a command line has none to run.
_NO_PYDANTIC_PLUGINS = ("PYDANTIC_DISABLE_PLUGINS", "1")


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status instead of exiting deep inside
    (after a big book, `lifetime.end` exits here instead, skipping the teardown)."""
    from introducer.streams import output_failed, reopen_closed_streams

    reopen_closed_streams()
    os.environ.setdefault(*_BLAS_THREADS)
    os.environ.setdefault(*_NO_PYDANTIC_PLUGINS)
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
