"""Write the bundled demo data (ims_xl/data/demo/): a realistic two months of imports.

A monthly filer in Maharashtra (GSTIN 27AAPFU0939F1ZV), reviewed on 13-12-2025, the night
before November's GSTR-2B: October is closed (3B filed), November is open. The files are
what the accountant can download that night, as the portal gives them after IMS:

- ``gstr2a_102025.json``: October's GSTR-2A, every BoE customs sent;
- ``gstr2b_102025.json``: October's GSTR-2B (generated 14-11-2025), which leaves out the two
  BoEs kept pending before the 14th;
- ``gstr2a_112025.json``: November's GSTR-2A so far, with a value amendment (an October BoE
  re-assessed at customs) and a GSTIN amendment (an October BoE that customs moved to the
  group's Gujarat GSTIN: its credit is reversed here);
- the books, the customs broker's BoE list, and the accountant's earlier actions (Accept and
  Keep Pending only: the portal offers no Reject on a BoE).

November's GSTR-2B does not exist yet that night. The generator is deterministic, so running
it again gives the same files.

Run: .venv/bin/python scripts/make_demo_data.py
"""

from __future__ import annotations

import csv
import json
import random
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "ims_xl" / "data" / "demo"
GSTIN = "27AAPFU0939F1ZV"
OTHER_GSTIN = "24AAUPV7468F1ZW"   # the group's Gujarat registration
SEZ = ("29ABACS0877M1ZS", "Coastal Electronics SEZ Unit")
PORTS = ["INNSA1", "INNSA1", "INMAA1", "INBOM4", "INTKD6", "INMUN1"]
rnd = random.Random(2025)


def ddmmyyyy(d: date) -> str:
    return d.strftime("%d-%m-%Y")


def money(x: Decimal) -> float:
    # JSON downloads carry amounts as numbers; these are exact to the paisa
    return float(x)  # float ok: writing a sample portal file, as the portal does


def boe(number: int, boe_day: date, port: str, igst_base: int, *, amended=False, ref=None):
    taxable = Decimal(igst_base) * 5 + Decimal(rnd.randrange(0, 99)) / 100
    igst = (taxable * Decimal("0.18")).quantize(Decimal("0.01"))
    cess = Decimal(0) if rnd.random() < 0.8 else (taxable * Decimal("0.01")).quantize(Decimal("0.01"))
    ref = ref or boe_day + timedelta(days=rnd.randrange(1, 4))
    return {"refdt": ddmmyyyy(ref), "recdt": ddmmyyyy(ref + timedelta(days=1)),
            "portcode": port, "boenum": str(number), "boedt": ddmmyyyy(boe_day),
            "isamd": "Y" if amended else "N", "txval": taxable, "igst": igst, "cess": cess}


def month_boes(start_number: int, first: date, count: int):
    out = []
    for k in range(count):
        day = first + timedelta(days=rnd.randrange(0, 25))
        out.append(boe(start_number + k * 37, day, rnd.choice(PORTS), rnd.randrange(20_000, 900_000)))
    return out


def as_json(rows):
    return [{k: (money(v) if isinstance(v, Decimal) else v) for k, v in r.items()} for r in rows]


def gstr2b(period: str, gendt: date, impg, impgsez, impga=()):
    docdata = {"impg": as_json(impg),
               "impgsez": [{"ctin": SEZ[0], "trdnm": SEZ[1], "boe": as_json(impgsez)}]}
    if impga:
        docdata["impga"] = as_json(impga)
    return {"chksum": "demo", "data": {"gstin": GSTIN, "rtnprd": period, "version": "GST3.1.6",
                                       "gendt": ddmmyyyy(gendt), "docdata": docdata}}


# GSTR-2A spells the import fields its own way (docs/formats.md)
TO_2A = {"portcode": "portcd", "boenum": "benum", "boedt": "bedt", "isamd": "amd",
         "igst": "iamt", "cess": "csamt"}


def as_2a(rows):
    return [{TO_2A.get(k, k): v for k, v in r.items() if k != "recdt"} for r in as_json(rows)]


