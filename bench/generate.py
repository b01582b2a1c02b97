"""A deterministic importer's year (or month), for benchmarks.

``make_year(n, seed)`` gives n BoEs (a mix of IMPG and IMPGSEZ, about 3% amended, some twice)
spread over April 2025 - March 2026, with the actions an accountant would have taken by
``AS_OF`` (13-04-2026, the night before March's GSTR-2B): as typed data, for the rules alone.

``write_year(folder, n, seed)`` writes the same year as the files an accountant has:

- ``gstr2b_MMYYYY.json``: one GSTR-2B download per month, in the portal's shape
  ``{"chksum", "data": {"gstin", "rtnprd", "version", "gendt", "docdata": {"impg": [...],
  "impgsez": [{"ctin", "trdnm", "boe": [...]}], "impga": [...]}}}``; an amendment of an IMPG
  BoE is in ``impga``, an amendment of an SEZ BoE is in its supplier's ``boe`` list with
  ``isamd: "Y"``;
- ``books.csv``: the purchase register as Tally exports it (headers as in
  ``scripts/make_demo_data.py``, plus Date, Particulars and Voucher Type), with the usual slips:
  rounding, split vouchers, lines not booked yet, day and month swapped, real value
  differences, a voucher entered twice, books that still carry the pre-amendment amount, BoEs
  the portal lacks, and domestic purchases with no BoE at all;
- ``actions.csv``: the action log as a bulk actions file (Port Code, BoE No, BoE Date, Action,
  Date, Remark), one row per action, in date order.

``write_month(folder, n, seed)`` writes one busy month (the common case): one GSTR-2B file, the
books and actions for ``n`` BoEs of March 2026.

Same ``n`` and ``seed``, same bytes: the benchmark's inputs never drift between runs.
"""

from __future__ import annotations

import csv
import json
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from ims_xl.identifiers.gstin import check_character
from ims_xl.models import Action, ActionCode, BoeVersion, Section
from ims_xl.periods import Period

__all__ = [
    "AS_OF",
    "FY_END",
    "FY_START",
    "GSTIN",
    "YearFiles",
    "make_year",
    "write_month",
    "write_year",
]

PORTS = ["INNSA1", "INNSA1", "INNSA1", "INMAA1", "INDEL4", "INTKD6", "INBLR4", "INMUN1",
         "INPTPB", "INCCU1"]
FY_START = date(2025, 4, 1)
FY_END = date(2026, 3, 31)
AS_OF = date(2026, 4, 13)           # the night before March 2026's GSTR-2B
GSTIN = "27AAPFU0939F1ZV"
OTHER_GSTIN = "24AAUPV7468F1ZW"
CENT = Decimal("0.01")


def _gstin(first14: str) -> str:
    return first14 + check_character(first14)


SEZ_SUPPLIERS = [
    (_gstin("29ABACS0877M1Z"), "Coastal Electronics SEZ Unit"),
    (_gstin("33AACCT4521K1Z"), "Sriperumbudur Components SEZ"),
    (_gstin("24AADCK9011P1Z"), "Kandla Polymers (SEZ)"),
    (_gstin("36AAFCM3377Q1Z"), "Hyderabad Pharma SEZ Pvt Ltd"),
]
FOREIGN = ["Shenzhen Hualong Trading Co", "Guangzhou Meida Machinery", "Hamburg Industrie GmbH",
           "Osaka Precision KK", "Busan Steel Co", "Rotterdam Chemicals BV", "Dubai Gulf FZE"]
REMARKS_PENDING = ["goods in transit", "in bonded warehouse", "quality check at factory",
                   "awaiting assessment", "short shipment: debit note"]


def _money(x: Decimal) -> Decimal:
    return x.quantize(CENT)


@dataclass
class _Boe:
    """One BoE with its versions, as the generator keeps it before writing files."""

    index: int
    section: Section
    port: str
    number: str
    boe_day: date
    supplier: tuple[str, str]
    versions: list[BoeVersion]


