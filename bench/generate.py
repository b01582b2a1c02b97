"""A deterministic importer's year: BoE versions and actions, for benchmarks.

``make_year(n, seed)`` gives n BoEs (a mix of IMPG and IMPGSEZ, about 3% amended, some twice)
spread over April 2025 - March 2026, with actions as an accountant would take them.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from ims_xl.models import Action, ActionCode, BoeVersion, Section
from ims_xl.periods import Period

PORTS = ["INNSA1", "INMAA1", "INDEL4", "INTKD6", "INBLR4", "INMUN1", "INPTPB", "INCCU1"]
FY_START = date(2025, 4, 1)


def make_year(n: int, seed: int = 7) -> tuple[list[BoeVersion], list[Action]]:
    rnd = random.Random(seed)
    records: list[BoeVersion] = []
    actions: list[Action] = []
    seq = 0
    for i in range(n):
        section = Section.IMPGSEZ if rnd.random() < 0.15 else Section.IMPG
        boe_day = FY_START + timedelta(days=rnd.randrange(365))
        ref = boe_day + timedelta(days=rnd.randrange(1, 6))
        igst = Decimal(rnd.randrange(1000, 5_000_000)) / 100
        amendments = 0
        r = rnd.random()
        if r < 0.03:
            amendments = 2 if r < 0.005 else 1
        for k in range(amendments + 1):
            vid = f"v{i}.{k}"
            refk = ref + timedelta(days=35 * k)
            value = igst + Decimal(rnd.randrange(-50000, 50000)) / 100 * k
            records.append(BoeVersion(
                id=vid, section=section, amendment=k > 0, port_code=rnd.choice(PORTS),
                boe_number=str(1_000_000 + i), boe_date=boe_day, ref_date=refk,
                period=Period.containing(refk), taxable_value=value * 5, igst=value,
                cess=Decimal(0) if rnd.random() < 0.8 else value / 10,
                supplier_gstin="29ABACS0877M1ZS" if section is Section.IMPGSEZ else "",
                importer_gstin="27AAPFU0939F1ZV"))
            choice = rnd.random()
            act_day = refk + timedelta(days=rnd.randrange(3, 40))
            if choice < 0.55:
                actions.append(Action(vid, ActionCode.ACCEPT, act_day, seq=seq))
            elif choice < 0.70:
                actions.append(Action(vid, ActionCode.PENDING, act_day, "in transit", seq=seq))
                seq += 1
                actions.append(Action(vid, ActionCode.ACCEPT, act_day + timedelta(days=40),
                                      seq=seq))
            elif choice < 0.72:
                actions.append(Action(vid, ActionCode.REJECT, act_day, "not ours", seq=seq))
            seq += 1
    return records, actions
