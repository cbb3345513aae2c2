"""Write the two books where every value is common, which the issue on speed names.

`repeated`: the example book's contacts copied until the book has n contacts (each
copy with its own id and a numbered name), so every value is held by thousands and
every contact has thousands of twins. `five`: every contact holds 2 of 5 client
types, 2 of 5 hobbies and 1 of 10 trades, as in a chamber where half play golf.
Seeded, so a run can be repeated.

    python benchmarks/concentrated.py repeated 138000 /tmp/repeated-138k.yaml
    python benchmarks/concentrated.py five 100000 /tmp/five-100k.yaml
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = ["startups", "restaurants", "retirees", "dentists", "young families"]
HOBBIES = ["golf", "sailing", "chess", "tennis", "yoga"]
TRADES = ["financial advisor", "web designer", "accountant", "banker", "realtor",
          "mortgage broker", "estate attorney", "insurance agent", "photographer", "caterer"]


def repeated(size: int) -> dict[str, Any]:
    """The example book, its contacts copied (ids and names numbered) up to `size`."""
    example = yaml.safe_load((ROOT / "contacts.yaml.example").read_text(encoding="utf-8"))
    originals: list[dict[str, Any]] = example["contacts"]
    contacts = []
    for number in range(size):
        copy, source = divmod(number, len(originals))
        contact = dict(originals[source])
        base = contact.get("id") or contact["name"].lower().replace(" ", "-")
        contact["id"] = f"{base}-{copy}"
        contact["name"] = f"{contact['name']} {copy}"
        contact.pop("email", None)
        # `knows:` names contacts of the same copy, so the acquaintance stays within it.
        if "knows" in contact:
            contact["knows"] = [f"{other}-{copy}" for other in contact["knows"]]
        contacts.append(contact)
    return {"me": example.get("me"), "settings": example.get("settings"), "contacts": contacts}


def five(size: int) -> dict[str, Any]:
    """Every contact: 2 of 5 client types, 2 of 5 hobbies, 1 of 10 trades."""
    rng = random.Random(7)
    return {"contacts": [
        {"name": f"Person {number}", "id": f"p{number}", "business": rng.choice(TRADES),
         "clients": rng.sample(CLIENTS, 2), "hobbies": rng.sample(HOBBIES, 2)}
        for number in range(size)
    ]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=("repeated", "five"))
    parser.add_argument("size", type=int)
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    book = repeated(args.size) if args.kind == "repeated" else five(args.size)
    with args.out.open("w", encoding="utf-8") as out:
        yaml.dump(book, out, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True)


if __name__ == "__main__":
    main()