def _make(n: int, seed: int, start: date, days: int, as_of: date, first_number: int
          ) -> tuple[list[_Boe], list[Action]]:
    rnd = random.Random(seed)
    boes: list[_Boe] = []
    actions: list[Action] = []
    seq = 0
    last_day = start + timedelta(days=days - 1)
    for i in range(n):
        section = Section.IMPGSEZ if rnd.random() < 0.15 else Section.IMPG
        supplier = (rnd.choice(SEZ_SUPPLIERS) if section is Section.IMPGSEZ
                    else ("", rnd.choice(FOREIGN)))
        port = rnd.choice(PORTS)
        amendments = 0
        r = rnd.random()
        if r < 0.03 and days > 60:
            amendments = 2 if r < 0.005 else 1
        # an amended BoE is re-assessed 35 days later (twice: 70): it starts early enough
        # for its amendments to stay inside the range
        span = days - 6 - 35 * amendments
        boe_day = start + timedelta(days=rnd.randrange(max(span, 1)))
        ref = min(boe_day + timedelta(days=rnd.randrange(1, 6)), last_day)
        taxable = Decimal(rnd.randrange(20_000_00, 2_500_000_00)) / 100
        with_cess = rnd.random() < 0.2
        number = str(first_number + i * 3 + rnd.randrange(3))
        versions = []
        for k in range(amendments + 1):
            refk = ref + timedelta(days=35 * k)
            tv = taxable + Decimal(rnd.randrange(-500_000, 500_000)) / 100 * k
            igst = _money(tv * Decimal("0.18"))
            cess = _money(tv * Decimal("0.01")) if with_cess else Decimal(0)
            versions.append(BoeVersion(
                id=f"v{i}.{k}", section=section, amendment=k > 0, port_code=port,
                boe_number=number, boe_date=boe_day, ref_date=refk,
                period=Period.containing(refk), taxable_value=_money(tv), igst=igst, cess=cess,
                supplier_gstin=supplier[0], supplier_name=supplier[1] if supplier[0] else "",
                importer_gstin=GSTIN))
        boes.append(_Boe(i, section, port, number, boe_day, supplier, versions))
        for v in versions:
            choice = rnd.random()
            # the accountant acts before the period's GSTR-2B (the 14th of the next month);
            # about 1 in 100 acts late, after the 3B is filed (an error the rules report)
            g = date(v.ref_date.year + (v.ref_date.month == 12), v.ref_date.month % 12 + 1, 14)
            if rnd.random() < 0.01:
                act_day = g + timedelta(days=rnd.randrange(10, 40))
            else:
                act_day = v.ref_date + timedelta(
                    days=rnd.randrange(1, max((g - v.ref_date).days, 2)))
            if choice < 0.55:
                todo = [(ActionCode.ACCEPT, act_day, "")]
            elif choice < 0.70:
                # kept pending (carried forward), accepted once the goods are cleared
                todo = [(ActionCode.PENDING, act_day, rnd.choice(REMARKS_PENDING)),
                        (ActionCode.ACCEPT, act_day + timedelta(days=rnd.randrange(20, 60)),
                         "cleared")]
            elif choice < 0.72:
                todo = [(ActionCode.REJECT, act_day, "belongs to our Gujarat GSTIN")]
            else:
                todo = []   # left alone: deemed accepted when its GSTR-2B is generated
            for code, when, remark in todo:
                if when > as_of:
                    break   # not acted on yet
                actions.append(Action(v.id, code, when, remark, seq=seq))
                seq += 1
    return boes, actions


def make_year(n: int, seed: int = 7) -> tuple[list[BoeVersion], list[Action]]:
    """n BoEs of one financial year as versions and actions (typed data, no files)."""
    boes, actions = _make(n, seed, FY_START, (FY_END - FY_START).days + 1, AS_OF, 2_000_000)
    return [v for b in boes for v in b.versions], actions


# --- files -------------------------------------------------------------------------------

def _ddmmyyyy(d: date) -> str:
    return d.strftime("%d-%m-%Y")


