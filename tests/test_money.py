"""Money: exact decimals from every form an amount arrives in, half-up rounding, Indian grouping."""

from __future__ import annotations

from decimal import Decimal, localcontext

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ims_xl.money import LIMIT, format_inr, round2, to_decimal, to_decimal_or_zero

D = Decimal


@pytest.mark.parametrize(
    "value, expected",
    [
        (0, D("0")),
        (18000, D("18000")),
        (-5, D("-5")),
        (D("1234.50"), D("1234.50")),
        (0.1, D("0.1")),
        (1234.56, D("1234.56")),
        (18000.0, D("18000.0")),
        (2.675, D("2.675")),
        ("18000", D("18000")),
        ("  18000.00 ", D("18000.00")),
        ("1,23,456.78", D("123456.78")),
        ("12,34,56,789", D("123456789")),
        ("123,456.78", D("123456.78")),
        ("1,234,567", D("1234567")),
        ("1,000", D("1000")),
        ("(1,234.50)", D("-1234.50")),
        ("( 1,234.50 )", D("-1234.50")),
        ("-1,234.50", D("-1234.50")),
        ("+1,234.50", D("1234.50")),
        ("\u22121234.50", D("-1234.50")),
        ("Rs 1,000", D("1000")),
        ("Rs.1,000", D("1000")),
        ("Rs. 1,000.50", D("1000.50")),
        ("rs. 1000", D("1000")),
        ("RS 1000", D("1000")),
        ("INR 1,000", D("1000")),
        ("inr1000", D("1000")),
        ("\u20b9 1,23,456.78", D("123456.78")),
        ("\u20b91000", D("1000")),
        ("-Rs 500", D("-500")),
        ("Rs -500", D("-500")),
        ("\u20b9-500", D("-500")),
        ("(Rs 500)", D("-500")),
        ("Rs. 1,000/-", D("1000")),
        ("1 23 456", D("123456")),
        ("1\xa023\xa0456.78", D("123456.78")),
        (".5", D("0.5")),
        ("5.", D("5")),
        ("007", D("7")),
        ("999999999999999.99", D("999999999999999.99")),
    ],
)
def test_to_decimal_forms(value, expected):
    result = to_decimal(value)
    assert type(result) is Decimal
    assert result == expected
    # The same digits, not only the same value: 1234.50 keeps its paise as written.
    assert str(result) == str(expected)


def test_float_becomes_the_decimal_it_shows():
    assert to_decimal(0.1) == D("0.1") != D(0.1)
    assert to_decimal(1.1 + 2.2) == D("3.3000000000000003")  # the float really is that
    assert round2(1.1 + 2.2) == D("3.30")


@pytest.mark.parametrize(
    "value, message",
    [
        ("abc", "'abc' is not an amount. Type a number such as 1,23,456.78."),
        (True, "True is not an amount. Type a number such as 1,23,456.78."),
        (False, "False is not an amount. Type a number such as 1,23,456.78."),
        ("1.2.3", "'1.2.3' is not an amount. Type a number such as 1,23,456.78."),
        ("12,34", "'12,34' is not an amount: its commas are not thousands separators. "
                  "Type a number such as 1,23,456.78."),
    ],
)
def test_not_an_amount_messages(value, message):
    with pytest.raises(ValueError) as exc:
        to_decimal(value)
    assert str(exc.value) == message


@pytest.mark.parametrize(
    "value",
    [
        float("nan"), float("inf"), float("-inf"), D("NaN"), D("sNaN"), D("Infinity"),
        "NaN", "inf", "Infinity", "1e5", "12a", "Rs", "₹", "-", "+", "()", "(-5)", "-(5)",
        "--5", "5-", "1,2,3", "1.234,50", "12,345,67", "1,23,4567", ",123", "123,",
        "1.2.3", "USD 100", "100 Dr", "1/2", [1], {"a": 1}, b"12", object(),
    ],
)
def test_refused(value):
    with pytest.raises(ValueError, match="is not an amount"):
        to_decimal(value)


@pytest.mark.parametrize(
    "value",
    [10**15, -(10**15), 1e15, 1e300, D("1E+15"), "1000000000000000", "1,00,00,00,00,00,00,000",
     "-1,000,000,000,000,000"],
)
def test_huge_amounts_refused(value):
    with pytest.raises(ValueError, match="not a credible amount"):
        to_decimal(value)


