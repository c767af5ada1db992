"""Pay read from a source's pay statement: a budget is a fixed payment for the whole project."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.tagging import money
from pipeline.tagging.pay import Pay, parse_pay


@pytest.mark.parametrize(
    ("text", "low", "high", "currency"),
    [
        ("Budget $250", 250, 250, "USD"),
        ("Budget: $250", 250, 250, "USD"),
        ("Budget 200-300 EUR", 200, 300, "EUR"),
        ("Project budget: £1,200", 1200, 1200, "GBP"),
    ],
)
def test_a_budget_is_a_fixed_payment(text, low, high, currency):
    pay = parse_pay([text], hours_min=10, hours_max=10)
    assert (pay.min, pay.max, pay.currency, pay.unit, pay.unpaid) == (
        low,
        high,
        currency,
        "fixed",
        False,
    )
    assert pay.per_hour == round((low + high) / 2 / 10, 2)  # the whole project's hours


def test_a_budget_that_is_not_pay_is_ignored():
    assert parse_pay(["You will manage a $500 budget for ads."]) == Pay()
    assert parse_pay(["Plan a budget of $2,000 for the launch."]) == Pay()


MONEY_PIECES = ["$", "US$", "CA$", "CN¥", "¥", "€", "£", "USD", "EUR", "SEK", "KRW", "5", "1,200"]
MONEY_PIECES += ["k", "K", ".5", " ", "\n", "-", "–", " to ", "x", "U", "S", "é", "٣"]


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(MONEY_PIECES), max_size=12).map("".join))
def test_money_is_searched_from_its_first_hint_as_from_the_start(text):
    hint = money.MONEY_HINT.search(text)
    found = [*money.MONEY.finditer(text), *money.MONEY_AFTER.finditer(text)]
    expected = sorted(found, key=lambda match: match.start()) if hint else []
    matches = money.money_matches(text, True, hint.start()) if hint else []
    assert [(m.start(), m.groups()) for m in matches] == [(m.start(), m.groups()) for m in expected]
