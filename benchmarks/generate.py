"""Write seeded synthetic contact books (1k, 10k, 100k contacts) for the benchmarks.

The vocabularies look like a real connector's book: a few hundred client types and
hobbies drawn with a Zipf long tail (a handful very common, most rare), businesses
from the trigger-event professions plus everyday jobs, some dated life events,
explicit asks, referral sources, active networkers, closeness and last contact.

    python benchmarks/generate.py                 # 1k, 10k and 100k into benchmarks/books/
    python benchmarks/generate.py --sizes 10000 --out /tmp/books
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import yaml

BOOKS = Path(__file__).resolve().parent / "books"
TODAY = dt.date(2026, 11, 23)
DEFAULT_SIZES = (1_000, 10_000, 100_000)
SEED = 20261123

def _items(text: str) -> list[str]:
    """A vocabulary written compactly: `|`-separated when items have spaces, else words."""
    return text.split("|") if "|" in text else text.split()


FIRST = _items(
    "Ana Ben Carla Daniel Elena Frank Grace Hiro Irene Jorge Kevin Lena Marcus Nina Olivia "
    "Peter Quinn Rosa Sam Tom Uma Victor Wendy Xavier Yuki Zoe Aisha Bruno Chloe Dmitri Eva "
    "Farah Gabriel Hana Ivan Julia Kofi Leila Mateo Noor Oscar Priya Rafael Sofia Theo Ugo "
    "Vera Wei Yara Zane Amir Bea Cyrus Dana Emil Fatima Goran Helen Ines Jonas Kim Luca Maya "
    "Nils Omar Pia Raj Sara Tariq Ulla Vikram Willa Ximena Yosef Zara"
)
LAST = _items(
    "Lopez Reed Shah Alvarez Kim Okafor Brooks Patel Fischer Bell Grant Zhao Haddad Martinez "
    "OBrien Petrova Wright Dubois Carter Rossi Hughes Novak Tran Bello Tanaka Odegaard Lang "
    "Mendes Miller Sato Nguyen Garcia Smith Jones Brown Muller Silva Costa Ivanov Kowalski "
    "Jensen Larsen Moreau Conti Yilmaz Kaya Ahmed Khan Singh Mehta Das Park Lee Chen Wang Liu "
    "Suzuki Ito Mensah Adeyemi Mwangi Cohen Levi Fraser Murphy Walsh Byrne Schmidt Weber "
    "Wagner Becker Hoffmann Romano Ricci Ferrari Esposito Santos Pereira Oliveira"
)

# The trigger-event professions (and spellings the table knows), then everyday jobs.
PROFESSIONS = _items(
    "financial advisor|real estate agent|accountant|therapist|insurance agent|mortgage broker|"
    "trusts and estates attorney|life coach|matrimonial attorney|mediator|real estate attorney|"
    "photographer|wedding planner|caterer|florist|jeweler|pediatrician|doula|life insurance agent|"
    "childcare provider|lactation consultant|moving company|home inspector|interior designer|"
    "relocation specialist|contractor|travel agent|grief counselor|funeral director|"
    "estate liquidator|business attorney|bookkeeper|banker|marketing consultant|web designer|"
    "graphic designer|commercial real estate agent|business coach|payroll provider|"
    "business broker|mergers and acquisitions attorney|business valuator|career coach|recruiter|"
    "resume writer|employment attorney|college admissions consultant|tutor|education consultant|"
    "student loan advisor|elder law attorney|geriatric care manager|senior living advisor|"
    "home care provider|senior move manager|health advocate|physical therapist|"
    "disability insurance agent|realtor|cpa|financial planner|wealth manager|divorce attorney|"
    "family therapist|estate planning attorney|loan officer|corporate attorney|web developer|"
    "family law attorney|psychotherapist|tax preparer|event planner|general contractor"
)
EVERYDAY = _items(
    "dentist|restaurant owner|software engineer|high school teacher|nurse|operations manager|"
    "engineering director|hospital administrator|product manager|architect|chiropractor|"
    "veterinarian|pharmacist|personal trainer|yoga instructor|chef|barista|data scientist|"
    "professor|journalist|graphic artist|nonprofit director|retail manager|sales director|"
    "hr manager|ux designer|electrician|plumber|landscaper|auto mechanic|pilot|librarian|"
    "social worker|police officer|firefighter|pastor|musician|film producer|copywriter|"
    "translator|optometrist|dermatologist|orthodontist|surgeon|paramedic|brewery owner|"
    "bakery owner|gym owner|salon owner|boutique owner|hotel manager|event venue owner|"
    "podcast host|cybersecurity consultant|it consultant|management consultant|lobbyist|"
    "city planner|urban farmer|winemaker|art gallery owner|tattoo artist|dog trainer"
)
CLIENT_HEADS = _items(
    "families|couples|retirees|startups|small businesses|restaurants|dentists|physicians|"
    "homeowners|home buyers|renters|students|parents|new parents|seniors|veterans|artists|"
    "nonprofits|law firms|tech companies|farmers|athletes|teachers|nurses|engineers|"
    "executives|entrepreneurs|freelancers|immigrants|expats|landlords|investors|retailers|"
    "manufacturers|clinics|schools|churches|hotels|wineries|breweries|gyms|salons"
)
CLIENT_MODIFIERS = _items(
    "|young |local |high net worth |first-time |divorcing |blended |relocating |retiring |"
    "growing |family-owned |rural |urban |luxury |self-employed |international |military "
)
HOBBY_BASE = _items(
    "sailing|chess|golf|tennis|pickleball|yoga|pottery|opera|jazz|salsa dancing|cycling|"
    "trail running|marathons|hiking|climbing|skiing|snowboarding|surfing|kayaking|fishing|"
    "birdwatching|photography|painting|knitting|woodworking|gardening|cooking|baking|"
    "wine tasting|craft beer|coffee|board games|poker|bridge|crosswords|sudoku|reading|"
    "book clubs|poetry|theatre|improv|stand-up comedy|film|anime|video games|lego|"
    "model trains|astronomy|genealogy|volunteering|mentoring|beekeeping|camping|"
    "motorcycles|classic cars|horse riding|swimming|triathlon|rowing|basketball|football|"
    "soccer|baseball|cricket|rugby|volleyball|martial arts|boxing|fencing|archery|"
    "meditation|tai chi|pilates|dance|ballet|choir|guitar|piano|violin|drums|vinyl records|"
    "antiques|stamp collecting|coin collecting|travel|languages|history|philosophy|"
    "podcasts|blogging|calligraphy|origami|scuba diving|paragliding|sailing regattas"
)
HOBBY_MODIFIERS = ("", "competitive ", "vintage ", "amateur ", "urban ")
EVENTS = _items("divorce|marriage|new baby|relocation|home purchase|retirement|death in the family|"
          "business launch|business sale|job loss|college|ageing parents|health crisis|"
          "moving|wedding|career change|startup")
WANT_FORMS = ("{noun}", "an intro to {a}", "someone who is {a}", "introduction to {a}",
              "a good {noun}")
COMPANY_SUFFIX = ("Partners", "Group", "Law", "Advisors", "Consulting", "Realty", "Studio",
                  "& Co", "Inc", "LLC", "Associates", "Health", "Labs")


def plural(noun: str) -> str:
    """Good enough for job titles in a synthetic book."""
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    if noun.endswith(("s", "sh", "ch", "x")):
        return noun + "es"
    return noun + "s"


def with_article(noun: str) -> str:
    return ("an " if noun[0] in "aeiou" else "a ") + noun


def zipf(size: int, exponent: float = 1.1) -> np.ndarray:
    """Probabilities of a Zipf long tail over `size` ranked items."""
    weights = 1.0 / np.arange(1, size + 1) ** exponent
    return weights / weights.sum()


class Vocabulary:
    """Shuffled vocabularies with Zipf weights, drawn from one seeded generator."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        clients = [m + h for h in CLIENT_HEADS for m in CLIENT_MODIFIERS]
        hobbies = [m + h for h in HOBBY_BASE for m in HOBBY_MODIFIERS]
        sources = [plural(p) for p in PROFESSIONS + EVERYDAY]
        self.clients = self._ranked(clients)
        self.hobbies = self._ranked(hobbies)
        self.sources = self._ranked(sources)
        self.professions = self._ranked(list(PROFESSIONS))
        self.everyday = self._ranked(list(EVERYDAY))

    def _ranked(self, items: list[str]) -> tuple[list[str], np.ndarray]:
        order = self.rng.permutation(len(items))
        return [items[i] for i in order], np.cumsum(zipf(len(items)))

    def pick(self, vocab: tuple[list[str], np.ndarray], low: int, high: int) -> list[str]:
        """Between low and high distinct items, the common ones far more often."""
        items, cumulative = vocab
        count = min(int(self.rng.integers(low, high + 1)), len(items))
        chosen: list[str] = []
        while len(chosen) < count:
            at = int(np.searchsorted(cumulative, self.rng.random() * cumulative[-1]))
            if items[at] not in chosen:
                chosen.append(items[at])
        return chosen


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")


