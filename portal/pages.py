"""Where a browser may be sent back to: a page of this portal that answers GET.

``next`` after log-in and the address bar after an htmx form post only ever hold such a page, so
that neither a refresh nor a log-in lands on "405 请求方式不允许" or on another site.
"""

from urllib.parse import unquote, urlsplit

from flask import current_app, request
from werkzeug.exceptions import HTTPException

# Endpoints that answer GET but are not a page to land on.
NOT_PAGES = frozenset({"static", "auth.login"})


def get_page(target: str | None) -> str | None:
    """``target`` as a path (with its query) of this portal that answers GET, else None.

    An absolute URL counts only on this host; ``//host``, backslashes and control characters
    never count (browsers read them as another host)."""
    if not target or "\\" in target or any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target)
    if (parts.scheme or parts.netloc) and (
        parts.scheme not in ("http", "https") or parts.netloc != request.host
    ):
        return None
    if not parts.path.startswith("/") or parts.path.startswith("//"):
        return None
    adapter = current_app.url_map.bind(request.host)
    try:
        endpoint, _ = adapter.match(unquote(parts.path), method="GET")
    except HTTPException:  # not found, not GET, or a redirect to another spelling
        return None
    if endpoint in NOT_PAGES:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def answers_get(path: str) -> bool:
    return get_page(path) is not None


def page_of_request() -> str | None:
    """The page the user was on when making this request: the request itself for a page load,
    else the page that sent it (htmx tells which; a plain form post, its Referer)."""
    in_place = request.headers.get("HX-Request") and not request.headers.get("HX-Boosted")
    if request.method == "GET" and not in_place:
        return get_page(request.full_path.removesuffix("?"))
    return get_page(request.headers.get("HX-Current-URL") or request.referrer)
