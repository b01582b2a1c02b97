"""Every message the rules can give (rules.md section 6): a stable code, a severity, and a
sentence that tells the accountant what to do.

The sentences are the product: they appear in the Messages column, in worksheet-function
cells and on the command line. Keep them short, concrete and in the accountant's words.

>>> m = message("REJECT_NEEDS_REMARK")
>>> m.code, m.severity.value
('REJECT_NEEDS_REMARK', 'error')
>>> message("CUTOFF_NEAR", days=2, deadline="14-11-2025").text
'GSTR-2B is generated on 14-11-2025 (in 2 days): act on this BoE before then, or it will be deemed accepted.'
"""

from __future__ import annotations

from .models import Message, Severity

__all__ = ["MESSAGES", "message"]

E, W = Severity.ERROR, Severity.WARNING

# code: (severity, sentence template). Templates are filled with str.format(**context).
MESSAGES: dict[str, tuple[Severity, str]] = {
    "ACTION_UNKNOWN": (E, "Action {action!r} is not one of Accept, Keep Pending or Reject "
                          "(or blank for no action): it is ignored. Choose one from the list."),
    "REJECT_NEEDS_REMARK": (E, "A Reject needs a remark saying why (for example 'belongs to "
                               "another GSTIN' or 'duplicate'): the Reject is ignored until "
                               "you add one."),
    "REJECT_NOT_ON_PORTAL": (W, "GSTN's advisory of 30-10-2025 offers only Accept or Keep "
                                "Pending for Bills of Entry: the portal may refuse this Reject. "
                                "Check on the portal, or use Keep Pending."),
    "REJECT_BLOCKED": (E, "The portal offers only Accept and Keep Pending for a Bill of Entry "
                          "(reject policy 'block'): this Reject is ignored. Use Keep Pending; "
                          "if the BoE belongs to another GSTIN, ask customs (ICEGATE) for a "
                          "GSTIN amendment of the BoE."),
    "ACTION_BEFORE_IMS": (W, "This BoE is from period {period}, before IMS took up Bills of "
                             "Entry ({start}): it went straight to GSTR-2B, so the action of "
                             "{action_date} is ignored."),
    "GSTIN_MOVED": (W, "Customs moved this BoE to GSTIN {new} (a GSTIN amendment): {detail}"),
    "ACTION_AFTER_CLOSE": (E, "This action of {action_date} came after GSTR-3B of {period} was "
                              "filed on {closed}: the BoE had already left IMS as {status}, so the "
                              "action is ignored."),
    "ACTION_ON_SUPERSEDED": (W, "This BoE was amended: the action of {action_date} is on the "
                                "older version and is ignored. Act on the latest amendment "
                                "instead."),
    "CUTOFF_NEAR": (W, "GSTR-2B is generated on {deadline} (in {days} days): act on this BoE "
                       "before then, or it will be deemed accepted."),
    "PENDING_LIMIT": (W, "Keep Pending is honoured only until the close of the next period "
                         "(pending limit 'one_period'): {detail}"),
    "TIME_BARRED": (E, "Still pending on {deadline}, the section 16(4) time limit ({why}): "
                       "its credit is lost for good (pending limit 'section_16_4'). Later "
                       "actions are ignored."),
    "NEGATIVE_DIFFERENTIAL": (W, "This amendment reduces the credit already taken (IGST "
                                 "{igst}, cess {cess}): the reduction is netted against the "
                                 "import credit of {period} in GSTR-3B Table 4 (4(A)(1) falls "
                                 "by it; what it cannot absorb is 4(B)(2))."),
    "DUPLICATE_RECORD": (E, "Duplicate of an earlier row for the same BoE, amendment and "
                            "reference date: left out of every figure. Delete one of the two "
                            "rows."),
    "PORT_CODE_INVALID": (E, "Port code {value!r} is not 6 letters and digits (for example "
                             "INNSA1). Correct it from the Bill of Entry."),
    "PORT_CODE_UNUSUAL": (W, "Port code {value!r} does not look like an Indian port code "
                             "(IN + 3 letters + 1 letter or digit, for example INNSA1). Check it "
                             "against the Bill of Entry."),
    "BOE_NUMBER_INVALID": (E, "{problem}"),
    "GSTIN_INVALID": (E, "{role} GSTIN {value!r} is not valid: {problem}"),
    "GSTIN_OTHER": (E, "This BoE is for GSTIN {value}, not {own} (the GSTIN in Settings): it "
                       "is left out of every figure (another client's file was probably "
                       "loaded). If customs named the wrong importer, ask customs (ICEGATE) "
                       "for a GSTIN amendment."),
    "DATE_ORDER": (E, "{problem}"),
    "AMOUNT_INVALID": (E, "{problem}"),
}


def message(code: str, **context: object) -> Message:
    """Build the message for ``code``, filling its sentence from ``context``."""
    severity, template = MESSAGES[code]
    return Message(code, severity, template.format(**context))
