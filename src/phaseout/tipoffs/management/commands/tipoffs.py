"""`phaseout tipoffs rotate-keys`: re-encrypt every reporter's identity under the first key of
PHASEOUT_DATA_KEYS (docs/configuration.md, docs/tipoffs.md)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from phaseout.tipoffs import services


class Command(BaseCommand):
    help = "Tip-off maintenance. rotate-keys: re-encrypt reporters' data under the first key."

    def add_arguments(self, parser):
        parser.add_argument("task", choices=["rotate-keys"])

    def handle(self, *args, task, **options):
        if task == "rotate-keys":
            count = services.rotate_keys()
            self.stdout.write(_("已用第一个密钥重新加密 %(n)d 条举报的举报人信息。") % {"n": count})
