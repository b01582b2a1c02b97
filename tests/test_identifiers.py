"""Identifiers on a Bill of Entry: valid, invalid and Excel-mangled values."""

from __future__ import annotations

import string
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)
from stdnum.in_ import gstin as stdnum_gstin

from ims_xl.identifiers import boe_number, gstin, iec, port_code

ALNUM = string.digits + string.ascii_uppercase
MODULES = [gstin, port_code, boe_number, iec]

# Anything a cell, a JSON file or a caller might hand over.
any_value = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.text(),
    st.binary(max_size=20),
    st.lists(st.integers(), max_size=3),
    st.dates(),
)


def with_check(first14: str) -> str:
    return first14 + gstin.check_character(first14)


# --- common contract ---------------------------------------------------------------------


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
@given(value=any_value)
def test_is_valid_and_problem_never_raise(module, value):
    ok = module.is_valid(value)
    text = module.problem(value)
    assert isinstance(ok, bool)
    # problem() is None exactly when the value is valid, else a sentence to show the user.
    assert (text is None) == ok
    if text is not None:
        assert text.endswith(".") and len(text) < 250


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
@given(
    value=st.one_of(
        st.text(), st.integers(), st.floats(allow_nan=False), st.decimals(allow_nan=False)
    )
)
def test_compact_is_idempotent(module, value):
    try:
        once = module.compact(value)
    except ValidationError:
        return  # a type the module refuses outright (floats for a GSTIN)
    assert module.compact(once) == once


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
@pytest.mark.parametrize(
    "value",
    [10**5000, -(10**5000), Decimal("1E+999999999"), Decimal("-1E+999999999"), 1e308],
    ids=["int", "-int", "decimal", "-decimal", "float"],
)
def test_monstrous_numbers_are_plain_problems(module, value):
    # Python refuses str() of a 5000-digit int; the message must not need it.
    text = module.problem(value)
    assert text is not None and len(text) < 250
    assert module.is_valid(value) is False


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
@pytest.mark.parametrize("blank", [None, "", "   ", "\xa0"])
def test_blank_is_missing(module, blank):
    with pytest.raises(InvalidLength, match="missing"):
        module.validate(blank)
    assert module.is_valid(blank) is False


# --- GSTIN -------------------------------------------------------------------------------

VALID_GSTINS = ["27AAPFU0939F1ZV", "24AAUPV7468F1ZW", "33ABBFR2298H1Z5", "29ABACS0877M1ZS"]


@pytest.mark.parametrize("value", VALID_GSTINS)
def test_gstin_valid(value):
    assert gstin.validate(value) == value
    assert gstin.is_valid(value) is True
    assert gstin.problem(value) is None
    assert gstin.check_character(value[:14]) == value[14]
    assert gstin.state_code(value) == value[:2]


@pytest.mark.parametrize(
    "raw",
    [" 27aapfu0939f1zv ", "27-AAPFU-0939F-1ZV", "27 AAPFU 0939F 1ZV", "\xa027AAPFU0939F1ZV\u200b"],
)
def test_gstin_compact_cleans_pasted_text(raw):
    assert gstin.compact(raw) == "27AAPFU0939F1ZV"
    assert gstin.validate(raw) == "27AAPFU0939F1ZV"


def test_gstin_gstn_sample_fails_checksum():
    with pytest.raises(InvalidChecksum, match="check character"):
        gstin.validate("01AABCE2207R1Z5")
    assert gstin.check_character("01AABCE2207R1Z") == "V"
    assert gstin.is_valid("01AABCE2207R1ZV") is True


def test_gstin_ladakh_38_accepted_although_stdnum_refuses():
    value = with_check("38AAPFU0939F1Z")
    assert value == "38AAPFU0939F1ZS"
    assert stdnum_gstin.is_valid(value) is False
    assert gstin.validate(value) == value
    assert gstin.state_code(value) == "38"


def test_gstin_38_still_needs_a_pan():
    value = with_check("38AAPXU0939F1Z")  # X is no PAN holder type
    with pytest.raises(InvalidComponent, match="PAN"):
        gstin.validate(value)


