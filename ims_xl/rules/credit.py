"""Credit (rules.md section 5): ITC effects of versions and the figures of each period."""

from __future__ import annotations

from ..models import (GSTR2B_SECTIONS, ZERO, BoeVersion, Bucket, Heads, PeriodFigures,
                      SectionTotals, Status, VersionResult)
from ..periods import Period
from .context import Context

__all__ = ["itc_effects", "period_figures"]


def itc_effects(chain: list[tuple[BoeVersion, VersionResult]]) -> None:
    """Set ``itc`` on the accepted versions of one BoE, given in version order.

    The effect is the version's (IGST, cess) less that of the latest earlier version that was
    accepted or deemed accepted: an amendment of an accepted BoE carries the differential
    (possibly negative); an amendment of a never-accepted BoE carries its full value.
    """
    prev_igst = prev_cess = ZERO
    for version, result in chain:
        if result.status.gives_credit:
            result.itc = Heads(version.igst - prev_igst, version.cess - prev_cess)
            prev_igst, prev_cess = version.igst, version.cess


def period_figures(pairs: list[tuple[BoeVersion, VersionResult]], ctx: Context,
                   first: Period) -> dict[Period, PeriodFigures]:
    figures = {
        p: PeriodFigures(p, "closed" if ctx.close(p) is not None else "open",
                         {s: SectionTotals() for s in GSTR2B_SECTIONS}, Heads(), Bucket(),
                         Bucket())
        for p in ctx.periods(first, ctx.current)
    }
    for version, result in pairs:
        for step in result.history:
            fig = figures.get(step.period)
            if fig is None:
                continue
            status = step.status
            if status is Status.PENDING:
                _count(fig.pending, version)
            elif status is Status.REJECTED:
                _count(fig.rejected, version)
            elif status.gives_credit and result.itc is not None:
                totals = fig.gstr2b[version.gstr2b_section]
                totals.count += 1
                totals.taxable_value += version.taxable_value
                totals.igst += result.itc.igst
                totals.cess += result.itc.cess
                fig.net.add(result.itc.igst, result.itc.cess)
    return figures


def _count(bucket: Bucket, version: BoeVersion) -> None:
    bucket.count += 1
    bucket.igst += version.igst
    bucket.cess += version.cess
