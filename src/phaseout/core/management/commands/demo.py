"""`phaseout demo`: load the synthetic demo jurisdiction 示范市 and print its log-ins."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from phaseout.core import demo


class Command(BaseCommand):
    help = _(
        "加载演示辖区（示范省示范市：区划、部门、约300家企业、约600条生产线、证照和演示账号）。"
        "数据是确定的，可重复运行：第二次运行不改变任何数据。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help=_("不在 DEBUG 模式下也加载（演示账号的口令是公开的，切勿用于生产库）。"),
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            # The demo creates a superuser whose password is printed and published in the README.
            raise CommandError(
                _(
                    "演示数据包含口令公开的管理员账号，只在 DEBUG=1 时加载。"
                    "确需加载到本数据库，请加 --force。"
                )
            )
        result = demo.load()
        self.stdout.write(demo.format_report(result))