@pytest.mark.parametrize("first14", ["9917USA29001OS", "97ABCDE12345XY", "9700000000000A"])
def test_gstin_special_codes_97_99_need_only_the_check_character(first14):
    value = with_check(first14)
    assert stdnum_gstin.is_valid(value) is False
    assert gstin.validate(value) == value
    assert gstin.state_code(value) == first14[:2]
    wrong = value[:14] + ("0" if value[14] != "0" else "1")
    with pytest.raises(InvalidChecksum):
        gstin.validate(wrong)


def test_gstin_special_code_example():
    assert gstin.check_character("9917USA29001OS") == "H"
    assert gstin.is_valid("9917USA29001OSH") is True
    assert gstin.is_valid("9917USA29001OSX") is False


@pytest.mark.parametrize("code", ["00", "39", "40", "96", "98", "AB"])
def test_gstin_unknown_state_code(code):
    value = with_check(code + "AAPFU0939F1Z")
    with pytest.raises(InvalidComponent, match=f"starts with '{code}'"):
        gstin.validate(value)


@pytest.mark.parametrize(
    "first14, match",
    [
        ("27AAPXU0939F1Z", "4th letter 'X'"),  # holder type
        ("27AAPFU0000F1Z", "never 0000"),
        ("27AAPF10939F1Z", "5 letters, 4 digits"),
        ("27AAPFU0939F0Z", "13th character"),
        ("27AAPFU0939F1A", "should be 'Z'"),
    ],
)
def test_gstin_bad_parts_with_a_correct_check_character(first14, match):
    value = with_check(first14)
    with pytest.raises(InvalidComponent, match=match):
        gstin.validate(value)
    assert stdnum_gstin.is_valid(value) is False


@pytest.mark.parametrize(
    "value, error, match",
    [
        ("27AAPFU0939F1Z", InvalidLength, "has 14 characters; a GSTIN has 15"),
        ("27AAPFU0939F1ZVV", InvalidLength, "has 16 characters"),
        ("27AAPFU0939F1Z#", InvalidFormat, "contains '#'"),
        ("27AAPFU0939F1ZO", InvalidChecksum, "mistyped"),
    ],
)
def test_gstin_invalid(value, error, match):
    with pytest.raises(error, match=match):
        gstin.validate(value)
    assert gstin.problem(value).startswith(f"GSTIN '{value}'")


def test_gstin_problem_sentence():
    assert gstin.problem("27AAPFU0939F1Z") == (
        "GSTIN '27AAPFU0939F1Z' has 14 characters; a GSTIN has 15. "
        "Check for a missing or extra character."
    )


@pytest.mark.parametrize(
    "value", [27.0, Decimal("27"), True, b"27AAPFU0939F1ZV", ["27AAPFU0939F1ZV"]]
)
def test_gstin_non_text_refused(value):
    with pytest.raises(InvalidFormat):
        gstin.compact(value)
    assert gstin.is_valid(value) is False


def test_gstin_state_code_of_invalid_raises():
    with pytest.raises(InvalidChecksum):
        gstin.state_code("01AABCE2207R1Z5")


@pytest.mark.parametrize(
    "first14, error", [("27AAPFU0939F1", InvalidLength), ("27AAPFU0939F1#", InvalidFormat)]
)
def test_gstin_check_character_needs_14_alphanumerics(first14, error):
    with pytest.raises(error):
        gstin.check_character(first14)


pans = st.builds(
    lambda a, t, b, n, c: a + t + b + n + c,
    st.text(string.ascii_uppercase, min_size=3, max_size=3),
    st.sampled_from("ABCFGHLJPTK"),
    st.text(string.ascii_uppercase, min_size=1, max_size=1),
    st.integers(1, 9999).map("{:04d}".format),
    st.text(string.ascii_uppercase, min_size=1, max_size=1),
)
ordinary_first14 = st.builds(
    lambda state, pan, entity: f"{state:02d}{pan}{entity}Z",
    st.integers(1, 38),
    pans,
    st.sampled_from(ALNUM[1:]),
)


@given(first14=ordinary_first14)
def test_gstin_agrees_with_stdnum_on_ordinary_codes(first14):
    value = with_check(first14)
    assert gstin.is_valid(value) is True
    if first14[:2] != "38":
        assert stdnum_gstin.is_valid(value) is True


