"""Where auth may send a browser back to: the site URL, or an address the allow-list matches.

Patterns are globs as GoTrue's: `*` matches within one host label or path segment, `**` anything.
"""
from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

from oricol.config.auth import AuthConfig


@lru_cache(maxsize=256)
def _compile(pattern: str) -> re.Pattern[str]:
    out = []
    index = 0
    while index < len(pattern):
        if pattern.startswith("**", index):
            out.append(".*")
            index += 2
        elif pattern[index] == "*":
            out.append("[^./]*")
            index += 1
        elif pattern[index] == "?":
            out.append("[^./]")
            index += 1
        else:
            out.append(re.escape(pattern[index]))
            index += 1
    return re.compile("^" + "".join(out) + "$")


def allowed(config: AuthConfig, url: str) -> bool:
    try:
        target = urlsplit(url)
    except ValueError:
        return False
    if not target.scheme:
        return False
    site = urlsplit(config.site_url)
    if target.scheme in ("http", "https") and target.hostname and target.hostname == site.hostname:
        return True
    # The helpdesk app is served by this same server (at /), so its own origin is always a safe target.
    own = urlsplit(config.external_url)
    if (target.scheme, target.netloc) == (own.scheme, own.netloc):
        return True
    return any(_compile(pattern).match(url) for pattern in config.redirect_allow_list)


def choose(config: AuthConfig, requested: str | None) -> str:
    """The requested address when allowed, otherwise the site URL (as GoTrue falls back)."""
    if requested and allowed(config, requested):
        return requested
    return config.site_url
