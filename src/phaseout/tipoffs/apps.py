from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def create_cache_tables(sender, using="default", verbosity=1, **kwargs) -> None:
    """The rate limits of the public pages count in a DatabaseCache table (settings.CACHES
    "ratelimit"): make it whenever the database is migrated, so `phaseout migrate` is enough."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


class TipoffsConfig(AppConfig):
    name = "phaseout.tipoffs"
    verbose_name = _("举报")

    def ready(self) -> None:
        post_migrate.connect(create_cache_tables, sender=self, dispatch_uid="tipoffs-cache-tables")