@given(first14=ordinary_first14, data=st.data())
def test_gstin_any_single_mistyped_character_is_caught(first14, data):
    value = with_check(first14)
    pos = data.draw(st.integers(0, 14))
    other = data.draw(st.sampled_from(ALNUM).filter(lambda c: c != value[pos]))
    mistyped = value[:pos] + other + value[pos + 1 :]
    assert gstin.is_valid(mistyped) is False


# --- port code ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["INNSA1", "INMAA1", "INDEL4", "INTKD6", "INPTPB"])
def test_port_code_usual(value):
    assert port_code.validate(value) == value
    assert port_code.is_usual(value) is True
    assert port_code.problem(value) is None


@pytest.mark.parametrize("raw", [" innsa1", "IN NSA 1", "innsa1\xa0", "\u200bINNSA1"])
def test_port_code_compact(raw):
    assert port_code.compact(raw) == "INNSA1"
    assert port_code.is_usual(raw) is True


@pytest.mark.parametrize("value", ["18272A", "USNYC1", "IN1234", "INNS11", "123456"])
def test_port_code_valid_but_unusual(value):
    assert port_code.is_valid(value) is True
    assert port_code.is_usual(value) is False


def test_port_code_number_from_a_cell():
    assert port_code.validate(182720) == "182720"


@pytest.mark.parametrize(
    "value, error, match",
    [
        ("INNSA", InvalidLength, "has 5 characters; a port code has exactly 6"),
        ("INNSA12", InvalidLength, "has 7 characters"),
        ("INNS-1", InvalidFormat, "contains '-'"),
        ("INNSÄ1", InvalidFormat, "contains 'Ä'"),
    ],
)
def test_port_code_invalid(value, error, match):
    with pytest.raises(error, match=match):
        port_code.validate(value)
    assert port_code.is_valid(value) is False
    assert port_code.is_usual(value) is False
    assert "Bill of Entry" in port_code.problem(value)


@pytest.mark.parametrize("value", [1.0, True, Decimal("1")])
def test_port_code_non_text(value):
    assert port_code.is_valid(value) is False
    assert port_code.is_usual(value) is False


# --- BoE number --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("2566282", "2566282"),
        (" 2566282", "2566282"),
        ("2566282 ", "2566282"),
        ("\xa02566282\xa0", "2566282"),
        ("25 66 282", "2566282"),
        ("2566282.0", "2566282"),
        ("2566282.00", "2566282"),
        (2566282, "2566282"),
        (2566282.0, "2566282"),
        (Decimal("2566282"), "2566282"),
        (Decimal("2566282.00"), "2566282"),
        ("2.566282E6", "2566282"),
        ("2.566282e+06", "2566282"),
        ("2.566282E+6", "2566282"),
        ("2.5662820E6", "2566282"),
        ("25662820E-1", "2566282"),
        (Decimal("2.566282E+6"), "2566282"),
        ("2,566,282", "2566282"),
        ("25,66,282", "2566282"),
        ("'0012345", "0012345"),
        ("0012345", "0012345"),
        ("1234", "1234"),
        (1234, "1234"),
    ],
)
def test_boe_number_normalised(raw, expected):
    assert boe_number.compact(raw) == expected
    assert boe_number.validate(raw) == expected


@pytest.mark.parametrize(
    "raw", ["2.57E+06", "2.57e6", "2.5E6", "3E6", Decimal("2.57E+6"), "2.56628E+06", "1E+999999999"]
)
def test_boe_number_lost_digits_in_scientific_notation(raw):
    with pytest.raises(InvalidFormat, match="scientific notation") as exc:
        boe_number.validate(raw)
    assert "Excel" in str(exc.value) and "as text" in str(exc.value)


@pytest.mark.parametrize(
    "raw", [2566282.5, "2566282.5", "2.5662825E6", Decimal("2566282.1"), "1E-5"]
)
def test_boe_number_fraction(raw):
    with pytest.raises(InvalidFormat, match="has a fraction"):
        boe_number.validate(raw)


