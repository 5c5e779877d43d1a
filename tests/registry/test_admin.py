"""Registry admin: industries are kept here; enterprises, lines, licenses only shown."""

from phaseout.registry.models import Enterprise
from tests.conftest import login
from tests.registry.records import make_license, make_line


def test_pages_render(admin_client, east_enterprise):
    line = make_line(east_enterprise)
    license_ = make_license(east_enterprise)
    for url in (
        "/admin/registry/industry/?q=水泥",
        "/admin/registry/enterprise/",
        "/admin/registry/enterprise/?q=城东",
        f"/admin/registry/enterprise/{east_enterprise.pk}/change/",
        f"/admin/registry/enterprise/{east_enterprise.pk}/history/",
        "/admin/registry/productionline/",
        f"/admin/registry/productionline/{line.pk}/change/",
        "/admin/registry/license/",
        f"/admin/registry/license/{license_.pk}/change/",
    ):
        assert admin_client.get(url).status_code == 200, url


def test_enterprises_cannot_be_added_changed_or_deleted_here(admin_client, east_enterprise):
    assert admin_client.get("/admin/registry/enterprise/add/").status_code == 403
    url = f"/admin/registry/enterprise/{east_enterprise.pk}/change/"
    admin_client.post(url, {"name": "改名"})
    east_enterprise.refresh_from_db()
    assert east_enterprise.name == "城东水泥有限公司"
    delete = f"/admin/registry/enterprise/{east_enterprise.pk}/delete/"
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert Enterprise.objects.filter(pk=east_enterprise.pk).exists()


def test_history_versions_are_shown_not_reverted(admin_client, east_enterprise):
    Enterprise.objects.filter(pk=east_enterprise.pk).update(name="后来的名称")
    version = east_enterprise.history.get()
    url = f"/admin/registry/enterprise/{east_enterprise.pk}/history/{version.history_id}/"
    assert admin_client.get(url).status_code == 200
    assert admin_client.post(url, {"name": "城东水泥有限公司"}).status_code == 403
    east_enterprise.refresh_from_db()
    assert east_enterprise.name == "后来的名称"


def test_officers_are_not_staff(client, county_officer):
    response = login(client, county_officer).get("/admin/registry/enterprise/")
    assert response.status_code == 302


def test_ledger_imports_are_listed_not_editable(admin_client, db):
    from phaseout.registry.models import LedgerImport

    record = LedgerImport.objects.create(files=[{"name": "台账.xlsx"}], enterprises_created=3)
    assert admin_client.get("/admin/registry/ledgerimport/").status_code == 200
    assert admin_client.get("/admin/registry/ledgerimport/add/").status_code == 403
    url = f"/admin/registry/ledgerimport/{record.pk}/delete/"
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert LedgerImport.objects.filter(pk=record.pk).exists()