def one_of(rng: np.random.Generator, items: Sequence[str]) -> str:
    """`rng.choice(items)`, the same draw, without copying `items` into an array each time
    (the list of companies grows with the book: that copy made 1M contacts quadratic)."""
    return items[int(rng.integers(0, len(items)))]


class Ids:
    """The ids given so far, in order, and a set to tell a repeat."""

    def __init__(self) -> None:
        self.order: list[str] = []
        self.seen: set[str] = set()

    def add(self, ident: str) -> None:
        self.order.append(ident)
        self.seen.add(ident)


def contact(rng: np.random.Generator, vocab: Vocabulary, index: int, ids: Ids,
            companies: list[str]) -> dict[str, Any]:
    """One synthetic contact; about half are professionals serving trigger events."""
    name = f"{one_of(rng, FIRST)} {one_of(rng, LAST)}"
    ident = slug(name)
    if ident in ids.seen:
        ident = f"{ident}-{index}"
    ids.add(ident)
    professional = rng.random() < 0.55
    business = vocab.pick(vocab.professions if professional else vocab.everyday, 1, 1)[0]
    entry: dict[str, Any] = {"name": name, "id": ident, "email": f"{ident}@example.com"}
    if rng.random() < 0.7:
        company = f"{one_of(rng, LAST)} {one_of(rng, COMPANY_SUFFIX)}"
        companies.append(company)
        entry["company"] = company
    entry["business"] = business
    if clients := vocab.pick(vocab.clients, 1 if professional else 0, 4 if professional else 1):
        entry["clients"] = clients
    if sources := vocab.pick(vocab.sources, 0, 3 if professional else 1):
        entry["referral_sources"] = sources
    if hobbies := vocab.pick(vocab.hobbies, 0, 4):
        entry["hobbies"] = hobbies
    if professional and rng.random() < 0.05:
        serves = rng.choice(EVENTS, size=int(rng.integers(1, 3)), replace=False)
        entry["serves"] = [str(event) for event in serves]
    if rng.random() < 0.12:
        events: list[Any] = []
        for event in rng.choice(EVENTS, size=int(rng.integers(1, 3)), replace=False):
            if rng.random() < 0.7:
                when = TODAY + dt.timedelta(days=int(rng.integers(-720, 120)))
                events.append({"event": str(event), "date": when})
            else:
                events.append(str(event))
        entry["events"] = events
    if rng.random() < 0.08:
        wants = []
        for profession in vocab.pick(vocab.professions, 1, 2):
            if companies and rng.random() < 0.25:
                wants.append(f"anyone at {one_of(rng, companies)}")
            else:
                form = WANT_FORMS[int(rng.integers(len(WANT_FORMS)))]
                wants.append(form.format(noun=profession, a=with_article(profession)))
        entry["wants"] = wants
    roll = rng.random()
    if roll < 0.3:
        entry["networker"] = "active"
    elif roll < 0.5:
        entry["networker"] = "passive"
    if rng.random() < 0.8:
        entry["closeness"] = int(rng.integers(1, 6))
        entry["last_contact"] = TODAY - dt.timedelta(days=int(rng.integers(0, 1100)))
    if rng.random() < 0.2:
        entry["groups"] = [f"group {int(rng.integers(1, 40))}"]
    if rng.random() < 0.01:
        entry["introduce"] = False
    if index > 10 and rng.random() < 0.005:
        entry["avoid"] = [ids.order[int(rng.integers(len(ids.order) - 1))]]
    return entry