@pytest.mark.parametrize(
    "raw, digits",
    [("123", "3 digits"), (123, "3 digits"), ("12345678", "8 digits"), (1.2e7, "8 digits"),
     ("0", "1 digit"), (123.0, "3 digits")],
)
def test_boe_number_wrong_length(raw, digits):
    with pytest.raises(InvalidLength, match=f"has {digits}; a BoE number has 4 to 7 digits"):
        boe_number.validate(raw)


def test_boe_number_problem_sentence():
    assert boe_number.problem("123") == (
        "BoE number '123' has 3 digits; a BoE number has 4 to 7 digits. "
        "Type it as on the Bill of Entry."
    )


@pytest.mark.parametrize("raw", ["12a45", "-12345", -12345, "25,662,82", "BE2566282", "2566282/1"])
def test_boe_number_not_digits(raw):
    with pytest.raises(InvalidFormat, match="other than digits"):
        boe_number.validate(raw)


@pytest.mark.parametrize(
    "raw", [True, False, float("nan"), float("inf"), Decimal("NaN"), [1234], b"1234"]
)
def test_boe_number_non_numbers_refused(raw):
    with pytest.raises(InvalidFormat, match="not a number"):
        boe_number.compact(raw)
    assert boe_number.is_valid(raw) is False


@pytest.mark.parametrize("raw", ["0012345", 12345, "12345", 12345.0, "1.2345E4"])
def test_boe_number_identity_drops_leading_zeros(raw):
    assert boe_number.identity(raw) == "12345"


def test_boe_number_identity_of_invalid_raises():
    with pytest.raises(InvalidLength):
        boe_number.identity("123")


@given(n=st.integers(1000, 9999999))
def test_boe_number_excel_forms_of_any_number(n):
    text = str(n)
    assert boe_number.validate(float(n)) == text
    assert boe_number.validate(f"{n}.0") == text
    # Scientific notation with every digit shown comes back exactly...
    assert boe_number.validate(f"{n:.{len(text) - 1}E}") == text
    # ...and with a digit rounded away it never comes back as a (wrong) number.
    if len(text) > 1:
        assert boe_number.is_valid(f"{n:.{len(text) - 2}E}") is False


# --- IEC ---------------------------------------------------------------------------------


@pytest.mark.parametrize("raw, expected", [
    ("AAPFU0939F", "AAPFU0939F"),
    (" aapfu 0939f ", "AAPFU0939F"),
    ("AAPFU-0939F", "AAPFU0939F"),
    ("0388012345", "0388012345"),
    (1234567890, "1234567890"),
    (1234567890.0, "1234567890"),
])
def test_iec_valid(raw, expected):
    assert iec.validate(raw) == expected
    assert iec.problem(raw) is None


def test_iec_is_pan():
    assert iec.is_pan("AAPFU0939F") is True
    assert iec.is_pan("0388012345") is False
    assert iec.is_pan("AAPXU0939F") is False


@pytest.mark.parametrize(
    "raw, error, match",
    [
        (388012345, InvalidLength, "has 9 digits.*leading zero"),
        ("388012345", InvalidLength, "has 9 digits"),
        ("03880123456", InvalidLength, "has 11 digits"),
        ("AAPFU0939", InvalidLength, "has 9 characters; an IEC has 10"),
        ("AAPF10939F", InvalidFormat, "neither a PAN"),
        ("AAPFU0939#", InvalidFormat, "neither a PAN"),
        ("AAPXU0939F", InvalidComponent, "4th letter 'X'"),
        ("AAPFU0000F", InvalidComponent, "never 0000"),
    ],
)
def test_iec_invalid(raw, error, match):
    with pytest.raises(error, match=match):
        iec.validate(raw)
    assert iec.is_valid(raw) is False


@pytest.mark.parametrize(
    "raw", [True, -1234567890, 1234567890.5, float("nan"), Decimal("1.5"), [1]]
)
def test_iec_non_codes_refused(raw):
    with pytest.raises(InvalidFormat, match="not a code"):
        iec.compact(raw)
    assert iec.problem(raw).startswith("IEC ")


def test_iec_huge_number_is_too_long_not_a_crash():
    with pytest.raises(InvalidLength, match="far more than 10 digits"):
        iec.compact(Decimal("1E+999999999"))
