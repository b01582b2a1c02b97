"""The column names each field is known by, in portal files, ICEGATE/broker lists and books.

Matching ignores case, spaces, punctuation and a trailing currency word (see
:func:`ims_xl.io.tabular.norm`), so ``BE No``, ``B/E No.`` and ``be_no`` are one name. The
first name of each list is the one suggested in messages. Group headers of two-row headers are
joined with the column's own header: ``Bill of Entry Details - Number``.
"""

from __future__ import annotations

__all__ = ["ALIASES"]

ALIASES: dict[str, tuple[str, ...]] = {
    "port_code": ("Port Code", "Port", "Port Cd", "Portcode", "Customs Port Code",
                  "Port of Import Code", "Port Code of Import"),
    "boe_number": ("Bill of Entry No.", "Bill of Entry Number", "BoE No", "BoE Number",
                   "BE No", "BE Number", "Bill of Entry Details - Number",
                   "Bill of Entry Details - Bill of Entry Number", "Bill of Entry",
                   "Bill of Entry No", "BOE Num", "boenum", "benum"),
    "boe_date": ("Bill of Entry Date", "BoE Date", "BE Date", "Bill of Entry Details - Date",
                 "Bill of Entry Details - Bill of Entry Date", "Date of Bill of Entry",
                 "boedt", "bedt"),
    "ref_date": ("ICEGATE Reference Date", "Reference Date", "Ref Date", "Ref. Date",
                 "OOC Date", "Out of Charge Date", "Out of Charge", "refdt",
                 "ICEGATE Ref Date"),
    "taxable_value": ("Taxable Value", "Assessable Value", "Bill of Entry Details - Taxable Value",
                      "Assessable Value (INR)", "Ass Value", "Assess Value", "txval",
                      "Taxable Amount"),
    "igst": ("IGST", "Integrated Tax", "Amount of Tax - Integrated Tax", "IGST Amount",
             "IGST Amt", "Integrated Tax Amount", "Integrated Tax Amt", "IGST Paid", "iamt"),
    "cess": ("Cess", "Amount of Tax - Cess", "Cess Amount", "Cess Amt", "Compensation Cess",
             "Comp Cess", "GST Cess", "csamt"),
    "supplier_gstin": ("Supplier GSTIN", "GSTIN of Supplier", "GSTIN of SEZ Supplier",
                       "SEZ Supplier GSTIN", "Party GSTIN", "Supplier GSTIN/UIN",
                       "GSTIN/UIN of Supplier", "ctin", "sgstin"),
    "supplier_name": ("Trade/Legal Name", "Trade Name", "Legal Name", "Supplier Name",
                      "Trade/Legal Name of Supplier", "Party Name", "SEZ Supplier Name",
                      "trdnm", "tdname"),
    "importer_gstin": ("Importer GSTIN", "GSTIN of Importer", "Company GSTIN",
                       "Recipient GSTIN", "Own GSTIN"),
    "amendment": ("Amended (Yes)", "Amended", "Is Amended", "Amendment", "isamd", "amd"),
    "section": ("Section", "IMS Section", "GSTR-2B Section", "Table"),
    "period": ("Return Period", "Tax Period", "GSTR-2B Period", "Period", "rtnprd"),
    "voucher": ("Voucher No.", "Voucher Number", "Vch No.", "PI No", "PI Number",
                "Purchase Invoice No", "Doc No", "Document No", "Document Number",
                "Reference No", "Bill No"),
    "action": ("Action", "IMS Action", "Action Taken", "Action to Take"),
    "action_date": ("Action Date", "Date", "Date of Action", "Action On"),
    "remark": ("Remark", "Remarks", "Reason", "Comment", "Comments", "Note", "Notes"),
    "record_id": ("Record ID", "ID", "Record"),
}
