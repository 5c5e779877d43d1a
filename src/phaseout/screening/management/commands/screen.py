"""phaseout screen --campaign ID [--as USERNAME]: run a campaign from the command line."""

from __future__ import annotations

import sys

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from phaseout.core.commands import user_named
from phaseout.screening import coverage, services
from phaseout.screening.engine import campaign_rules
from phaseout.screening.models import ScreeningCampaign


class Command(BaseCommand):
    help = (
        "运行排查：按判定基准日有效的规则判定排查范围内的企业和生产线，写入不达标发现、缺少数据和覆盖情况。"
        " Run a screening campaign."
    )

    def add_arguments(self, parser):
        parser.add_argument("--campaign", type=int, required=True, metavar="ID", help="排查ID")
        parser.add_argument(
            "--as",
            dest="username",
            metavar="USERNAME",
            help="以该用户的身份和权限运行；不指定则为运维运行",
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="不显示进度条 (no progress bar)"
        )

    def handle(self, *args, **options):
        try:
            campaign = ScreeningCampaign.objects.select_related("region").get(
                pk=options["campaign"]
            )
        except ScreeningCampaign.DoesNotExist as exc:
            raise CommandError(_("没有ID为 %(id)s 的排查。") % {"id": options["campaign"]}) from exc
        user = user_named(options["username"])
        bar = tqdm(
            total=len(campaign_rules(campaign)),
            desc=_("规则"),
            unit=_("条"),
            file=sys.stderr,
            disable=options["no_progress"],
            leave=False,
        )

        def progress(rule) -> None:
            bar.set_postfix_str(rule.id, refresh=False)
            bar.update(1)

        try:
            summary = services.run_campaign(campaign, by=user, progress=progress)
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        finally:
            bar.close()
        totals = coverage.totals(summary.get("coverage") or [])
        self.stdout.write(
            self.style.SUCCESS(
                _("排查“%(name)s”（%(region)s，判定基准日 %(as_of)s）运行完成。")
                % {"name": campaign.name, "region": campaign.region.name, "as_of": campaign.as_of}
            )
        )
        self.stdout.write(
            _("适用规则 %(rules)d 条，不达标发现 %(findings)d 项。")
            % {"rules": summary["rules"], "findings": summary["findings"]}
        )
        self.stdout.write(
            _(
                "覆盖情况：企业 %(total)d 家（其中规下 %(below)d 家、手续不全 %(lacking)d 家），"
                "已排查 %(screened)d 家，有不达标 %(with_findings)d 家，缺数据 %(missing)d 家。"
            )
            % {
                "total": totals["total"],
                "below": totals["below_scale"],
                "lacking": totals["lacking_permits"],
                "screened": totals["screened"],
                "with_findings": totals["with_findings"],
                "missing": totals["missing_data"],
            }
        )
