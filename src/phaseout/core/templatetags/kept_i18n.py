"""``{% translate "literal" %}`` translated once per process and language, then kept.

Django's tag translates its literal through a lazy gettext on every render, about 7 µs a tag; the
public record has fifty of them, a third of its rendering (bench/portal.py, docs/performance.md).
A literal's translation changes only when the catalogues are compiled again, and the server is
restarted to load them, so it is kept for the process' life under (language, message). Anything
else — a variable, a filter, a context, ``noop`` — is rendered by Django's own tag.

Load it after i18n, so that its ``translate`` replaces Django's::

    {% load i18n kept_i18n %}

``makemessages`` finds the messages as before: it reads the tag's text, not its library.
"""

from __future__ import annotations

from django import template
from django.template.base import render_value_in_context
from django.templatetags import i18n
from django.utils import translation
from django.utils.safestring import SafeData, mark_safe

register = template.Library()

_kept: dict[tuple[str | None, str], str] = {}


class KeptTranslateNode(i18n.TranslateNode):
    def render(self, context):
        var = self.filter_expression.var
        literal = var.literal
        if (
            self.noop
            or self.message_context
            or self.filter_expression.filters
            or not isinstance(literal, str)
        ):
            return super().render(context)
        key = (translation.get_language(), literal)
        value = _kept.get(key)
        if value is None:
            # Django's TranslateNode.render up to its asvar (Django 5.2), not called itself
            # because it may set the variable; nothing here changes the node, so threads may
            # share it. The value is a SafeString: the literal is template text.
            var.translate = True
            value = render_value_in_context(self.filter_expression.resolve(context), context)
            is_safe = isinstance(value, SafeData)
            value = value.replace("%%", "%")
            value = _kept[key] = mark_safe(value) if is_safe else value
        if self.asvar:
            context[self.asvar] = value
            return ""
        return value


@register.tag("translate")
@register.tag("trans")
def do_translate(parser, token):
    node = i18n.do_translate(parser, token)
    return KeptTranslateNode(node.filter_expression, node.noop, node.asvar, node.message_context)