def test_monstrous_integer_gets_a_message_not_a_crash():
    with pytest.raises(ValueError, match="^A huge number is not a credible amount"):
        to_decimal(10**5000)


def test_just_below_the_limit_is_kept():
    assert to_decimal(10**15 - 1) == LIMIT - 1


@pytest.mark.parametrize("value", [None, "", "   ", "\xa0"])
def test_blank_amount(value):
    with pytest.raises(ValueError, match="^amount missing$"):
        to_decimal(value)
    assert to_decimal_or_zero(value) == (D(0), None)


def test_to_decimal_or_zero():
    assert to_decimal_or_zero("1,000.50") == (D("1000.50"), None)
    assert to_decimal_or_zero(0) == (D(0), None)
    amount, problem = to_decimal_or_zero("abc")
    assert amount == 0 and type(amount) is Decimal
    assert problem.startswith("'abc' is not an amount") and "counts as 0" in problem
    assert to_decimal_or_zero(float("nan"))[1].startswith("nan is not an amount")


@pytest.mark.parametrize(
    "value, expected",
    [
        (D("2.345"), D("2.35")),  # half-even would give 2.34
        (D("0.125"), D("0.13")),
        (D("2.344"), D("2.34")),
        (D("-2.345"), D("-2.35")),
        (D("-0.005"), D("-0.01")),
        (D("0.004"), D("0.00")),
        (D("7"), D("7.00")),
        (7, D("7.00")),
        (2.675, D("2.68")),  # binary 2.675 is 2.67499999...: read as shown, it rounds up
        ("1,23,456.785", D("123456.79")),
    ],
)
def test_round2_half_up(value, expected):
    result = round2(value)
    assert result == expected and str(result) == str(expected)


def test_round2_ignores_a_changed_global_context():
    with localcontext() as ctx:
        ctx.prec = 3
        assert round2(D("123456.785")) == D("123456.79")


def test_to_decimal_ignores_a_changed_global_context():
    with localcontext() as ctx:
        ctx.prec = 3
        assert str(to_decimal("(1,234.50)")) == "-1234.50"
        assert format_inr(D("-1234567.8")) == "-12,34,567.80"


def test_round2_refuses_non_amounts():
    with pytest.raises(ValueError):
        round2(D("NaN"))
    with pytest.raises(ValueError):
        round2("abc")
    with pytest.raises(ValueError, match="not a credible amount"):
        round2(D("1E+30"))


@pytest.mark.parametrize(
    "value, text",
    [
        (D("0"), "0.00"),
        (D("5"), "5.00"),
        (D("999"), "999.00"),
        (D("1000"), "1,000.00"),
        (D("99999.99"), "99,999.99"),
        (D("100000"), "1,00,000.00"),
        (D("1234567.8"), "12,34,567.80"),
        (D("12345678901.234"), "12,34,56,78,901.23"),
        (D("-1000"), "-1,000.00"),
        (D("-1234567.895"), "-12,34,567.90"),
        (D("-0.001"), "0.00"),
        (D("999.995"), "1,000.00"),
        (1234567.8, "12,34,567.80"),
        ("Rs 1,00,000", "1,00,000.00"),
    ],
)
def test_format_inr(value, text):
    assert format_inr(value) == text


amounts = st.decimals(
    min_value=-(LIMIT - 1), max_value=LIMIT - 1, allow_nan=False, allow_infinity=False, places=3
)


@given(x=amounts)
def test_format_inr_reads_back_as_the_rounded_amount(x):
    assert to_decimal(format_inr(x)) == round2(x)


@given(x=amounts)
def test_round2_is_idempotent_and_close(x):
    r = round2(x)
    assert round2(r) == r
    assert abs(r - x) <= D("0.005")
    assert r.as_tuple().exponent == -2


@given(f=st.floats(min_value=-1e14, max_value=1e14, allow_nan=False))
def test_float_is_read_as_its_shortest_text(f):
    result = to_decimal(f)
    assert result == D(repr(f))
    assert float(result) == f


@given(n=st.integers(min_value=-(10**15) + 1, max_value=10**15 - 1))
def test_integers_and_their_grouped_text_agree(n):
    assert to_decimal(n) == n
    assert to_decimal(f"{n:,}") == n
    assert to_decimal(format_inr(n)) == n