HEADER = {"me": {"name": "Bench Mark"}, "settings": {"weekly_goal": 5}}
# Contacts dumped at a time: a 1M book is written in bounded memory.
_CHUNK = 20_000


def contacts(size: int, seed: int = SEED) -> Iterator[dict[str, Any]]:
    """The synthetic contacts one by one, the same for the same size and seed."""
    rng = np.random.default_rng([seed, size])
    vocab = Vocabulary(rng)
    ids = Ids()
    companies: list[str] = []
    for i in range(size):
        yield contact(rng, vocab, i, ids, companies)


def book(size: int, seed: int = SEED) -> dict[str, Any]:
    """A whole synthetic book as plain data, the same for the same size and seed."""
    return {**HEADER, "contacts": list(contacts(size, seed))}


def _dump(data: Any) -> str:
    return yaml.dump(data, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True,
                     default_flow_style=None, width=200)


def book_text(size: int, seed: int = SEED) -> Iterator[str]:
    """The book's YAML in pieces, byte for byte `_dump(book(size, seed))`: PyYAML writes a
    sequence under a top-level key without indenting it, as it writes a top-level one."""
    yield _dump(HEADER) + "contacts:\n"
    chunk: list[dict[str, Any]] = []
    for entry in contacts(size, seed):
        chunk.append(entry)
        if len(chunk) == _CHUNK:
            yield _dump(chunk)
            chunk = []
    if chunk:
        yield _dump(chunk)


def write(size: int, folder: Path, seed: int = SEED) -> Path:
    """Write the book of `size` contacts (once; an existing file is reused). Other seeds than
    the default are named after theirs; the file appears whole or not at all."""
    folder.mkdir(parents=True, exist_ok=True)
    name = f"contacts-{size}.yaml" if seed == SEED else f"contacts-{size}-seed{seed}.yaml"
    path = folder / name
    if not path.exists():
        partial = path.with_name(path.name + ".partial")
        with partial.open("w", encoding="utf-8") as handle:
            for piece in book_text(size, seed):
                handle.write(piece)
        partial.replace(path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--out", type=Path, default=BOOKS)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    for size in args.sizes:
        print(write(size, args.out, args.seed))


if __name__ == "__main__":
    main()
