"""The JSON engine behind ``ims-xl evaluate`` (rules.md section 7).

A scenario (settings, as-of date, records, actions) in; every version's status and every
period's figures out. Pydantic models check the input at this boundary and convert it into
the plain typed data the rules work on. Amounts are read as exact decimals (never floats)
and written back as JSON numbers with exactly two decimals.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (BaseModel, BeforeValidator, ConfigDict, Field, ValidationError,
                      field_validator, model_validator)

from . import dates, strict_json
from .actions import parse_action
from .gst_calendar import parse_financial_year
from .identifiers import boe_number as boe_number_id
from .identifiers import gstin as gstin_id
from .json_out import dumps, period_to_json  # noqa: F401 (the JSON engine's output)
from .json_out import result_to_json as _result_to_json
from .models import (IMS_START, RULES_VERSION, Action, BoeVersion, Evaluation, PendingLimit,
                     RejectPolicy, Section, Settings)
from .money import to_decimal
from .periods import Filing, Period
from .problems import InputError
from .rules import evaluate

__all__ = ["Scenario", "read_scenario", "evaluate_scenario", "result_to_json", "period_to_json",
           "dumps"]


def _date(value: Any) -> date:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError("date missing")
    if not isinstance(value, (str, date)):
        raise ValueError(f"{value!r} is not a date: write it as YYYY-MM-DD")
    return dates.parse_date(value)


def _period(value: Any) -> Period:
    if not isinstance(value, str) or len(value.strip()) != 6:
        raise ValueError(f"{value!r} is not a period: write it as text 'MMYYYY' (102025)")
    return Period.parse(value)


Day = Annotated[date, BeforeValidator(_date)]
PeriodCode = Annotated[Period, BeforeValidator(_period)]


class SettingsIn(BaseModel):
    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)

    gstin: str | None = None
    filing: Filing = Filing.MONTHLY
    reject_policy: RejectPolicy = RejectPolicy.BLOCK
    pending_limit: PendingLimit = PendingLimit.NONE
    cutoff_warning_days: int = Field(3, ge=0, le=366, strict=True)
    ims_start: PeriodCode = IMS_START
    filed_3b: dict[str, Day] = {}
    generated_2b: dict[str, Day] = {}
    annual_return_filed: dict[str, Day] = {}

    @field_validator("gstin")
    @classmethod
    def _gstin(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        problem = gstin_id.problem(value)
        if problem:
            raise ValueError(problem)
        return gstin_id.compact(value)

    @field_validator("filed_3b", "generated_2b")
    @classmethod
    def _period_keys(cls, value: dict[str, date]) -> dict[str, date]:
        for key in value:
            _period(key)
        return value

    @field_validator("annual_return_filed")
    @classmethod
    def _financial_year_keys(cls, value: dict[str, date]) -> dict[str, date]:
        years: dict[int, str] = {}
        for key in value:
            year = parse_financial_year(key)
            if year in years:  # " 2025-26" and "2025-26": one year written twice
                raise ValueError(f"financial year {key!r} repeats {years[year]!r}")
            years[year] = key
        return value

    def to_settings(self) -> Settings:
        filing = self.filing
        return Settings(
            gstin=self.gstin, filing=filing, reject_policy=self.reject_policy,
            pending_limit=self.pending_limit, cutoff_warning_days=self.cutoff_warning_days,
            filed_3b={Period.parse(k).for_filing(filing): v for k, v in self.filed_3b.items()},
            generated_2b={Period.parse(k).for_filing(filing): v
                          for k, v in self.generated_2b.items()},
            ims_start=self.ims_start,
            annual_return_filed={parse_financial_year(k): v
                                 for k, v in self.annual_return_filed.items()},
        )


class RecordIn(BaseModel):
    """One version. Data problems a portal file can really contain are messages, not errors."""

    model_config = ConfigDict(extra="ignore", arbitrary_types_allowed=True)

    id: str = Field(min_length=1)
    section: Section
    amendment: bool = False
    port_code: str
    boe_number: str | int | Decimal
    boe_date: Day
    ref_date: Day
    period: PeriodCode | None = None
    taxable_value: Any = 0
    igst: Any = 0
    cess: Any = 0
    supplier_gstin: str | None = ""
    supplier_name: str | None = ""
    importer_gstin: str | None = ""

    @field_validator("id", mode="before")
    @classmethod
    def _id(cls, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return value

    @field_validator("section", mode="before")
    @classmethod
    def _section(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip().upper() in ("IMPGA", "IMPGSEZA"):
            raise ValueError("write an amended version as its section (IMPG or IMPGSEZ) "
                             "with \"amendment\": true")
        return value.strip().upper() if isinstance(value, str) else value

    def to_version(self) -> BoeVersion:
        problems = []
        amounts = {}
        for name in ("taxable_value", "igst", "cess"):
            raw = getattr(self, name)
            try:
                amounts[name] = Decimal(0) if raw is None else to_decimal(raw)
            except (ValueError, TypeError, ArithmeticError):
                amounts[name] = Decimal(0)
                problems.append((name, _text(raw)))
        number = self.boe_number
        try:
            number = boe_number_id.compact(number)
        except Exception:  # an unrecoverable number is reported by the rules
            number = str(number)
        return BoeVersion(
            id=self.id, section=self.section, amendment=self.amendment,
            port_code=self.port_code.strip(), boe_number=str(number),
            boe_date=self.boe_date, ref_date=self.ref_date, period=self.period,
            supplier_gstin=(self.supplier_gstin or "").strip(),
            supplier_name=(self.supplier_name or "").strip(),
            importer_gstin=(self.importer_gstin or "").strip(),
            source="scenario", amount_problems=tuple(problems), **amounts)


def _text(raw: Any) -> str:
    return raw if isinstance(raw, str) else json.dumps(raw, default=str)


class ActionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    record: str = Field(min_length=1)
    action: str | None = None
    date: Day
    remark: str | None = ""


class Scenario(BaseModel):
    model_config = ConfigDict(extra="forbid")

    settings: SettingsIn = SettingsIn()
    as_of: Day | None = None
    records: list[RecordIn]
    actions: list[ActionIn] = []

    @model_validator(mode="after")
    def _references(self) -> Scenario:
        ids: dict[str, int] = {}
        for i, record in enumerate(self.records):
            if record.id in ids:
                raise ValueError(f"records[{i}].id: id {record.id!r} repeats records"
                                 f"[{ids[record.id]}]; every record needs its own id")
            ids[record.id] = i
        for i, action in enumerate(self.actions):
            if action.record not in ids:
                raise ValueError(f"actions[{i}].record: no record has id {action.record!r}")
        return self


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def read_scenario(text: str | bytes, source: str = "scenario") -> Scenario:
    """Parse and check a scenario; bad input raises :class:`InputError` naming the field."""
    try:
        raw = strict_json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)
    except strict_json.RepeatedKey as exc:
        where = exc.where or "the top level"
        raise InputError(f"{source}: {where}: the key {exc.key!r} is given twice, so which "
                         "value is meant cannot be known; give each key once") from None
    except (ValueError, RecursionError) as exc:
        raise InputError(f"{source}: not valid JSON: {exc}") from None
    if not isinstance(raw, dict):
        raise InputError(f"{source}: expected a JSON object with \"records\", "
                         f"found {type(raw).__name__}")
    try:
        return Scenario.model_validate(raw)
    except ValidationError as exc:
        raise InputError(f"{source}: " + _describe(exc)) from None
    except RecursionError:
        raise InputError(f"{source}: nested too deeply") from None


def _describe(exc: ValidationError) -> str:
    lines = []
    for err in exc.errors()[:10]:
        loc = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err["loc"]).lstrip(".")
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "missing":
            msg = "required field is missing"
        elif err["type"] == "extra_forbidden":
            msg = "unknown field"
        lines.append(f"{loc}: {msg}" if loc else msg)
    more = len(exc.errors()) - 10
    if more > 0:
        lines.append(f"... and {more} more problems")
    return "; ".join(lines)


def result_to_json(evaluation: Evaluation) -> dict[str, Any]:
    """The output of rules.md section 7, with the version of rules.md the engine implements."""
    return {"rules_version": RULES_VERSION, **_result_to_json(evaluation)}


def evaluate_scenario(scenario: Scenario, today: date | None = None) -> Evaluation:
    settings = scenario.settings.to_settings()
    as_of = scenario.as_of or today or date.today()
    records = [r.to_version() for r in scenario.records]
    actions = [Action(record_id=a.record, code=parse_action(a.action), date=a.date,
                      remark=(a.remark or ""), raw=a.action or "", source="scenario", seq=i)
               for i, a in enumerate(scenario.actions)]
    return evaluate(records, actions, settings, as_of)


