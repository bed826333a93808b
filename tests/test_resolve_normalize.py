"""Normalisation: the forms sources write one title in all reduce to the same key."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reelradar.resolve.normalize import fold, normalize


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("The Godfather", "Godfather, The"),
        ("The Godfather", "GODFATHER"),
        ("The Godfather", "the godfather (1972)"),
        ("Rocky II", "Rocky 2"),
        ("Fast & Furious", "Fast and Furious"),
        ("Amélie", "Amelie"),
        ("Les Misérables", "Miserables, Les"),
        ("Das Boot", "Boot"),
        ("L'Avventura", "Avventura"),
        ("La dolce vita", "Dolce vita, La"),
        ("Ocean's Eleven", "Oceans Eleven"),
        ("Spider-Man", "Spider Man"),
        ("Ballard", "Ballard: Season 1"),
        ("Ballard", "Ballard (Season 2)"),
        ("Bosch", "Bosch - Staffel 3"),
        ("Straße", "Strasse"),
        ("Twelve Monkeys", "12 Monkeys"),
        ("Ocean's Eleven", "Ocean's 11"),
        ("Twenty-One Jump Street", "21 Jump Street"),
        ("Se7en", "Seven"),
        ("Alien³", "Alien 3"),
        ("Kill Bill: Vol. 1", "Kill Bill: Volume 1"),
        ("The Good, the Bad and the Ugly", "Good, the Bad and the Ugly, The"),
        ("Le fabuleux destin d'Amélie Poulain", "Fabuleux destin d'Amélie Poulain, Le"),
        ("Jagten", "Jagten, En"),
        ("L'Avventura", "Avventura, L'"),
        ("Hustle", "Hustle (I)"),
        ("Heat", "Heat (Director's Cut)"),
        ("Léon", "Léon a.k.a. The Professional"),
    ],
)
def test_forms_of_one_title_share_a_key(a: str, b: str) -> None:
    assert normalize(a).key == normalize(b).key


@pytest.mark.parametrize(("a", "b"), [("Alien", "Aliens"), ("Rocky", "Rocky II"), ("Heat", "Heat Wave"),
                                      ("Bosch", "Bosch: Legacy")])
def test_different_titles_keep_different_keys(a: str, b: str) -> None:
    assert normalize(a).key != normalize(b).key


def test_other_names_and_subtitles_as_services_write_them() -> None:
    assert normalize("Spirited Away (Sen to Chihiro no kamikakushi)").main == "spirited away"
    assert normalize("Spirited Away (Sen to Chihiro no kamikakushi)").alt == "Sen to Chihiro no kamikakushi"
    assert normalize("Oldboy / Oldeuboi").alt == "Oldeuboi"
    assert normalize("Dr. Strangelove or: How I Learned to Stop Worrying").main == "dr strangelove"
    assert normalize("Birdman or (The Unexpected Virtue of Ignorance)").main == "birdman"
    assert normalize("Heat (Director's Cut)").alt is None and normalize("Hustle (I)").alt is None
    assert normalize("Now or Never").main == "now or never"  # "or" alone starts no subtitle
    assert normalize("Old Boy").squashed == normalize("Oldboy").squashed == ("oldboy",)
    assert normalize("M*A*S*H").squashed == normalize("MASH").squashed


def test_subtitle_season_and_bracketed_year_are_taken_off() -> None:
    n = normalize("Star Wars: Episode IV - A New Hope")
    assert n.main == "star wars" and n.key == "star wars episode 4 a new hope"
    assert normalize("Godfather, The (1972)").year == 1972
    assert normalize("Ballard: Season 1").season == 1
    assert normalize("Bosch S3").season == 3
    assert normalize("Season 3").season is None  # a title that is only a season word stays a title


def test_a_pronoun_starting_a_title_is_not_a_numeral() -> None:
    assert normalize("I, Robot").key == "robot"
    assert normalize("Rocky I").key == "rocky 1"


WORD = st.from_regex(r"[a-z]{3,9}", fullmatch=True)


@given(st.lists(WORD, min_size=1, max_size=4), st.integers(1900, 2030))
def test_case_article_and_bracketed_year_never_change_the_key(words: list[str], year: int) -> None:
    title = " ".join(words)
    key = normalize(title).key
    assert normalize(title.upper()).key == key
    assert normalize(f"{title} ({year})").key == key
    assert normalize(f"{title} ({year})").year == year
    if normalize(f"The {title}").key != "":
        assert normalize(f"The {title}").key == normalize(f"{title}, The").key


@given(st.text(max_size=40))
def test_fold_is_idempotent(text: str) -> None:
    once = fold(text)
    assert fold(once) == once