def gstr2a(period: str, impg, impgsez, impga=()):
    """GSTR-2A: every BoE customs sent for the period, pending ones included (no gendt)."""
    data = {"gstin": GSTIN, "fp": period, "impg": as_2a(impg),
            "impgsez": [{"sgstin": SEZ[0], "tdname": SEZ[1], "boe": as_2a(impgsez)}]}
    if impga:
        data["impga"] = as_2a(impga)
    return {"data": data}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    oct_impg = month_boes(2566101, date(2025, 10, 1), 14)
    oct_sez = month_boes(7100101, date(2025, 10, 2), 2)
    nov_impg = month_boes(2589001, date(2025, 11, 1), 18)
    nov_sez = month_boes(7100501, date(2025, 11, 3), 3)
    # An October BoE re-assessed at customs in November: the amendment carries more IGST.
    amended = dict(oct_impg[3])
    amended.update(isamd="Y", refdt="18-11-2025", recdt="19-11-2025",
                   igst=oct_impg[3]["igst"] + Decimal("2340.00"),
                   txval=oct_impg[3]["txval"] + Decimal("13000.00"))
    # An October BoE that named the wrong importer: customs moved it to the group's Gujarat
    # GSTIN in November (a GSTIN amendment); this GSTIN reverses the credit it took.
    moved = dict(oct_impg[8])
    moved.update(isamd="Y", refdt="25-11-2025", recdt="26-11-2025", gstin=OTHER_GSTIN)
    # Kept pending on 10-11-2025, before October's GSTR-2B of the 14th: not in that 2B.
    pending_on_the_14th = (oct_impg[2], oct_impg[6])
    (OUT / "gstr2a_102025.json").write_text(
        json.dumps(gstr2a("102025", oct_impg, oct_sez), indent=1))
    (OUT / "gstr2b_102025.json").write_text(json.dumps(gstr2b(
        "102025", date(2025, 11, 14),
        [b for b in oct_impg if not any(b is p for p in pending_on_the_14th)], oct_sez),
        indent=1))
    (OUT / "gstr2a_112025.json").write_text(
        json.dumps(gstr2a("112025", nov_impg, nov_sez, [amended, moved]), indent=1))
    stale = OUT / "gstr2b_112025.json"   # November's 2B is generated tomorrow
    if stale.exists():
        stale.unlink()

    # A BoE the customs broker cleared in November that never reached IMS (Fetch BoE).
    missing = boe(2589999, date(2025, 11, 20), "INNSA1", 310_000)
    all_boes = oct_impg + oct_sez + nov_impg + nov_sez

    # Books (Tally-style purchase register) with the usual slips.
    books = []
    for i, b in enumerate(all_boes):
        line = {"Voucher No.": f"IMP/{i + 1:03d}", "Port Code": b["portcode"],
                "Bill of Entry No.": b["boenum"], "Bill of Entry Date": b["boedt"],
                "Assessable Value": b["txval"] - Decimal("1500.00"),  # books carry CIF
                "Integrated Tax": b["igst"], "Cess": b["cess"]}
        if i == 1:
            line["Integrated Tax"] += Decimal("0.50")       # rounding: still a match
        if i == 5:
            line["Integrated Tax"] -= Decimal("500.00")     # a real mismatch
        if i == 7:
            continue                                        # not booked yet
        if i == 9:                                          # day and month swapped
            d = b["boedt"].split("-")
            line["Bill of Entry Date"] = f"{d[1]}-{d[0]}-{d[2]}"
        if i == 20:                                         # split voucher
            half = (b["igst"] / 2).quantize(Decimal("0.01"))
            books.append(dict(line, **{"Voucher No.": f"IMP/{i + 1:03d}A",
                                       "Integrated Tax": half,
                                       "Assessable Value": line["Assessable Value"] / 2}))
            line.update({"Voucher No.": f"IMP/{i + 1:03d}B", "Integrated Tax": b["igst"] - half,
                         "Assessable Value": line["Assessable Value"] / 2})
        books.append(line)
    books.append({"Voucher No.": "IMP/099", "Port Code": missing["portcode"],
                  "Bill of Entry No.": missing["boenum"], "Bill of Entry Date": missing["boedt"],
                  "Assessable Value": missing["txval"], "Integrated Tax": missing["igst"],
                  "Cess": missing["cess"]})
    with open(OUT / "books.csv", "w", newline="", encoding="utf-8-sig") as fh:
        w = csv.DictWriter(fh, fieldnames=list(books[0]))
        w.writeheader()
        for line in books:
            w.writerow({k: (f"{v:.2f}" if isinstance(v, Decimal) else v) for k, v in line.items()})

    # The customs broker's BoE list: everything cleared, including the missing BoE.
    with open(OUT / "boe_list.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Port Code", "BE No", "BE Date", "Reference Date", "Assessable Value",
                    "IGST", "Cess"])
        for b in all_boes + [missing]:
            w.writerow([b["portcode"], b["boenum"], b["boedt"], b["refdt"], f"{b['txval']:.2f}",
                        f"{b['igst']:.2f}", f"{b['cess']:.2f}"])

    # Actions taken before tonight (the accountant's earlier sittings).
    acts = []
    for b in oct_impg + oct_sez:
        acts.append((b, "Accept", "07-11-2025", ""))
    acts[2] = (oct_impg[2], "Keep Pending", "10-11-2025", "goods in bonded warehouse")
    acts[6] = (oct_impg[6], "Keep Pending", "10-11-2025", "quality check at factory")
    acts.append((oct_impg[2], "Accept", "08-12-2025", "cleared from warehouse"))
    del acts[11]                                            # left without action: deemed
    for b in nov_impg[:9]:
        acts.append((b, "Accept", "09-12-2025", ""))
    acts.append((nov_impg[12], "Keep Pending", "09-12-2025",
                 "belongs to our Gujarat GSTIN: GSTIN amendment asked at customs"))
    acts.append((amended, "Accept", "10-12-2025", "re-assessed BoE checked"))
    acts.append((moved, "Accept", "10-12-2025",
                 "moved to our Gujarat GSTIN by customs: October's credit reversed"))
    with open(OUT / "actions.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Port Code", "BoE No", "BoE Date", "Action", "Date", "Remark"])
        for b, action, when, remark in acts:
            w.writerow([b["portcode"], b["boenum"], b["boedt"], action, when, remark])


if __name__ == "__main__":
    main()
