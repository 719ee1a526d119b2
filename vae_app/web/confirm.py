"""Confirmation before what cannot be undone: one page for every removal."""
from __future__ import annotations

from typing import Callable

from flask import flash, redirect, render_template

from ..database import unit_of_work
from .errors import on_refusal
from .forms import ConfirmForm


def confirmed_removal(question: str, what: str, back: str, remove: Callable[[], object], done: str, then: str | None = None):
    """GET asks ``question`` about ``what``; the confirmed POST (its CSRF token checked) runs ``remove`` in one
    unit of work, says ``done`` and goes to ``then`` (``back`` by default). A refused removal goes back with the reason."""
    form = ConfirmForm()
    on_refusal(lambda status: (render_template("confirm.html", form=form, what=what, question=question, back=back, refused=True),
                               status))
    if form.validate_on_submit():
        with unit_of_work():
            remove()
        flash(done, "success")
        return redirect(then or back)
    return render_template("confirm.html", form=form, what=what, question=question, back=back)
