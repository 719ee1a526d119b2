"""Security headers on every response: a CSP without inline scripts, no framing, no sniffing; and what no
request may carry: a control character in a parameter of its address, a NUL anywhere in its form."""
from __future__ import annotations

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


def register_security_headers(app) -> None:
    @app.after_request
    def headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response


def register_input_guard(app) -> None:
    """Refuse, before any view runs, what no parameter of this app takes (the forms refuse the other control
    characters beside their fields; the API reads its JSON body itself)."""
    from flask import request
    from flask_babel import gettext as _

    from ..errors import InvalidData
    from .forms import LINE_CONTROL

    @app.before_request
    def guard():
        problems = [(name, _("Paramètre « %(name)s » de l'adresse : caractère invisible interdit.", name=name))
                    for name, value in request.args.items(multi=True) if LINE_CONTROL.search(name + value)]
        if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            problems += [(name, _("Caractère nul interdit : retirez-le et recommencez."))
                         for name, value in request.form.items(multi=True) if "\x00" in name + value]
        if problems:
            raise InvalidData(problems, _("La demande contient un caractère invisible interdit."))
