"""Helpers for the enforcement page tests: URLs and posting an act with the version seen."""

from __future__ import annotations

from django.urls import reverse


def detail(case) -> str:
    return reverse("enforcement:case-detail", args=[case.pk])


def action_url(case, action: str) -> str:
    return reverse("enforcement:case-action", args=[case.pk, action])


def act(client, case, action: str, **data):
    """POST an act as the case page does, with the version the person saw (the current one
    unless the test says otherwise)."""
    case.refresh_from_db()
    data.setdefault("version", case.version)
    return client.post(action_url(case, action), {k: v for k, v in data.items() if v is not None})