def _json_row(v: BoeVersion) -> dict:
    # the portal writes amounts as JSON numbers; these floats print back to the paisa
    return {"refdt": _ddmmyyyy(v.ref_date), "recdt": _ddmmyyyy(v.ref_date + timedelta(days=1)),
            "portcode": v.port_code, "boenum": v.boe_number, "boedt": _ddmmyyyy(v.boe_date),
            "isamd": "Y" if v.amendment else "N", "txval": float(v.taxable_value),
            "igst": float(v.igst), "cess": float(v.cess)}


def _gstr2b_docs(boes: list[_Boe]) -> dict[Period, dict]:
    by_period: dict[Period, list[BoeVersion]] = defaultdict(list)
    for b in boes:
        for v in b.versions:
            by_period[v.period].append(v)
    docs = {}
    for period, versions in sorted(by_period.items()):
        impg, impga = [], []
        sez: dict[str, tuple[str, list]] = {}
        for v in versions:
            if v.section is Section.IMPGSEZ:
                sez.setdefault(v.supplier_gstin, (v.supplier_name, []))[1].append(_json_row(v))
            elif v.amendment:
                impga.append(_json_row(v))
            else:
                impg.append(_json_row(v))
        docdata: dict = {"impg": impg}
        if sez:
            docdata["impgsez"] = [{"ctin": ctin, "trdnm": name, "boe": rows}
                                  for ctin, (name, rows) in sorted(sez.items())]
        if impga:
            docdata["impga"] = impga
        year, month = (period.year, period.month)
        gendt = date(year + (month == 12), month % 12 + 1, 14)
        docs[period] = {"chksum": f"bench-{period}", "data": {
            "gstin": GSTIN, "rtnprd": str(period), "version": "GST3.1.6",
            "gendt": _ddmmyyyy(gendt), "docdata": docdata}}
    return docs


BOOKS_HEADERS = ["Date", "Particulars", "Voucher Type", "Voucher No.", "Port Code",
                 "Bill of Entry No.", "Bill of Entry Date", "Assessable Value", "Integrated Tax",
                 "Cess"]


