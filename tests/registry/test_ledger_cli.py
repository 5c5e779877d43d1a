"""phaseout import-ledger and export-ledger."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from phaseout.registry.models import Enterprise, LedgerImport
from tests.registry.ledger_files import Ledger


def run(*args):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_then_reimport(jurisdiction, tmp_path):
    path = Ledger(n=2).xlsx(tmp_path / "台账.xlsx")

    out, _ = run("import_ledger", str(path))
    assert "企业：新增2" in out and "生产线：新增4" in out
    out, _ = run("import_ledger", str(path))
    assert "企业：新增0，更新0，未变2" in out
    assert LedgerImport.objects.filter(user__isnull=True).count() == 2


def test_errors_print_the_table_and_fail(jurisdiction, tmp_path):
    ledger = Ledger(n=2)
    ledger.set("lines", 0, "产能单位", "千安")
    err = StringIO()

    with pytest.raises(CommandError, match="发现1个问题"):
        call_command("import_ledger", str(ledger.xlsx(tmp_path / "a.xlsx")), stderr=err)

    assert "a.xlsx［生产线］" in err.getvalue() and "产能单位*" in err.getvalue()
    assert not Enterprise.objects.exists()


def test_dry_run_and_user_scope(county_officer, tmp_path):
    ledger = Ledger(n=1, region="990121")
    path = ledger.xlsx(tmp_path / "a.xlsx")

    with pytest.raises(CommandError):
        call_command("import_ledger", str(path), "--user", "east_officer", stderr=StringIO())
    out, _ = run("import_ledger", str(path), "--dry-run")
    assert "仅校验" in out and not Enterprise.objects.exists()


def test_unknown_user_and_missing_file(jurisdiction, tmp_path):
    with pytest.raises(CommandError, match="没有用户"):
        call_command("import_ledger", str(Ledger().xlsx(tmp_path / "a.xlsx")), "--user", "nobody")
    with pytest.raises(CommandError, match="无法打开文件"):
        call_command("import_ledger", str(tmp_path / "missing.csv"))


def test_export_csv_pair_reimports_unchanged(county_officer, tmp_path):
    run("import_ledger", str(Ledger(n=2).xlsx(tmp_path / "a.xlsx")))

    out, _ = run("export_ledger", str(tmp_path / "台账.csv"), "--user", "east_officer")

    assert (tmp_path / "台账_生产线.csv").exists()
    assert "企业2家、生产线4条" in out
    out, _ = run("import_ledger", str(tmp_path / "台账.csv"), str(tmp_path / "台账_生产线.csv"))
    assert "企业：新增0，更新0，未变2；生产线：新增0，更新0，未变4" in out


def test_export_xlsx_by_region(jurisdiction, north_enterprise, east_enterprise, tmp_path):
    out, _ = run("export_ledger", str(tmp_path / "n.xlsx"), "--region", "990121")
    assert "企业1家" in out
    with pytest.raises(CommandError, match="未知的行政区划代码"):
        run("export_ledger", str(tmp_path / "n.xlsx"), "--region", "123456")
    with pytest.raises(CommandError, match=".xlsx或.csv"):
        run("export_ledger", str(tmp_path / "n.pdf"))
