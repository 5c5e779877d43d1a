"""法定节假日安排: the years the legal calendar covers, and loading a newly published year.

Every officer reads which years are covered and where each comes from (a deadline in a year not
covered is provisional); a system administrator uploads the year's YAML file (docs/deadlines.md),
which ``calendars.load_year`` checks, stores and uses to recompute the provisional deadlines.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View

from phaseout.core.forms import BootstrapFormMixin
from phaseout.enforcement import calendars
from phaseout.enforcement.calendars import MAX_FILE_BYTES, PublishedYear
from phaseout.enforcement.deadlines import calendar_years
from phaseout.enforcement.models import CalendarYear


class CalendarUploadForm(BootstrapFormMixin, forms.Form):
    """载入年度节假日安排: the YAML file, read and checked here; loaded by the view."""

    multipart = True
    file = forms.FileField(label=gettext_lazy("节假日安排文件（YAML）"))

    published: PublishedYear | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".yaml,.yml,text/yaml"
        self.fields["file"].help_text = _(
            "按国务院办公厅通知填写的 UTF-8 文本文件，字段为 year、source、published、holidays、"
            "workdays（格式见 docs/deadlines.md），不超过 %(size)d KB。"
        ) % {"size": MAX_FILE_BYTES // 1024}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise ValidationError(
                _("文件超过 %(size)d KB，不是一个年度的节假日安排。")
                % {"size": MAX_FILE_BYTES // 1024}
            )
        # Every problem of the file, each beginning with the field it is in (workdays：…).
        self.published = calendars.read_bytes(upload.read(MAX_FILE_BYTES + 1), name=upload.name)
        return upload


def year_rows(rows) -> list[dict]:
    """The loaded years as shown: the holidays named once each, with the days counted."""
    shown = []
    for row in rows:
        names = list(dict.fromkeys(row.holidays.values()))
        shown.append(
            {
                "row": row,
                "holiday_names": "、".join(names),
                "holiday_days": len(row.holidays),
                "workday_days": len(row.workdays),
            }
        )
    return shown


class CalendarView(LoginRequiredMixin, View):
    """/enforcement/calendar/: the years covered; the upload form for administrators."""

    template_name = "enforcement/calendar.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not calendars.may_view_calendar(request.user):
            raise PermissionDenied(_("只有政府部门的工作人员可以查看法定节假日安排。"))
        self.may_load = calendars.may_load_calendar(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self.render(CalendarUploadForm() if self.may_load else None)

    def post(self, request):
        if not self.may_load:
            raise PermissionDenied(_("只有系统管理员可以载入法定节假日安排。"))
        form = CalendarUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(form, status=400)
        try:
            row = calendars.load_year(form.published, by=request.user)
        except ValidationError as error:
            form.add_error("file", error)
            return self.render(form, status=400)
        messages.success(
            request,
            ngettext(
                "已载入 %(year)d 年的节假日安排；重算了 %(count)d 件案件的暂定期限。",
                "已载入 %(year)d 年的节假日安排；重算了 %(count)d 件案件的暂定期限。",
                row.recomputed,
            )
            % {"year": row.year, "count": row.recomputed},
        )
        return HttpResponseRedirect(reverse("enforcement:calendar"))

    def render(self, form, status=200):
        loaded = CalendarYear.objects.select_related("loaded_by").order_by("-year")
        package = calendar_years()
        covered = sorted(calendars.current_calendar().years)
        context = {
            "form": form,
            "years": year_rows(loaded),
            "package_first": package.start,
            "package_last": package.stop - 1,
            "covered_last": covered[-1] if covered else None,
            "next_year": (covered[-1] + 1) if covered else None,
        }
        return render(self.request, self.template_name, context, status=status)
