"""Time `read_vcards` on a generated phone-style export of 10,000 cards.

The mix looks like a real export: mostly vCard 3.0 with item groups, phones and
addresses, every fifth card a vCard 2.1 quoted-printable one, every tenth with a
folded base64 photo, CR LF line ends. Not part of `make test`.

    python benchmarks/bench_import_vcard.py            # 10,000 cards, median of 3
    python benchmarks/bench_import_vcard.py --cards 50000 --runs 1
"""

from __future__ import annotations

import argparse
import base64
import random
import statistics
import time
from collections.abc import Callable

import vobject

from introducer.importers.vcard import read_vcards

FIRST = ["Ana", "Bob", "Chloé", "Dmitri", "Élodie", "Farid", "Grace", "Hiroshi", "Inés"]
LAST = ["Ortiz", "Smith", "Müller", "Nguyen", "O'Brien", "García", "Kowalski", "Tanaka"]


def generate(cards: int, seed: int = 1) -> bytes:
    """A deterministic export with `cards` cards."""
    rng = random.Random(seed)
    photo = base64.b64encode(rng.randbytes(3000)).decode()
    folded = "\r\n ".join(photo[i : i + 74] for i in range(0, len(photo), 74))
    out: list[str] = []
    for i in range(cards):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        email = f"{first.lower()}.{i}@example.com"
        if i % 5 == 4:
            qp = "".join(f"={b:02X}" for b in f"{first} {last}".encode())
            out.append(
                "BEGIN:VCARD\r\nVERSION:2.1\r\n"
                f"N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:{qp};;;;\r\n"
                f"FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:{qp[:30]}=\r\n{qp[30:]}\r\n"
                f"TEL;CELL;PREF:+1555{i:07d}\r\nEMAIL;PREF;INTERNET:{email}\r\n"
                "CATEGORIES:My Contacts\r\nEND:VCARD\r\n"
            )
            continue
        lines = [
            "BEGIN:VCARD",
            "VERSION:3.0",
            "PRODID:-//Apple Inc.//iOS 17//EN",
            f"N:{last};{first};;;",
            f"FN:{first} {last}",
            f"ORG:Company {i % 700};Dept",
            "TITLE:estate attorney",
            f"item1.EMAIL;type=INTERNET;type=pref:{email}",
            "item1.X-ABLabel:_$!<Other>!$_",
            f"EMAIL;type=INTERNET;type=WORK:work.{i}@example.org",
            f"TEL;type=CELL;type=VOICE;type=pref:+1 555 {i:07d}",
            f"item2.ADR;type=HOME;type=pref:;;{i} Main St;Springfield;IL;62701;USA",
            "item2.X-ABADR:us",
            "NOTE:Met at the chamber mixer\\, talked about sailing.",
            "CATEGORIES:tuesday breakfast,chamber",
        ]
        if i % 10 == 0:
            lines.append(f"PHOTO;ENCODING=b;TYPE=JPEG:{folded}")
        lines.append("END:VCARD")
        out.append("\r\n".join(lines) + "\r\n")
    return "".join(out).encode("utf-8")


def _median_seconds(run: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        run()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    data = generate(args.cards)
    result = read_vcards(data, "bench.vcf")
    assert len(result.contacts) == args.cards, result.problems[:3]
    errors = sum(p.severity == "error" for p in result.problems)
    ours = _median_seconds(lambda: read_vcards(data, "bench.vcf"), args.runs)
    # The floor: vobject alone, no normalising, no mapping, on the cards it can parse at
    # all (it fails on 2.1 quoted-printable soft breaks), scaled to the whole file.
    cards = data.decode("utf-8").split("END:VCARD\r\n")
    clean = [card + "END:VCARD\r\n" for card in cards if card and "QUOTED-PRINTABLE" not in card]
    text = "".join(clean)
    bare = _median_seconds(lambda: list(vobject.readComponents(text)), args.runs)
    bare *= args.cards / len(clean)
    print(
        f"vCard import, {args.cards:,} cards ({len(data) / 1e6:.1f} MB), median of {args.runs}: "
        f"read_vcards {ours:.2f} s, bare vobject.readComponents {bare:.2f} s, "
        f"ratio {ours / bare:.2f}x, {errors} errors"
    )


if __name__ == "__main__":
    main()