def _books(boes: list[_Boe], seed: int, first_number: int) -> tuple[list[list[str]], dict]:
    """Tally purchase register lines, with the usual slips; and a count of each slip."""
    rnd = random.Random(seed + 1)
    out: list[list[str]] = []
    slips: dict[str, int] = defaultdict(int)
    vno = 0

    def line(b: _Boe, day: date, igst: Decimal, cess: Decimal, cif: Decimal,
             suffix: str = "", boe_date: str | None = None) -> list[str]:
        return [_ddmmyyyy(day), b.supplier[1], "Purchase Import", f"IMP/{vno:06d}{suffix}",
                b.port, b.number, boe_date or _ddmmyyyy(b.boe_day), f"{cif:.2f}", f"{igst:.2f}",
                f"{cess:.2f}"]

    for b in boes:
        latest = b.versions[-1]
        if b.versions[-1].amendment and rnd.random() < 0.3:
            latest = b.versions[0]           # the books were never corrected for the amendment
            slips["pre-amendment amount"] += 1
        vno += 1
        day = latest.ref_date
        cif = _money(latest.taxable_value * Decimal("0.97"))   # books carry CIF
        igst, cess = latest.igst, latest.cess
        r = rnd.random()
        if r < 0.03:
            slips["not booked yet"] += 1
            continue
        if r < 0.07:
            slips["split vouchers"] += 1
            parts = 2 if r < 0.06 else 3
            shares = [_money(igst / parts)] * (parts - 1)
            shares.append(igst - sum(shares))
            for k, share in enumerate(shares):
                out.append(line(b, day, share, cess if k == 0 else Decimal(0),
                                _money(cif / parts), suffix="ABC"[k]))
            continue
        if r < 0.12:
            slips["rounding (within Rs 1)"] += 1
            igst += Decimal(rnd.randrange(-100, 101)) / 100
        elif r < 0.13:
            if b.boe_day.day <= 12 and b.boe_day.day != b.boe_day.month:
                slips["day and month swapped"] += 1
                out.append(line(b, day, igst, cess, cif,
                                boe_date=b.boe_day.strftime("%m-%d-%Y")))
                continue
        elif r < 0.14:
            slips["value differs"] += 1
            igst += Decimal(rnd.randrange(100, 5000))
        elif r < 0.145:
            slips["voucher entered twice"] += 1
            out.append(line(b, day, igst, cess, cif))
        out.append(line(b, day, igst, cess, cif))
    # BoEs the books have and the portal lacks (a BoE that never reached IMS)
    for k in range(max(1, len(boes) // 200)):
        vno += 1
        boe_day = FY_START + timedelta(days=rnd.randrange(300))
        fake = _Boe(-1, Section.IMPG, rnd.choice(PORTS), str(first_number + 3 * len(boes) + k),
                    boe_day, ("", rnd.choice(FOREIGN)), [])
        taxable = Decimal(rnd.randrange(20_000_00, 900_000_00)) / 100
        out.append(line(fake, boe_day + timedelta(days=2), _money(taxable * Decimal("0.18")),
                        Decimal(0), taxable))
        slips["not in IMS"] += 1
    # domestic purchases in the same register: no port, no BoE
    domestic = []
    for k in range(len(boes) // 20):
        vno += 1
        day = FY_START + timedelta(days=rnd.randrange(365))
        domestic.append((len(out) * (k + 1) // (len(boes) // 20 + 1),
                         [_ddmmyyyy(day), "Local Supplier Pvt Ltd", "Purchase", f"LP/{vno:06d}",
                          "", "", "", "10000.00", "1800.00", "0.00"]))
    for at, row in reversed(domestic):
        out.insert(at, row)
    slips["domestic purchase lines"] = len(domestic)
    return out, dict(slips)


LABEL = {ActionCode.ACCEPT: "Accept", ActionCode.PENDING: "Keep Pending",
         ActionCode.REJECT: "Reject"}


@dataclass
class YearFiles:
    folder: Path
    gstr2b: list[Path]
    books: Path
    actions: Path
    boes: int
    versions: int
    action_rows: int
    book_lines: int
    slips: dict


def _write(folder: Path, boes: list[_Boe], actions: list[Action], seed: int,
           first_number: int) -> YearFiles:
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for period, doc in _gstr2b_docs(boes).items():
        path = folder / f"gstr2b_{period}.json"
        path.write_text(json.dumps(doc, separators=(",", ":")), encoding="utf-8")
        files.append(path)
    rows, slips = _books(boes, seed, first_number)
    books = folder / "books.csv"
    with open(books, "w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh)
        w.writerow(BOOKS_HEADERS)
        w.writerows(rows)
    by_id = {v.id: v for b in boes for v in b.versions}
    acts = folder / "actions.csv"
    with open(acts, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Port Code", "BoE No", "BoE Date", "Action", "Date", "Remark"])
        for a in sorted(actions, key=lambda a: (a.date, a.seq)):
            v = by_id[a.record_id]
            w.writerow([v.port_code, v.boe_number, _ddmmyyyy(v.boe_date), LABEL[a.code],
                        _ddmmyyyy(a.date), a.remark])
    return YearFiles(folder, files, books, acts, len(boes), len(by_id), len(actions), len(rows),
                     slips)


def write_year(folder: str | Path, n: int, seed: int = 7) -> YearFiles:
    """The year's GSTR-2B downloads, books and actions as files in ``folder``."""
    boes, actions = _make(n, seed, FY_START, (FY_END - FY_START).days + 1, AS_OF, 2_000_000)
    return _write(Path(folder), boes, actions, seed, 2_000_000)


def write_month(folder: str | Path, n: int, seed: int = 11) -> YearFiles:
    """One busy month (March 2026): its GSTR-2B download, books and actions, as files."""
    boes, actions = _make(n, seed, date(2026, 3, 1), 31, AS_OF, 3_000_000)
    return _write(Path(folder), boes, actions, seed, 3_000_000)


if __name__ == "__main__":
    import sys
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "bench-data")
    size = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    print(write_year(target, size))
