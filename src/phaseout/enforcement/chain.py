"""The hash chain of a case file (案卷防篡改链).

Each event stores ``prev_hash`` (the hash of the event before it; 64 zeros for the first) and
``hash`` = SHA-256 of the canonical JSON of its own content and ``prev_hash``. A file attached to
an event (evidence, a generated document) is in the content by its SHA-256, so changing a stored
file breaks the chain as surely as changing a row. ``verify`` recomputes everything and names the
first event that does not match.

Written by hand: the chain is twenty lines of hashlib and the event model is our own
(DESIGN.md, "Stack": django-fsm's log is not used; our own event model is the log).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.utils.translation import gettext as _

GENESIS = "0" * 64


def canonical(content: dict) -> bytes:
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def event_content(event) -> dict:
    """What an event's hash covers. ``event`` is a CaseEvent (saved or not)."""
    return {
        "case": event.case_id,
        "seq": event.seq,
        "kind": event.kind,
        "at": event.at.isoformat(),
        "actor": event.actor_id,
        "actor_name": event.actor_name,
        "from": event.from_state,
        "to": event.to_state,
        "summary": event.summary,
        "payload": event.payload,
        "prev": event.prev_hash,
    }


def event_hash(event) -> str:
    return hashlib.sha256(canonical(event_content(event))).hexdigest()


def file_sha256(field_file) -> str:
    digest = hashlib.sha256()
    field_file.open("rb")
    try:
        for chunk in field_file.chunks():
            digest.update(chunk)
    finally:
        field_file.close()
    return digest.hexdigest()


@dataclass(frozen=True)
class Verification:
    ok: bool
    events: int
    broken_seq: int | None = None
    reason: str = ""

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "events": self.events,
            "broken_seq": self.broken_seq,
            "reason": self.reason,
        }


def verify(case, *, check_files: bool = True) -> Verification:
    """Recompute the chain of one case; the first event that does not hold is named."""
    from phaseout.enforcement.models import Document, Evidence

    files = {}
    if check_files:
        for model in (Evidence, Document):
            for row in model.objects.filter(case=case):
                files[row.sha256] = row
    prev = GENESIS
    count = 0
    for count, event in enumerate(case.events.order_by("seq"), start=1):
        if event.seq != count:
            return Verification(
                False, count, event.seq, _("事件序号不连续（应为 %(n)d）。") % {"n": count}
            )
        if event.prev_hash != prev:
            return Verification(False, count, event.seq, _("与前一事件的链接不符。"))
        if event_hash(event) != event.hash:
            return Verification(False, count, event.seq, _("事件内容已被改动。"))
        for attached in event.payload.get("files", []):
            row = files.get(attached["sha256"]) if check_files else None
            if check_files and row is None:
                return Verification(
                    False, count, event.seq, _("附件 %(name)s 不在案卷中。") % attached
                )
            if check_files:
                try:
                    digest = file_sha256(row.file)
                except FileNotFoundError:
                    return Verification(
                        False, count, event.seq, _("附件 %(name)s 的文件已丢失。") % attached
                    )
                if digest != attached["sha256"]:
                    return Verification(
                        False, count, event.seq, _("附件 %(name)s 的内容已被改动。") % attached
                    )
        prev = event.hash
    head = type(case).objects.filter(pk=case.pk).values_list("chain_head", flat=True).first()
    if head != (prev if count else ""):
        return Verification(False, count, None, _("案件记录的链头与最后一个事件不符。"))
    return Verification(True, count)
