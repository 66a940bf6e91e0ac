"""Security headers on every page: a Content-Security-Policy without inline code, no framing,
no MIME sniffing, a same-origin Referer, and no caching of pages (they carry CSRF tokens, seats,
screen keys and share tokens).

The policies are built with `secure` (typed builders that validate every source); the one
after_request hook here applies them. Socket.IO's own responses never reach Flask (engine.io
answers them first), so they carry none of this, and need none: they are no pages.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from flask import Flask, Response, request
from secure import ContentSecurityPolicy, ReferrerPolicy, Secure, XContentTypeOptions, XFrameOptions

F = TypeVar("F", bound=Callable[..., object])
_EMBEDDABLE = "_koerskaart_embeddable"


def embeddable(view: F) -> F:
    """Mark a page that SCREEN_FRAME_ANCESTORS may let other sites frame (the table screen only)."""
    setattr(view, _EMBEDDABLE, True)
    return view


def content_security_policy(frame_ancestors: Sequence[str] = ("'none'",)) -> ContentSecurityPolicy:
    """Scripts, styles and connections from this origin only: no inline code anywhere."""
    return (
        ContentSecurityPolicy()
        .default_src("'self'")
        .script_src("'self'")  # JSON data blocks (type="application/json") are not scripts
        .style_src("'self'")  # no style attributes either; element.style from JS is CSSOM, allowed
        .img_src("'self'")
        .connect_src("'self'")  # 'self' covers this origin's ws:/wss: (CSP Level 3)
        .object_src("'none'")
        .base_uri("'none'")
        .form_action("'self'")
        .frame_ancestors(*frame_ancestors)
    )


def policies(frame_ancestors: Sequence[str]) -> tuple[Secure, Secure]:
    """(every page's headers, the embeddable pages' headers) for a SCREEN_FRAME_ANCESTORS value."""

    def headers(ancestors: Sequence[str]) -> Secure:
        return Secure(
            csp=content_security_policy(ancestors or ("'none'",)),
            xcto=XContentTypeOptions().nosniff(),
            referrer=ReferrerPolicy().same_origin(),
            # For browsers without frame-ancestors; an embeddable page relies on the CSP alone.
            xfo=None if ancestors else XFrameOptions().deny(),
        )

    framed_nowhere = headers(())
    return framed_nowhere, (headers(tuple(frame_ancestors)) if frame_ancestors else framed_nowhere)


def init_app(app: Flask) -> None:
    # Built once at start: an invalid SCREEN_FRAME_ANCESTORS stops the server here, not a request.
    everywhere, embeddable_pages = policies(app.config["SCREEN_FRAME_ANCESTORS"])

    @app.after_request
    def _security_headers(response: Response) -> Response:
        view = app.view_functions.get(request.endpoint or "")
        chosen = embeddable_pages if getattr(view, _EMBEDDABLE, False) else everywhere
        for name, value in chosen.header_items():
            # A page that chose a stricter value keeps it (a shared summary: no Referer at all).
            response.headers.setdefault(name, value)
        if request.endpoint != "static":
            # Every page is someone's own: CSRF tokens, a seat, a screen key, a share token.
            response.headers.setdefault("Cache-Control", "no-store")
            # The language comes from the kk_lang cookie, else from Accept-Language.
            response.vary.update(("Cookie", "Accept-Language"))
        return response
