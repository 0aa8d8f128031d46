"""Secrets never reach the store, the logs or the reports: URL credentials and secret query values.

``http://user:secret@host/v1?api-key=abc`` becomes ``http://***@host/v1?api-key=***``. Both functions are
safe on any string (a malformed URL is returned with what can be found redacted).
"""

from __future__ import annotations

import base64
import re
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

MASK = "***"
# query parameters whose value is a credential (compared case-insensitively, ``-`` and ``_`` alike)
SECRET_PARAMS = frozenset({"key", "apikey", "api_key", "token", "access_token", "secret", "password", "sig", "signature",
                           "auth", "code", "client_secret", "x-api-key"})
_URL = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s'\"<>]+")
_BEARER = re.compile(r"(?i)\b(bearer|authorization:)\s+[A-Za-z0-9._~+/=-]{8,}")
_KEY_LIKE = re.compile(r"\bsk-[A-Za-z0-9_-]{16,}")


_SECRET_KEYS = frozenset(p.replace("-", "_") for p in SECRET_PARAMS)


def _secret(name: str) -> bool:
    return name.lower().replace("-", "_") in _SECRET_KEYS


def redact_url(url: str | None) -> str | None:
    """The URL without its userinfo and with secret query values masked."""
    if not url:
        return url
    try:
        parts = urlsplit(url)
        netloc = parts.netloc
        if "@" in netloc:
            netloc = MASK + "@" + netloc.rsplit("@", 1)[1]
        query = parts.query
        if query:
            pairs = parse_qsl(query, keep_blank_values=True)
            query = urlencode([(k, MASK if _secret(k) else v) for k, v in pairs], safe="*")
        return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
    except ValueError:  # e.g. an invalid port or IPv6 literal: mask everything between :// and the host
        return re.sub(r"://[^/@]*@", f"://{MASK}@", url)


def split_credentials(url: str) -> tuple[str, str | None]:
    """``(url without userinfo, "Basic ..." header value or None)``: HTTP clients refuse credentials in a URL."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, None
    userinfo, host = parts.netloc.rsplit("@", 1)
    user, _, password = userinfo.partition(":")
    token = base64.b64encode(f"{unquote(user)}:{unquote(password)}".encode()).decode("ascii")
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment)), f"Basic {token}"


def redact_text(text: str) -> str:
    """Every URL in ``text`` redacted, and bearer tokens and ``sk-`` keys masked."""
    text = _URL.sub(lambda m: redact_url(m.group()) or "", text)
    text = _BEARER.sub(lambda m: f"{m.group(1)} {MASK}", text)
    return _KEY_LIKE.sub("sk-" + MASK, text)
