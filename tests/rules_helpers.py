"""Small builders for rules tests: versions, actions and settings in a line each."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ims_xl.models import Action, BoeVersion, Section, Settings
from ims_xl.actions import parse_action
from ims_xl.periods import Period
from ims_xl.rules import evaluate

GSTIN = "27AAPFU0939F1ZV"


def d(text: str) -> date:
    return date.fromisoformat(text)


def version(rid="r1", *, section=Section.IMPG, amendment=False, port="INNSA1",
            number="2566282", boe_date="2025-10-03", ref_date="2025-10-06", period="102025",
            igst="18000", cess="0", taxable="100000", importer="", supplier="",
            problems=()) -> BoeVersion:
    return BoeVersion(
        id=rid, section=section, amendment=amendment, port_code=port, boe_number=number,
        boe_date=d(boe_date) if boe_date else None, ref_date=d(ref_date) if ref_date else None,
        period=Period.parse(period) if period else None, taxable_value=Decimal(taxable),
        igst=Decimal(igst), cess=Decimal(cess), importer_gstin=importer,
        supplier_gstin=supplier, amount_problems=tuple(problems))


def act(rid, word, when, remark="", seq=0) -> Action:
    return Action(record_id=rid, code=parse_action(word), date=d(when), remark=remark,
                  raw=word or "", seq=seq)


def acts(*rows) -> list[Action]:
    return [act(*row, seq=i) if len(row) > 3 else act(*row, seq=i) for i, row in enumerate(rows)]


def run(records, actions=(), as_of="2025-12-10", **settings):
    settings.setdefault("gstin", GSTIN)
    for key in ("filed_3b", "generated_2b"):
        if key in settings:
            settings[key] = {Period.parse(p): d(v) for p, v in settings[key].items()}
    return evaluate(list(records), list(actions), Settings(**settings), d(as_of))


def codes(result) -> list[str]:
    return [m.code for m in result.messages]
