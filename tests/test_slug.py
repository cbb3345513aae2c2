"""Default ids: readable, stable, never empty for a non-empty name."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from introducer.book.schema import slugify


@pytest.mark.parametrize(
    ("name", "slug"),
    [("Zoë Ødegaard", "zoe-odegaard"), ("Ǽgean ĽdaMonté", "aegean-ldamonte"),
     ("Straße", "strasse"), ("Kevin O'Brien", "kevin-o-brien"), ("김민준", "김민준"),
     ("Dr. Amir  Haddad", "dr-amir-haddad")],
)
def test_slugs_read_as_people_would_type_them(name: str, slug: str) -> None:
    assert slugify(name) == slug


@given(st.text(min_size=1))
def test_a_slug_has_no_spaces_and_is_stable(name: str) -> None:
    slug = slugify(name)
    assert " " not in slug and not slug.startswith("-") and not slug.endswith("-")
    assert slugify(slug) == slug
