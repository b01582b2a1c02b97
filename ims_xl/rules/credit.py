"""Credit (rules.md section 5): ITC effects of versions and the figures of each period."""

from __future__ import annotations

from ..models import (GSTR2B_SECTIONS, ZERO, BoeVersion, Bucket, Heads, PeriodFigures,
                      Section, SectionTotals, Status, VersionResult)
from ..periods import Period
from .context import Context

__all__ = ["itc_effects", "figures_by_period"]


def itc_effects(records: list[BoeVersion], results: list[VersionResult],
                chain: list[int]) -> None:
    """Set ``itc`` on the accepted versions of one BoE, given (as indices into ``records``
    and ``results``) in version order.

    The effect is the version's (IGST, cess) less that of the latest earlier version that was
    accepted or deemed accepted: an amendment of an accepted BoE carries the differential
    (possibly negative); an amendment of a never-accepted BoE carries its full value. A
    moved version's own (IGST, cess) are zero for this GSTIN, so its effect reverses the
    credit taken on the BoE.
    """
    prev_igst = prev_cess = ZERO
    for i in chain:
        result = results[i]
        if result.status in _CREDIT:
            if result.moved_to:
                igst = cess = ZERO
            else:
                version = records[i]
                igst, cess = version.igst, version.cess
            result.itc = Heads(igst - prev_igst, cess - prev_cess)
            prev_igst, prev_cess = igst, cess


def figures_by_period(records: list[BoeVersion], results: list[VersionResult],
                      order: list[int], ctx: Context, first: Period) -> dict[Period, PeriodFigures]:
    """The figures of every period from ``first`` to the current one, from the walked
    versions (indices in ``order``)."""
    figures = {
        p: PeriodFigures(p, "closed" if ctx.close(p) is not None else "open",
                         {s: SectionTotals() for s in GSTR2B_SECTIONS}, Heads(), Bucket(),
                         Bucket())
        for p in ctx.periods(first, ctx.current)
    }
    by_key = {p._key: fig for p, fig in figures.items()}  # hashed without a Python call
    for i in order:
        result = results[i]
        itc = result.itc
        for step in result.history:
            fig = by_key.get(step.period._key)
            if fig is None:
                continue
            status = step.status
            if status is Status.PENDING:
                _count(fig.pending, records[i], result)
            elif status is Status.REJECTED:
                _count(fig.rejected, records[i], result)
            elif status in _CREDIT and itc is not None:
                version = records[i]
                totals = fig.gstr2b[_GSTR2B_SECTION[version.section, version.amendment]]
                totals.count += 1
                if not result.moved_to:  # a moved version's taxable value counts as zero
                    totals.taxable_value += version.taxable_value
                totals.igst += itc.igst
                totals.cess += itc.cess
                net = fig.net  # N(P), as Heads.add, without the call
                net.igst += itc.igst
                net.cess += itc.cess
    return figures


# Status.gives_credit and BoeVersion.gstr2b_section, as look-ups (no call per version)
_CREDIT = frozenset(s for s in Status if s.gives_credit)
_GSTR2B_SECTION = {(section, amendment): section.gstr2b_section(amendment)
                   for section in Section for amendment in (False, True)}


def _count(bucket: Bucket, version: BoeVersion, result: VersionResult) -> None:
    bucket.count += 1
    if not result.moved_to:  # a moved version's own amounts count as zero for this GSTIN
        bucket.igst += version.igst
        bucket.cess += version.cess
