"""Pay read from a source's pay statement: a budget is a fixed payment for the whole project."""

import pytest

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
