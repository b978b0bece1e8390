"""``{{ clause.text|clause_markdown }}``: a clause's Markdown as HTML (smpolicy.web.markdown)."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from smpolicy.web.markdown import clause_html

register = template.Library()


@register.filter
def clause_markdown(text: str) -> SafeString:
    return clause_html(text)
