"""`introducer draft`: introduction emails as files, an mbox, mailto: URLs or IMAP drafts."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from introducer.cli.console import say
from introducer.cli.options import BookOption, StateOption
from introducer.cli.render import write_stdout
from introducer.cli.session import (
    history_view,
    open_book,
    open_ledger,
    read_entries,
    refuse_writing_book,
    today,
    user_errors,
)
from introducer.errors import IntroducerError, UsageError

if TYPE_CHECKING:
    from introducer.book.model import Book
    from introducer.drafts.build import Draft, Drafter, DraftKind
    from introducer.drafts.imap import ImapTarget
    from introducer.ledger.entries import Entry
    from introducer.ledger.store import Ledger
    from introducer.match.history import HistoryView
    from introducer.match.score import Suggestion


class DraftFormat(StrEnum):
    eml = "eml"
    mbox = "mbox"


def _pairs(book: Book, first: str | None, second: str | None, top: int | None,
           per_person: int, history: HistoryView) -> list[Suggestion]:
    """The pairs to draft: the two named, or the best `top` not already in the history."""
    from introducer.book.find import find_contact
    from introducer.match.rank import Matchmaker

    if top is not None and (first or second):
        raise UsageError("give two contacts or --top N, not both")
    if top is None and not (first and second):
        raise UsageError("name two contacts (draft A B), or use --top N for the best "
                         "suggestions")
    matchmaker = Matchmaker(book, today=today(), history=history)
    if top is not None:
        found = matchmaker.suggest(top=top, per_person=per_person)
        if not found:
            raise IntroducerError("no suggestions to draft (see `introducer suggest`)")
        return found
    assert first is not None and second is not None
    a, b = find_contact(book.contacts, first), find_contact(book.contacts, second)
    if a.id == b.id:
        raise UsageError(f'"{first}" and "{second}" are the same contact ({a.id})')
    pair = matchmaker.explain(a, b)
    if pair.excluded:
        say(f"note: this pair is never suggested ({pair.excluded}); drafting it as asked")
    if pair.history and not pair.history.startswith("accepted"):  # a yes is why one drafts
        say(f"note: the history already has this pair ({pair.history}); drafting it as asked")
    return [pair]


def _delivery(stdout: bool, mailto: bool, imap: bool, output: DraftFormat,
              mbox: Path | None) -> str:
    if mbox is not None:
        output = DraftFormat.mbox
    chosen = [name for name, on in (("stdout", stdout), ("mailto", mailto), ("imap", imap),
                                    ("mbox", output is DraftFormat.mbox)) if on]
    if len(chosen) > 1:
        raise UsageError("choose one of --stdout, --mailto, --imap, --format mbox")
    if chosen == ["mbox"] and mbox is None:
        raise UsageError("--format mbox needs --mbox FILE")
    return chosen[0] if chosen else "eml"


def warn_missing(book: Book, drafts: list[Draft]) -> None:
    """Warn once per contact whose missing email left a placeholder in the drafts (shared
    with `today --interactive`, which writes drafts too)."""
    from introducer.drafts.context import PLACEHOLDER_ADDRESS

    seen: set[str] = set()
    for draft in drafts:
        for who in draft.missing:
            if who.id in seen:
                continue
            seen.add(who.id)
            where = f"{book.path}:{who.line}" if who.line else str(book.path)
            say(f'warning: {where}: contact "{who.name}" has no email; the draft is addressed '
                f"to {PLACEHOLDER_ADDRESS}: fill in the address before sending")


def draft(
    ctx: typer.Context,
    first: Annotated[str | None, typer.Argument(metavar="A", help="A contact (id or name).",
                                                show_default=False)] = None,
    second: Annotated[str | None, typer.Argument(metavar="B", help="Another contact.",
                                                 show_default=False)] = None,
    opt_in: Annotated[bool, typer.Option(
        "--opt-in", help="Two private asks, one to each side, not the joint intro.")] = False,
    follow_up: Annotated[bool, typer.Option(
        "--follow-up", help="A short check-in to both: did you connect?")] = False,
    top: Annotated[int | None, typer.Option(
        "--top", "-n", min=1, help="Draft the top N current suggestions.",
        show_default=False)] = None,
    per_person: Annotated[int, typer.Option(
        min=0, help="With --top: at most this many drafts per person (0: no cap).")] = 2,
    out: Annotated[Path, typer.Option(
        "--out", "-o", help="Folder for .eml files (created if missing).")] = Path("drafts"),
    output: Annotated[DraftFormat, typer.Option(
        "--format", "-f", case_sensitive=False,
        help="eml: one file per draft in --out; mbox: append to --mbox FILE.")] = DraftFormat.eml,
    mbox: Annotated[Path | None, typer.Option(
        help="The mbox file to append to (implies --format mbox).", show_default=False)] = None,
    stdout: Annotated[bool, typer.Option(
        "--stdout", help="Print the messages instead of writing files.")] = False,
    mailto: Annotated[bool, typer.Option(
        "--mailto", help="Print one mailto: URL per draft (RFC 6068).")] = False,
    imap: Annotated[bool, typer.Option(
        "--imap", help="Append to the IMAP Drafts folder (settings.imap, "
        "$INTRODUCER_IMAP_*).")] = False,
    template: Annotated[Path | None, typer.Option(
        "--template", help="Folder with intro.txt.j2 / opt_in.txt.j2 / follow_up.txt.j2 to use "
        "instead of the built-in ones (default: templates/ beside the book).",
        show_default=False)] = None,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Show what would be written; write nothing.")] = False,
    record: Annotated[bool, typer.Option(
        "--record", help="Once the drafts are written, record the introductions (with "
        "--opt-in: the asks) in the history.")] = False,
    joint: Annotated[bool, typer.Option(
        "--joint", help="One joint introduction even where one side lives through a "
        "sensitive event (the default there is --opt-in).")] = False,
    force: Annotated[bool, typer.Option(
        "--force", help="Draft a pair with nothing in common, or a weak one.")] = False,
    say_text: Annotated[str | None, typer.Option(
        "--say", metavar="TEXT", help='Your own sentence for each draft: --say "We met at '
        'the chamber mixer."', show_default=False)] = None,
    edit: Annotated[bool, typer.Option(
        "--edit", help="Open each draft in $VISUAL or $EDITOR first; a draft you close "
        "without saving is not written or recorded.")] = False,
    state: StateOption = None,
    book: BookOption = None,
) -> None:
    """Draft the introduction email for two contacts (or opt-in asks, or a follow-up).

    Examples:

    \b
      introducer draft maria tom
      introducer draft maria jorge --opt-in --stdout
      introducer draft --top 3 --dry-run
    """
    from introducer.drafts.build import Drafter, personal_line
    from introducer.drafts.context import sender
    from introducer.drafts.templates import Templates, template_folders

    with user_errors():
        for flags, names in (((opt_in, follow_up), "--opt-in and --follow-up"),
                             ((opt_in, joint), "--opt-in and --joint"),
                             ((joint, follow_up), "--joint and --follow-up"),
                             ((edit, dry_run), "--edit and --dry-run")):
            if all(flags):
                raise UsageError(f"{names} do not go together")
        if say_text is not None:
            personal_line(say_text)  # a usage error before anything is read
        if record and follow_up:
            raise UsageError("--record records introductions and asks, not follow-ups; record "
                             "how it went with `introducer outcome A B RESULT`")
        how = _delivery(stdout, mailto, imap, output, mbox)
        loaded = open_book(ctx, book)
        _refuse_writing_book(ctx, loaded, state, how, out, mbox)
        sender(loaded)  # no From address: fail before anything else
        entries_now = read_entries(ctx, loaded, state)
        history = history_view(loaded, entries_now, today())
        pairs = _pairs(loaded, first, second, top, per_person, history)
        drafter = Drafter(loaded, Templates(template_folders(template, loaded.path)), today())
        asked: DraftKind | None = ("ask" if opt_in else "follow_up" if follow_up
                                   else "intro" if joint else None)
        planned = _planned(drafter, pairs, asked, force, entries_now, say_text)
        if edit:
            planned = _edited(drafter, planned)
        pairs = [pair for pair, _ in planned]
        drafts = [d for _, batch in planned for d in batch]
        warn_missing(loaded, drafts)
        target = None
        if how == "imap":
            from introducer.drafts import imap as imap_delivery

            target = imap_delivery.resolve_target(loaded.settings.imap)
        entries = _entries(planned) if record else []
        if dry_run:
            _dry_run(drafts, how, out, mbox)
            if entries:
                say(f"dry run: would record {_count_pairs(entries)}; nothing was recorded")
            return
        # Opened before anything is delivered: a broken state file stops the command
        # before drafts go out unrecorded.
        ledger = open_ledger(ctx, loaded, state) if entries else None
        try:
            _deliver(drafts, how, out, mbox, target)
            if ledger is not None:
                _record(ledger, entries, loaded)
        finally:
            if ledger is not None:
                ledger.close()


def _refuse_writing_book(ctx: typer.Context, book: Book, state: Path | None, how: str,
                         out: Path, mbox: Path | None) -> None:
    """Before anything is drafted: an mbox (appended to) or an --out folder that is the
    book, or its state file, under any name is refused, dry run or not."""
    if how == "mbox":
        assert mbox is not None
        refuse_writing_book(ctx, book.path, mbox, "--mbox file", state)
    elif how == "eml":
        refuse_writing_book(ctx, book.path, out, "--out folder", state)


def _deliver(drafts: list[Draft], how: str, out: Path, mbox: Path | None,
             target: ImapTarget | None) -> None:
    from introducer.drafts import deliver

    if how == "stdout":
        from introducer.drafts.message import as_text

        write_stdout("\n".join(as_text(d.message) for d in drafts))
    elif how == "mailto":
        write_stdout("".join(deliver.mailto_url(d) + "\n" for d in drafts))
    elif how == "mbox":
        assert mbox is not None
        deliver.append_mbox(drafts, mbox)
        say(f"appended {_count(drafts)} to {mbox}")
    elif how == "imap":
        from introducer.drafts import imap as imap_delivery

        assert target is not None
        password = imap_delivery.password_for(target)
        folder = imap_delivery.append_drafts(target, password, [d.message for d in drafts])
        say(f"appended {_count(drafts)} to {folder} on {target.host}")
    else:
        paths = deliver.write_eml(drafts, out, today())
        write_stdout("".join(f"{path}\n" for path in paths))
        say(f"wrote {_count(drafts)} to {out}")


def _planned(drafter: Drafter, pairs: list[Suggestion], asked: DraftKind | None, force: bool,
             entries: list[Entry], say_text: str | None) -> list[tuple[Suggestion, list[Draft]]]:
    """Each pair with its drafts, of the kind the core's rules choose (notes on stderr);
    follow-ups fit where the ledger says each pair stands."""
    from introducer.cli.pair_drafts import draft_kind
    from introducer.drafts.plan import follow_up_stage
    from introducer.ledger.views import pair_stories

    stories = pair_stories(entries) if asked == "follow_up" else {}
    planned = []
    for pair in pairs:
        if asked == "follow_up":
            story = stories.get((pair.a.id, pair.b.id))
            stage = follow_up_stage(story.stage if story else None)
            planned.append((pair, drafter.follow_up_for(pair, stage, say=say_text)))
            continue
        kind = draft_kind(drafter, pair, asked, force=force)
        planned.append((pair, drafter.drafts_for(pair, kind, say=say_text)))
    return planned


def _edited(drafter: Drafter, planned: list[tuple[Suggestion, list[Draft]]]
            ) -> list[tuple[Suggestion, list[Draft]]]:
    """Each draft as the user left it in their editor; a pair with a draft closed
    unsaved is dropped (not written, not recorded)."""
    from introducer.cli.editor import edit

    kept = []
    for pair, batch in planned:
        revised = []
        for draft in batch:
            text = edit(draft.text)
            if text is None:
                break
            revised.append(drafter.revised(draft, text))
        if len(revised) < len(batch):
            say(f"not saved in the editor: skipped {pair.a.name} and {pair.b.name}")
            continue
        kept.append((pair, revised))
    if not kept:
        raise IntroducerError("no draft was saved in the editor; nothing written")
    return kept


def _entries(planned: list[tuple[Suggestion, list[Draft]]]) -> list[Entry]:
    from introducer.drafts.plan import recorded_as
    from introducer.ledger.entries import Entry

    return [Entry(kind=recorded_as(batch[0].kind), a=pair.a.id, b=pair.b.id, date=today())
            for pair, batch in planned]


def _record(ledger: Ledger, entries: list[Entry], book: Book) -> None:
    """All pairs in one transaction, after the drafts are out."""
    from introducer.cli.ledger_input import confirmation, names_of, warn_about_earlier

    names = names_of(book)
    history = ledger.entries()
    for entry in entries:
        warn_about_earlier(history, entry, names)
    ledger.add(*entries)
    for entry in entries:
        say(f"recorded: {confirmation(entry, names)}")


def _count_pairs(entries: list[Entry]) -> str:
    what = "ask" if entries[0].kind == "asked" else "introduction"
    return f"1 {what}" if len(entries) == 1 else f"{len(entries)} {what}s"


def _count(drafts: list[Draft]) -> str:
    return "1 draft" if len(drafts) == 1 else f"{len(drafts)} drafts"


def _dry_run(drafts: list[Draft], how: str, out: Path, mbox: Path | None) -> None:
    from introducer.drafts import deliver

    if how == "eml":
        targets = [str(p) for p in deliver.planned_paths(drafts, out, today())]
    else:
        targets = [how if how != "mbox" else str(mbox)] * len(drafts)
    write_stdout("".join(f"{target}\tTo: {d.recipients}\tSubject: {d.subject}\n"
                         for target, d in zip(targets, drafts, strict=True)))
    say(f"dry run: {_count(drafts)} would be written; nothing was")
