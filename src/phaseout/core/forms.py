"""Form helpers shared by every app: Bootstrap classes on widgets, service errors as form errors."""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError


def _css_class(widget: forms.Widget) -> str:
    if isinstance(widget, forms.CheckboxInput):
        return "form-check-input"
    if isinstance(widget, forms.Select | forms.SelectMultiple):
        return "form-select"
    return "form-control"


class BootstrapFormMixin:
    """Give every widget its Bootstrap class, and mark the fields that failed validation."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            classes = widget.attrs.get("class", "")
            widget.attrs["class"] = f"{classes} {_css_class(widget)}".strip()

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                if "is-invalid" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


def add_service_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the field it names when the form has that
    field, otherwise as an error of the whole form (prefixed with the field's name), so that no
    message a service raises is lost or crashes the page."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    model = getattr(getattr(form, "_meta", None), "model", None)
    for field, errors in error.error_dict.items():
        if field in form.fields:
            form.add_error(field, errors)
            continue
        label = ""
        if model is not None and field != NON_FIELD_ERRORS:
            try:
                label = str(model._meta.get_field(field).verbose_name)
            except FieldDoesNotExist:
                label = field
        for message in ValidationError(errors).messages:
            form.add_error(None, f"{label}：{message}" if label else message)
