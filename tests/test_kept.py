"""advise.kept: TwoGenerations, a bounded memory that keeps what is asked again and again;
PerRuleBook, a value made once per rule book, which never keeps one alive."""

from __future__ import annotations

import gc
import random
import weakref

import pytest

from advise.kept import PerRuleBook, TwoGenerations


def test_a_value_is_made_once_while_it_is_kept() -> None:
    made: list[str] = []
    kept: TwoGenerations[str] = TwoGenerations(10)
    for _ in range(3):
        assert kept.get("a", lambda text: made.append(text) or text.upper(), "a") == "A"
    assert made == ["a"] and len(kept) == 1


def test_memory_is_at_most_two_generations_and_what_is_asked_again_stays() -> None:
    made: list[int] = []
    kept: TwoGenerations[int] = TwoGenerations(5)
    rng = random.Random(3)
    for n in range(1_000):
        assert kept.get("common", lambda: made.append(-1) or -1) == -1  # asked by every "report"
        value = rng.randrange(10_000)
        assert kept.get(value, lambda v: made.append(v) or v * 2, value) == value * 2
        assert len(kept.newer) <= 5 and len(kept.older) <= 5
    assert made.count(-1) == 1


def test_a_value_of_the_older_generation_comes_back_without_being_made_again() -> None:
    made: list[int] = []
    kept: TwoGenerations[int] = TwoGenerations(2)
    make = lambda n: made.append(n) or n  # noqa: E731
    for n in (1, 2, 3):  # 3 fills the newer one: 1 and 2 become the older
        kept.get(n, make, n)
    assert list(kept.older) == [1, 2] and list(kept.newer) == [3]
    assert kept.get(1, make, 1) == 1 and made == [1, 2, 3]
    assert list(kept.newer) == [3, 1]
    kept.get(4, make, 4)  # the newer one is full: it becomes the older, 2 is forgotten
    assert list(kept.older) == [3, 1] and list(kept.newer) == [4]
    kept.get(2, make, 2)
    assert made == [1, 2, 3, 4, 2]


def test_find_gives_a_kept_value_brings_it_back_and_never_makes_one() -> None:
    kept: TwoGenerations[str] = TwoGenerations(2)
    assert kept.find("a") is None and len(kept) == 0
    kept.keep("a", "A")
    kept.keep("b", "B")
    kept.keep("c", "C")  # the newer generation was full: a and b are the older one
    assert kept.find("a") == "A"  # brought back into the newer generation
    kept.keep("d", "D")  # the newer one (c, a) becomes the older: b is forgotten
    assert kept.find("a") == "A" and kept.find("b") is None and kept.find("d") == "D"
    kept.clear()
    assert len(kept) == 0 and kept.find("a") is None


class Book:
    """A rule book as PerRuleBook sees one: every two are equal (same files, same digest)."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Book)

    def __hash__(self) -> int:
        return 1


class Value:
    """What is kept for a book: its own object, which does not hold the book."""

    def __init__(self, book: Book, *variant: str):
        self.variant = variant


def test_a_value_is_made_once_per_rule_book_and_language() -> None:
    made: list[tuple[str, ...]] = []
    kept: PerRuleBook[Value] = PerRuleBook(lambda book, *variant: made.append(variant) or Value(book, *variant))
    book = Book()
    en, fr = kept.get(book, "en"), kept.get(book, "fr")
    assert kept.get(book, "en") is en and kept.get(book, "fr") is fr and en is not fr
    assert en.variant == ("en",) and made == [("en",), ("fr",)]
    alone = kept.get(book)  # no language: make(book)
    assert kept.get(book) is alone and alone.variant == () and len(kept) == 3


def test_two_equal_rule_books_each_get_their_own_value() -> None:
    kept: PerRuleBook[Value] = PerRuleBook(Value)
    first, second = Book(), Book()
    assert first == second and hash(first) == hash(second)
    assert kept.get(first, "en") is not kept.get(second, "en")
    assert kept.get(first, "en") is kept.get(first, "en")


def test_a_kept_value_never_keeps_its_rule_book_alive_and_goes_with_it() -> None:
    kept: PerRuleBook[Value] = PerRuleBook(Value)
    book, other = Book(), Book()
    kept.get(book, "en"), kept.get(book, "fr"), kept.get(other, "en")
    gone = weakref.ref(book)
    del book
    gc.collect()
    assert gone() is None
    assert len(kept) == 1 and kept.get(other, "en") is kept.get(other, "en")


@pytest.mark.parametrize("told", [True, False])
def test_a_rule_book_made_where_a_freed_one_was_never_gets_its_value(told: bool,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """CPython may give a new object the place (the id) of one just freed: the new rule book
    gets its own value, whether or not the freed one's reference has told the store yet.
    Every rule book here is given the same id, so that the place is taken for certain (waiting
    for CPython to reuse one made the test depend on its allocator)."""
    import advise.kept

    monkeypatch.setattr(advise.kept, "id", lambda thing: 12345, raising=False)
    kept: PerRuleBook[Value] = PerRuleBook(Value)
    if not told:
        monkeypatch.setattr(PerRuleBook, "_forget", lambda self, key, ref: None)
    first = Book()
    value = kept.get(first, "en")
    assert kept.get(first, "en") is value
    del first
    gc.collect()
    assert len(kept) == (0 if told else 1)
    second = Book()
    assert kept.get(second, "en") is not value
    assert kept.get(second, "en") is kept.get(second, "en") and len(kept) == 1


def test_at_most_size_rule_books_are_kept_the_oldest_goes() -> None:
    made: list[Book] = []
    kept: PerRuleBook[Value] = PerRuleBook(lambda book: made.append(book) or Value(book), size=3)
    books = [Book() for _ in range(10)]
    for book in books:
        kept.get(book)
        assert len(kept) <= 3
    made.clear()
    for book in books[-3:]:  # the newest three are kept
        kept.get(book)
    assert made == []
    kept.get(books[0])  # the oldest was forgotten: made again
    assert made == [books[0]] and len(kept) == 3
    kept.clear()
    assert len(kept) == 0
    kept.get(books[-1])
    assert made == [books[0], books[-1]]
