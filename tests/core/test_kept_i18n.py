"""{% translate %} from kept_i18n renders what Django's own tag renders, in every language, and
keeps only literals; url_for gives what reverse() gives."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.urls import reverse, set_script_prefix
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from phaseout.core.urlformat import url_for

BODY = (
    '{% translate "公开名单" %}|{% translate "公开名单" as title %}[{{ title }}]'
    '|{% translate word %}|{% translate "公开名单" noop %}|{% translate "100%% 公开名单" %}'
    '|{% translate "公开名单"|upper %}'
)


def render(libraries: str, language: str, word: str = "公开名单") -> str:
    with translation.override(language):
        return Template("{% load " + libraries + " %}" + BODY).render(Context({"word": word}))


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_kept_tag_renders_what_djangos_renders(language):
    for _ in range(2):  # the second time from what was kept
        assert render("i18n kept_i18n", language) == render("i18n", language)


def test_each_language_keeps_its_own():
    assert render("i18n kept_i18n", "en").startswith("Public lists|[Public lists]")
    assert render("i18n kept_i18n", "zh-hans").startswith("公开名单|[公开名单]")
    assert render("i18n kept_i18n", "en").startswith("Public lists|")


def test_a_variable_is_translated_afresh_each_time():
    assert render("i18n kept_i18n", "en", word="公开名单").split("|")[2] == "Public lists"
    assert render("i18n kept_i18n", "en", word="企业公开档案").split("|")[2] != "Public lists"


def test_a_kept_literal_is_never_escaped_twice_and_a_variable_is_escaped():
    template = Template('{% load i18n kept_i18n %}{% translate "<b>x</b>" %}{% translate v %}')
    assert template.render(Context({"v": "<i>"})) == "<b>x</b>&lt;i&gt;"


segment = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="/"),
    min_size=1,
    max_size=30,
)


@settings(deadline=None)  # the first call loads the URLconf
@given(code=segment)
def test_url_for_is_reverse(code):
    assert url_for("public:enterprise", code) == reverse("public:enterprise", args=[code])


@settings(deadline=None)
@given(kind=segment)
def test_url_for_is_reverse_with_leading_arguments_too(kind):
    assert url_for("public:list", kind) == reverse("public:list", args=[kind])


def test_url_for_follows_the_script_prefix():
    try:
        set_script_prefix("/phaseout/")
        assert url_for("public:enterprise", "X") == "/phaseout/public/enterprises/X/"
    finally:
        set_script_prefix("/")
    assert url_for("public:enterprise", "X") == "/public/enterprises/X/"


def test_url_for_keeps_a_slash_inside_one_segment():
    assert url_for("public:enterprise", "a/b") == "/public/enterprises/a%2Fb/"
