"""Security headers on every response: a CSP without inline scripts, no framing, no sniffing; and what no
request may carry: a control character in a parameter of its address, a NUL in a field's name."""
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
    """Refuse, before any view runs, what no parameter of this app takes: a control character in a parameter of the
    address (a list's search « q » is named on a page of the app that leads back to the list), a NUL in a field's name or in
    what a view looks up by itself. A NUL typed in a form field goes on to the form, which refuses it beside that
    field with the other typed values kept (:class:`~vae_app.web.forms.Form`; the database's guard backs it)."""
    from flask import render_template, request
    from flask_babel import gettext as _

    from ..errors import InvalidData
    from .forms import LINE_CONTROL

    @app.before_request
    def guard():
        bad_args = [name for name, value in request.args.items(multi=True) if LINE_CONTROL.search(name + value)]
        api = request.path.startswith("/api/") or request.path == "/healthz"
        if "q" in bad_args and not api and request.method in ("GET", "HEAD"):
            return _refused_search(bad_args)
        problems = [(name, _("Paramètre « %(name)s » de l'adresse : caractère invisible interdit.", name=name)) for name in bad_args]
        if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            problems += [(name, _("Caractère nul interdit : retirez-le et recommencez."))
                         for name, value in request.form.items(multi=True)
                         if "\x00" in name or ("\x00" in value and (api or name in LOOKED_UP))]
        if problems:
            raise InvalidData(problems, _("La demande contient un caractère invisible interdit."))

    def _refused_search(names: list[str]):
        """A list searched with a control character (« ?q=%00 »): the search field named, and the list's own address,
        without the search, to go back to."""
        said = [_("Recherche : caractère invisible interdit (caractère nul ou de contrôle) : retirez-le et recommencez.")
                if name == "q" else _("Paramètre « %(name)s » de l'adresse : caractère invisible interdit.", name=name)
                for name in names]
        return render_template("errors/generic.html", code=422, message=" ".join(said), back=request.script_root + request.path,
                               back_label=_("Revenir à la liste, sans cette recherche")), 422


# Form fields a view reads by itself to look something up before any form checks it: a NUL there is refused here.
LOOKED_UP = frozenset({"certificateur"})
