from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "phaseout.core"
    label = "core"
    verbose_name = "phaseout"
