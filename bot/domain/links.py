"""A link given with evidence, as Palier keeps it: a web address a manager can open.

People paste addresses the way their browser's bar shows them: ``crm.acme.fr/deals/42``,
with no scheme. Slack's ``url_text_input`` and Teams' ``Input.Text`` of style ``Url`` check
the form only loosely (a platform may send either as it was typed), so the rule is here:
an address without a scheme is taken as ``https://``; only ``http`` and ``https`` are kept,
anything else (``javascript:``, ``data:``, ``mailto:``, ``file:``) is refused with a
message beside the field, never stored. :data:`LinkText` normalises as it is parsed and
leaves what it cannot read as typed, for :func:`is_link` to refuse.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, AnyHttpUrl, TypeAdapter, ValidationError

from bot.domain.text import clean_text
from storage.models import URL_LENGTH

_URL = TypeAdapter(AnyHttpUrl)

# "name:" at the start: a scheme (javascript:, mailto:), unless what follows is a port.
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):(?!\d+(?:[/?#]|$))")


def is_http_url(text: str) -> bool:
    """A web address a manager can open: http(s), a host with a dot, no spaces."""
    if len(text) > URL_LENGTH or any(c.isspace() for c in text):
        return False
    try:
        url = _URL.validate_python(text)
    except ValidationError:
        return False
    return url.scheme in ("http", "https") and bool(url.host) and "." in (url.host or "")


def normalise_link(text: str) -> str | None:
    """``text`` as the web address Palier keeps, or None when it is not one.

    ``crm.acme.fr/deals/42`` → ``https://crm.acme.fr/deals/42``; ``//crm.acme.fr`` →
    ``https://crm.acme.fr``; ``http://…`` and ``https://…`` as given; another scheme,
    a host without a dot, spaces: None.
    """
    link = clean_text(text)
    if not link:
        return None
    scheme = _SCHEME.match(link)
    if scheme is None:
        link = "https:" + link if link.startswith("//") else "https://" + link
    elif scheme.group(1).lower() not in ("http", "https"):
        return None
    return link if is_http_url(link) else None


def is_link(text: str) -> bool:
    """Whether ``text`` is a web address Palier keeps as it is (already normalised)."""
    return normalise_link(text) == text


def _normalised(text: str) -> str:
    return normalise_link(text) or clean_text(text)


# A pydantic field of a link typed by a person: normalised when it is a web address,
# otherwise kept as typed so that validation can name the problem beside the field.
LinkText = Annotated[str, AfterValidator(_normalised)]
