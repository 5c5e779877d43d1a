"""The lists as they stood at a cut-off date, computed from the case files (pure queries).

A case's state at a cut-off day is the ``to_state`` of its last state-bearing event whose ``at``
falls on or before that day (Beijing time): the case file is append-only, so a list computed for
a past cut-off never changes when a case moves on later.

The definitions (工信部联产业〔2017〕30号 二十一; seed 000 row 16; seed 003 三(四)):

* 黄牌 — 不达标应限期整改: an ENERGY, QUALITY or SAFETY case under rectification (rectifying,
  extension requested, overdue), or a TECHNOLOGY case whose eliminated equipment is being
  dismantled (exit ordered, sealed awaiting dismantling; 30号文 八 限时拆除).
* 红牌 — 经整改仍不达标、已依法关闭: an ENERGY, QUALITY, SAFETY or ENVIRONMENT case that reached
  the exit order (exit ordered, sealed, exited).
* 超标排放 — an ENVIRONMENT case open at the cut-off; 情节严重 — those marked serious by then
  (the re-inspection or the request for approval that said so).
* 年度退出 — the lines (or whole enterprises) accepted as exited within the year, by the cut-off,
  and still exited at it, with their capacity and unit (30号文 二十一: 企业名单、设备（生产线）和产能).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from decimal import Decimal

from django.utils import timezone

from phaseout.disclosure.choices import ListKind
from phaseout.enforcement.choices import OPEN_STATES, CaseState
from phaseout.enforcement.models import Case, CaseEvent
from phaseout.regions.models import Region
from phaseout.registry.models import ProductionLine
from phaseout.screening.choices import Dimension

S = CaseState
D = Dimension

WHOLE_ENTERPRISE = "整个企业"

YELLOW_RECTIFYING = frozenset({S.RECTIFYING, S.EXTENSION_REQUESTED, S.OVERDUE})
YELLOW_DISMANTLING = frozenset({S.EXIT_ORDERED, S.SEALED})
RED_STATES = frozenset({S.EXIT_ORDERED, S.SEALED, S.EXITED})

DIMENSIONS = {
    ListKind.YELLOW: (D.ENERGY, D.QUALITY, D.SAFETY, D.TECHNOLOGY),
    ListKind.RED: (D.ENERGY, D.QUALITY, D.SAFETY, D.ENVIRONMENT),
    ListKind.ENV_EXCEEDING: (D.ENVIRONMENT,),
    ListKind.ENV_SERIOUS: (D.ENVIRONMENT,),
    ListKind.ANNUAL_EXIT: tuple(D.values),
}


@dataclass(frozen=True)
class EntryData:
    """One row of a list, as plain data (what a snapshot copies)."""

    enterprise_id: int
    enterprise_name: str
    credit_code: str
    region_code: str
    region_name: str
    industry_code: str
    industry_name: str
    dimension: str
    case_id: int
    case_number: str
    line_code: str  # "" when the entry is the whole enterprise
    equipment: str
    since: datetime.date
    capacity: Decimal | None
    capacity_unit: str
    reason: str

    @property
    def key(self) -> tuple[int, str]:
        return (self.case_id, self.line_code)

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Step:
    """A case's state (and seriousness) after one of its events."""

    on: datetime.date
    state: str
    serious: bool
    event: CaseEvent


