"""演示名单: the city's five lists for `phaseout demo`, prepared, reviewed and published through
the services on the day of loading, so the public portal (/public/) has something to show.

示范市工业和信息化局 publishes the yellow, red and annual exit lists (city_officer prepares,
city_reviewer reviews and publishes); 示范市生态环境局 the two environment lists (city_env,
city_env_reviewer). Each list covers the city and everything under it (derive.py). Loaded once:
if any list exists, nothing is added."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from phaseout.disclosure import services
from phaseout.disclosure.choices import ListKind
from phaseout.disclosure.models import ListSnapshot
from phaseout.regions.models import Region

CITY = "990100"
PUBLISHERS = {
    ListKind.YELLOW: ("city_officer", "city_reviewer"),
    ListKind.RED: ("city_officer", "city_reviewer"),
    ListKind.ENV_EXCEEDING: ("city_env", "city_env_reviewer"),
    ListKind.ENV_SERIOUS: ("city_env", "city_env_reviewer"),
    ListKind.ANNUAL_EXIT: ("city_officer", "city_reviewer"),
}


@transaction.atomic
def load() -> list[str]:
    """The numbers of the lists published (none on a second load, or without the demo's people)."""
    if ListSnapshot.objects.exists():
        return []
    users = get_user_model().objects.in_bulk(
        {name for pair in PUBLISHERS.values() for name in pair}, field_name="username"
    )
    city = Region.objects.current().filter(code=CITY).first()
    if city is None or len(users) < 4:
        return []
    today = timezone.localdate()
    numbers = []
    for kind, (preparer, reviewer) in PUBLISHERS.items():
        year = today.year if kind == ListKind.ANNUAL_EXIT else None
        snapshot = services.prepare_list(
            kind, region=city, cut_off=today, year=year, by=users[preparer]
        )
        services.review_list(snapshot, by=users[reviewer])
        numbers.append(services.publish_list(snapshot, by=users[reviewer]).number)
    return numbers
