"""Garbage posted to every act (and to 立案) is a 400 naming the fields — wrong types, unknown
choices, nulls, NUL characters, missing fields, bodies that are not objects — never a 500, and
nothing is written."""

from __future__ import annotations

import pytest

from phaseout.enforcement import api
from phaseout.enforcement.models import Case, CaseEvent, Document, Evidence, Measure
from tests.conftest import login

from .apihelpers import CASES, url

# (path under the case, request serializer, who posts, takes JSON, takes multipart)
ACTS = [
    ("serve-order/", api.ServeOrderSerializer, "county_officer", True, False),
    ("request-extension/", api.RequestExtensionSerializer, "enterprise_user", True, False),
    ("decide-extension/", api.DecideExtensionSerializer, "county_officer", True, False),
    ("reinspection/", api.ReinspectionSerializer, "county_officer", True, False),
    ("request-approval/", api.RequestApprovalSerializer, "county_officer", True, False),
    ("decide-approval/", api.DecideApprovalSerializer, "county_leader", True, False),
    ("order-exit/", api.OrderExitSerializer, "county_officer", True, False),
    ("measures/", api.RecordMeasureSerializer, "county_officer", True, True),
    ("measures/1/lift/", api.LiftMeasureSerializer, "county_officer", True, False),
    ("commitment/", api.CommitmentSerializer, "enterprise_user", True, False),
    ("confirm-sealed/", api.ConfirmSealedSerializer, "county_officer", True, False),
    ("accept-exit/", api.AcceptExitSerializer, "county_officer", False, True),
    ("follow-up/", api.FollowUpSerializer, "county_officer", True, False),
    ("withdraw/", api.WithdrawSerializer, "county_officer", True, False),
    ("evidence/", api.EvidenceUploadSerializer, "enterprise_user", False, True),
    ("comments/", api.CommentSerializer, "enterprise_user", True, False),
]
IDS = [a[0].strip("/").replace("/", "-") for a in ACTS]

# Values no field of any act accepts (a bare string or number can be valid text).
OBJECT = {"$ne": None, "nested": [1, {"deep": True}]}
NUL = "2026-03-01\x00' OR 1=1 --"
ARRAY = [{"a": 1}, [2]]


def fields(serializer_class) -> dict:
    return serializer_class().fields


def snapshot():
    return (
        list(Case.objects.order_by("pk").values_list("pk", "state", "version", "event_count")),
        CaseEvent.objects.count(),
        Evidence.objects.count(),
        Document.objects.count(),
        Measure.objects.count(),
    )


@pytest.fixture
def written(rectifying):
    """Fails the test if anything was written."""
    before = snapshot()
    yield
    assert snapshot() == before


@pytest.mark.parametrize(("tail", "body", "who", "json", "multipart"), ACTS, ids=IDS)
def test_garbage_json_is_a_400_naming_every_field(
    request, client, rectifying, written, tail, body, who, json, multipart
):
    login(client, request.getfixturevalue(who))
    path = url(rectifying, tail)
    if not json:
        response = client.post(path, {"x": 1}, content_type="application/json")
        assert response.status_code == 415
        return
    names = fields(body)
    for garbage in (OBJECT, NUL, ARRAY):
        response = client.post(path, dict.fromkeys(names, garbage), content_type="application/json")
        assert response.status_code == 400, (garbage, response.content)
        assert set(response.json()) == set(names), garbage
    nullable = {n for n, f in names.items() if f.allow_null}
    response = client.post(path, dict.fromkeys(names), content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()) == set(names) - nullable


@pytest.mark.parametrize(("tail", "body", "who", "json", "multipart"), ACTS, ids=IDS)
def test_missing_fields_are_named(
    request, client, rectifying, written, tail, body, who, json, multipart
):
    login(client, request.getfixturevalue(who))
    required = {n for n, f in fields(body).items() if f.required}
    if json:
        response = client.post(url(rectifying, tail), {}, content_type="application/json")
    else:
        response = client.post(url(rectifying, tail), {})
    if required:
        assert response.status_code == 400
        assert set(response.json()) == required
    else:
        # Nothing is required (confirm-sealed): the procedure answers instead.
        assert response.status_code == 409


@pytest.mark.parametrize(("tail", "body", "who", "json", "multipart"), ACTS, ids=IDS)
def test_bodies_that_are_not_objects(
    request, client, rectifying, written, tail, body, who, json, multipart
):
    if not json:
        pytest.skip("multipart only")
    login(client, request.getfixturevalue(who))
    path = url(rectifying, tail)
    for raw in ("[1, 2, 3]", '"text"', "42", "null", "{not json", "\xff\xfe"):
        response = client.post(path, raw, content_type="application/json")
        assert response.status_code == 400, (raw, response.content)
    # An empty body is an empty object: the missing fields are named (or the procedure answers).
    required = any(f.required for f in fields(body).values())
    response = client.post(path, "", content_type="application/json")
    assert response.status_code == (400 if required else 409)


@pytest.mark.parametrize(
    ("tail", "body", "who", "json", "multipart"),
    [a for a in ACTS if a[4]],
    ids=[i for i, a in zip(IDS, ACTS, strict=True) if a[4]],
)
def test_garbage_multipart_is_a_400_naming_every_field(
    request, client, rectifying, written, tail, body, who, json, multipart
):
    login(client, request.getfixturevalue(who))
    names = fields(body)
    response = client.post(url(rectifying, tail), dict.fromkeys(names, NUL))
    assert response.status_code == 400, response.content
    assert set(response.json()) == set(names)


@pytest.mark.parametrize(("tail", "body", "who", "json", "multipart"), ACTS, ids=IDS)
def test_a_bad_if_match_or_version_is_named(
    request, client, rectifying, written, tail, body, who, json, multipart
):
    login(client, request.getfixturevalue(who))
    path = url(rectifying, tail)
    post = (
        (lambda data, **h: client.post(path, data, content_type="application/json", **h))
        if json
        else (lambda data, **h: client.post(path, data, **h))
    )
    for version in ("abc", -1, 2**40, "1.5"):
        response = post({"version": version})
        assert response.status_code == 400 and "version" in response.json()
    for header in ('"abc"', "W/", '"1', "1, 2", '"99999999999"', "\u0661"):
        response = post({}, HTTP_IF_MATCH=header)
        assert response.status_code == 400, header
        assert set(response.json()) == {"If-Match"}, header


def test_opening_a_case_with_garbage(client, county_officer, written):
    login(client, county_officer)
    names = fields(api.OpenCaseSerializer)
    for garbage in (OBJECT, NUL, ARRAY):
        response = client.post(
            CASES, dict.fromkeys(names, garbage), content_type="application/json"
        )
        assert response.status_code == 400, (garbage, response.content)
        assert set(response.json()) == set(names), garbage
    response = client.post(CASES, {}, content_type="application/json")
    assert response.status_code == 400 and set(response.json()) == {"dimension", "enterprise"}
    for raw in ("[]", "{not json", ""):
        assert client.post(CASES, raw, content_type="application/json").status_code == 400
    unknown = client.post(
        CASES,
        {"dimension": "NUCLEAR", "enterprise": 10**30, "line": -1, "findings": [10**30, "x"]},
        content_type="application/json",
    )
    assert unknown.status_code == 400
    assert set(unknown.json()) == {"dimension", "enterprise", "line", "findings"}
