"""The email texts are Jinja2 templates: shipped in the package, overridable per file.

A template renders to `Subject: ...`, a blank line, then the body. Undefined
variables are errors (StrictUndefined) that name the template file and line,
never a silent blank in an email someone will send.
"""

from __future__ import annotations

import traceback
from collections.abc import Mapping
from importlib.resources import files
from pathlib import Path
from typing import Any

import jinja2

from introducer.errors import IntroducerError

TEMPLATE_NAMES = {"intro": "intro.txt.j2", "ask": "opt_in.txt.j2", "follow_up": "follow_up.txt.j2",
                  "hello": "hello.txt.j2"}


class TemplateError(IntroducerError):
    """A template is missing, malformed, or uses a variable the context does not have."""


def builtin_folder() -> Path:
    return Path(str(files("introducer.drafts").joinpath("templates")))


def template_folders(explicit: Path | None, book_path: Path) -> list[Path]:
    """`--template DIR`, else `templates/` beside the book, then the built-in templates."""
    folders = []
    if explicit is not None:
        if not explicit.is_dir():
            raise TemplateError(f"{explicit}: not a folder of templates "
                                f"(expected {', '.join(sorted(TEMPLATE_NAMES.values()))})")
        folders.append(explicit)
    else:
        beside = book_path.parent / "templates"
        if beside.is_dir():
            folders.append(beside)
    folders.append(builtin_folder())
    return folders


class Templates:
    """Renders the draft templates from the first folder that has each one."""

    def __init__(self, folders: list[Path]) -> None:
        self.environment = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(folder) for folder in folders]),
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )

    def render(self, kind: str, context: Mapping[str, Any]) -> tuple[str, str]:
        """(subject, body) from the template for `kind`."""
        name = TEMPLATE_NAMES[kind]
        try:
            template = self.environment.get_template(name)
        except jinja2.TemplateSyntaxError as error:
            where = error.filename or name
            raise TemplateError(f"{where}:{error.lineno}: template syntax error: {error.message}"
                                ) from None
        except jinja2.TemplateNotFound:
            raise TemplateError(f"template {name} not found") from None
        try:
            text = template.render(context)
        except Exception as error:
            where = _template_frame(error, template.filename or name)
            raise TemplateError(f"{where}: {type(error).__name__}: {error}") from None
        return split_subject(text, template.filename or name)


def _template_frame(error: BaseException, filename: str) -> str:
    """`file:line` of the innermost template frame (Jinja rewrites tracebacks to point there)."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename.endswith(".j2")]
    if frames:
        return f"{frames[-1].filename}:{frames[-1].lineno}"
    return filename


def split_subject(text: str, filename: str) -> tuple[str, str]:
    head, _, body = text.lstrip("\n").partition("\n")
    if not head.startswith("Subject:"):
        raise TemplateError(f"{filename}:1: a draft template starts with `Subject: ...`, "
                            "then a blank line, then the body")
    subject = head.removeprefix("Subject:").strip()
    if not subject:
        raise TemplateError(f"{filename}:1: the subject is empty")
    return subject, body.lstrip("\n").rstrip() + "\n"
