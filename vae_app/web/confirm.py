"""Confirmation before what cannot be undone: one page for every removal."""
from __future__ import annotations

from typing import Callable

from flask import flash, redirect, render_template, request

from ..database import unit_of_work
from .errors import on_refusal
from .forms import ConfirmForm


def confirmed_removal(question: str, what: str, back: str, remove: Callable[[], object], done: str, then: str | None = None,
                      refusal: str | None = None):
    """GET asks ``question`` about ``what``; the confirmed POST (its CSRF token checked) runs ``remove`` in one
    unit of work, says ``done`` and goes to ``then`` (``back`` by default). A refused removal says why, on the same
    page; ``refusal``, known beforehand, is said at once (nothing is offered that would be refused)."""
    form = ConfirmForm()
    if refusal is not None and request.method == "GET":
        flash(refusal, "error")
        return render_template("confirm.html", form=form, what=what, question=question, back=back, refused=True), 409
    on_refusal(lambda status: (render_template("confirm.html", form=form, what=what, question=question, back=back, refused=True),
                               status))
    if form.validate_on_submit():
        with unit_of_work():
            remove()
        flash(done, "success")
        return redirect(then or back)
    return render_template("confirm.html", form=form, what=what, question=question, back=back)