def end_of(day: datetime.date) -> datetime.datetime:
    """The first moment after ``day`` in the project's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min)) + (
        datetime.timedelta(days=1)
    )


def steps(events: Iterable[CaseEvent]) -> list[Step]:
    """The states a case passed through, from its state-bearing events in ``seq`` order.

    Seriousness (情节严重) follows the acts that record it: a failed re-inspection can add it
    (``case.serious or serious``) and a request for approval states it."""
    result, serious = [], False
    for event in events:
        if not event.to_state:
            continue
        payload = event.payload or {}
        if "serious" in payload:
            if "government" in payload:  # the request for approval states it
                serious = bool(payload["serious"])
            elif payload.get("compliant") is False:  # a failed re-inspection may add it
                serious = serious or bool(payload["serious"])
        result.append(Step(timezone.localdate(event.at), event.to_state, serious, event))
    return result


def is_member(kind: str, dimension: str, step: Step) -> bool:
    """Whether a case of ``dimension`` in the state of ``step`` is on list ``kind``."""
    state = step.state
    if kind == ListKind.YELLOW:
        if dimension == D.TECHNOLOGY:
            return state in YELLOW_DISMANTLING
        return dimension in (D.ENERGY, D.QUALITY, D.SAFETY) and state in YELLOW_RECTIFYING
    if kind == ListKind.RED:
        return dimension in DIMENSIONS[ListKind.RED] and state in RED_STATES
    if kind == ListKind.ENV_EXCEEDING:
        return dimension == D.ENVIRONMENT and state in OPEN_STATES
    if kind == ListKind.ENV_SERIOUS:
        return dimension == D.ENVIRONMENT and state in OPEN_STATES and step.serious
    if kind == ListKind.ANNUAL_EXIT:
        return state == S.EXITED
    raise ValueError(f"unknown list kind {kind!r}")


def _cases(kind: str, region: Region, cut_off: datetime.date):
    return (
        Case.objects.filter(
            region__code__startswith=region.prefix,
            dimension__in=DIMENSIONS[kind],
            opened_at__lt=end_of(cut_off),
        )
        .select_related("enterprise__industry", "region", "line")
        .order_by("id")
    )


def _timelines(case_ids: list[int], cut_off: datetime.date) -> dict[int, list[Step]]:
    events = defaultdict(list)
    rows = (
        CaseEvent.objects.filter(case_id__in=case_ids, at__lt=end_of(cut_off))
        .exclude(to_state="")
        .only("case_id", "seq", "at", "to_state", "payload")
        .order_by("case_id", "seq")
    )
    for event in rows:
        events[event.case_id].append(event)
    return {case_id: steps(rows) for case_id, rows in events.items()}


def _first_line(text: str) -> str:
    text = (text or "").strip()
    return text.splitlines()[0].strip()[:500] if text else ""


def _entry(case: Case, since: datetime.date, **line) -> EntryData:
    enterprise = case.enterprise
    if not line:
        subject = case.line
        line = {
            "line_code": subject.code if subject else "",
            "equipment": subject.get_equipment_type_display() if subject else WHOLE_ENTERPRISE,
            "capacity": subject.capacity if subject else None,
            "capacity_unit": subject.capacity_unit if subject else "",
        }
    return EntryData(
        enterprise_id=enterprise.pk,
        enterprise_name=enterprise.name,
        credit_code=enterprise.credit_code,
        region_code=case.region.code,
        region_name=case.region.name,
        industry_code=enterprise.industry.code,
        industry_name=enterprise.industry.name,
        dimension=case.dimension,
        case_id=case.pk,
        case_number=case.number,
        since=since,
        reason=_first_line(case.facts),
        **line,
    )


def _since(kind: str, dimension: str, timeline: list[Step]) -> datetime.date | None:
    """The day the case last came onto the list, if it is on it after the last step."""
    since = None
    for step in timeline:
        if is_member(kind, dimension, step):
            since = since or step.on
        else:
            since = None
    return since


def entries(
    kind: str, *, region: Region, cut_off: datetime.date, year: int | None = None
) -> list[EntryData]:
    """List ``kind`` for ``region`` and everything under it, as it stood at the end of
    ``cut_off``. ``year`` is the exit year of the annual exit list (required there only)."""
    if kind not in ListKind.values:
        raise ValueError(f"unknown list kind {kind!r}")
    if (kind == ListKind.ANNUAL_EXIT) != (year is not None):
        raise ValueError("the year belongs to the annual exit list, and only to it")
    cases = list(_cases(kind, region, cut_off))
    timelines = _timelines([case.pk for case in cases], cut_off)
    if kind == ListKind.ANNUAL_EXIT:
        result = _annual_exit(cases, timelines, cut_off, year)
    else:
        result = []
        for case in cases:
            since = _since(kind, case.dimension, timelines.get(case.pk, []))
            if since is not None:
                result.append(_entry(case, since))
    return sorted(
        result, key=lambda e: (e.region_code, e.enterprise_name, e.case_number, e.line_code)
    )


def _annual_exit(cases, timelines, cut_off: datetime.date, year: int) -> list[EntryData]:
    exits = []
    for case in cases:
        timeline = timelines.get(case.pk, [])
        if not timeline or timeline[-1].state != S.EXITED:
            continue  # not exited at the cut-off (or restarted since: 回头看)
        # The acceptance (验收) that put it there; a later follow-up event may repeat the state.
        payload = next(
            (
                step.event.payload
                for step in reversed(timeline)
                if step.state == S.EXITED and "accepted_on" in (step.event.payload or {})
            ),
            None,
        )
        if payload is None:
            continue
        accepted_on = datetime.date.fromisoformat(payload["accepted_on"])
        if accepted_on.year == year and accepted_on <= cut_off:
            exits.append((case, accepted_on, payload.get("lines") or []))
    line_ids = {line["id"] for _case, _on, lines in exits for line in lines}
    equipment = {
        line.pk: line.get_equipment_type_display()
        for line in ProductionLine.objects.filter(pk__in=line_ids).only("id", "equipment_type")
    }
    result = []
    for case, accepted_on, lines in exits:
        if not lines:
            result.append(
                _entry(
                    case,
                    accepted_on,
                    line_code="",
                    equipment=WHOLE_ENTERPRISE,
                    capacity=None,
                    capacity_unit="",
                )
            )
        for line in lines:
            result.append(
                _entry(
                    case,
                    accepted_on,
                    line_code=line["code"],
                    equipment=equipment.get(line["id"], ""),
                    capacity=Decimal(line["capacity"]),
                    capacity_unit=line["unit"],
                )
            )
    return result


def left_on(
    kind: str, case_id: int, *, after: datetime.date, cut_off: datetime.date
) -> datetime.date | None:
    """The day the case's event took it off list ``kind``: the last move from on the list to
    off it after ``after`` and by ``cut_off``; None when no event did (e.g. the case left the
    region's scope)."""
    case = Case.objects.only("dimension").get(pk=case_id)
    timeline = _timelines([case_id], cut_off).get(case_id, [])
    left, was_member = None, False
    for step in timeline:
        member = is_member(kind, case.dimension, step)
        if was_member and not member and step.on > after:
            left = step.on
        was_member = member
    return left
