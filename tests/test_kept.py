"""advise.kept.TwoGenerations: a bounded memory that keeps what is asked again and again."""

from __future__ import annotations

import random

from advise.kept import TwoGenerations


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
