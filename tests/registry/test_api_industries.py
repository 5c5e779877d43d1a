"""/api/industries/: GB/T 4754 reference data, read-only, the same for every person."""

from tests.conftest import login

LIST = "/api/industries/"


def test_anonymous_is_refused(client, db):
    assert client.get(LIST).status_code in (401, 403)


def test_everyone_logged_in_reads_industries(client, enterprise_user):
    body = login(client, enterprise_user).get(LIST, {"is_key": "true"}).json()
    cement = next(row for row in body["results"] if row["code"] == "3011")
    assert cement == {
        "id": cement["id"],
        "code": "3011",
        "name": "水泥制造",
        "parent": "30",
        "is_key": True,
        "note": "",
    }


def test_read_only(client, county_officer):
    login(client, county_officer)
    response = client.post(LIST, {"code": "9999", "name": "x"}, content_type="application/json")
    assert response.status_code == 405
