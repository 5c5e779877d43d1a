"""What the management commands share: the files they read and the user they act as."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext as _


def require_readable(paths: Iterable[str]) -> None:
    """Stop, naming the file, before anything is read if one of the files cannot be opened."""
    for path in paths:
        try:
            with open(path, "rb"):
                pass
        except OSError as exc:
            raise CommandError(
                _("无法打开文件 %(path)s：%(error)s") % {"path": path, "error": exc.strerror}
            ) from exc


def user_named(name: str | None):
    """The user a command acts as (--user / --as), or None for an operator's run."""
    if not name:
        return None
    User = get_user_model()
    try:
        return User.objects.get(**{User.USERNAME_FIELD: name})
    except User.DoesNotExist as exc:
        raise CommandError(_("没有用户“%(name)s”。") % {"name": name}) from exc
