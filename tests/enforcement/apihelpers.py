"""Small helpers for the enforcement API tests."""

from __future__ import annotations

CASES = "/api/cases/"


def url(case, tail: str = "") -> str:
    pk = case if isinstance(case, int) else case.pk
    return f"{CASES}{pk}/{tail}"


def post(client, case, tail: str, data=None, **extra):
    """POST JSON to an act of ``case``; ``extra`` are request headers (``HTTP_IF_MATCH=…``)."""
    tail = tail if tail.endswith("/") else tail + "/"
    return client.post(url(case, tail), data or {}, content_type="application/json", **extra)


def acts(body: dict) -> list[str]:
    return [a["act"] for a in body["available_actions"]]
