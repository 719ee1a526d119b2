"""The demo's main pages say their counts in words that agree with them (« 0 pièce », « 2 femmes »): no lazy
« (s) » or « (e) » on a page a person reads."""
from __future__ import annotations

import re

from sqlalchemy import select

from tests.conftest import page_text

LAZY = re.compile(r"\w\((s|e|es|x)\)")


def test_no_main_page_of_the_demo_shows_a_lazy_plural(app, client, db):
    from vae_app.auth.models import User
    from vae_app.candidacies.models import Candidacy
    from vae_app.certifications.models import Certification
    from vae_app.certifications.registry import get_rules
    from vae_app.demo.loader import DemoLoader
    from vae_app.juries.models import JurySession

    DemoLoader(get_rules()).load()
    db.session.flush()
    pages = []

    def sign_in(email: str) -> None:
        client.get("/deconnexion")
        user = db.session.scalar(select(User).where(User.email == email))
        with client.session_transaction() as session:
            session["_user_id"], session["_fresh"] = user.get_id(), True

    sign_in("candidat@demo.vae.fr")
    own = db.session.scalars(select(Candidacy).join(Candidacy.candidate).where(User.email == "candidat@demo.vae.fr")).all()
    pages += [f"/candidatures/{c.id}" for c in own]
    sign_in("coordination.cnam@demo.vae.fr")
    coordinator = db.session.scalar(select(User).where(User.email == "coordination.cnam@demo.vae.fr"))
    files = db.session.scalars(select(Candidacy).limit(6)).all()
    sessions = db.session.scalars(select(JurySession).join(Certification).where(Certification.certifier_id == coordinator.certifier_id)
                                  .order_by(JurySession.starts_at.desc()).limit(6)).all()
    staff_pages = ["/coordination/candidatures", "/jurys/membres", "/jurys/sessions"] + [f"/candidatures/{c.id}" for c in files] \
        + [f"/jurys/sessions/{s.id}" for s in sessions]
    seen = {}
    for path in pages:
        sign_in("candidat@demo.vae.fr")
        seen[path] = client.get(path)
    sign_in("coordination.cnam@demo.vae.fr")
    for path in staff_pages:
        seen["staff " + path] = client.get(path)
    read = {path: page_text(response) for path, response in seen.items() if response.status_code == 200}
    assert len(read) >= 6, {path: response.status_code for path, response in seen.items()}
    lazy = {path: LAZY.findall(text) and re.findall(r".{30}\w\((?:s|e|es|x)\).{10}", text) for path, text in read.items()}
    assert not {path: found for path, found in lazy.items() if found}


def test_french_takes_the_singular_below_two_and_english_only_for_one(app):
    from flask import render_template_string

    template = '{{ ngettext("%(num)s ligne", "%(num)s lignes", 0) }}|{{ ngettext("%(num)s ligne", "%(num)s lignes", 1) }}|' \
               '{{ ngettext("%(num)s ligne", "%(num)s lignes", 2) }}'
    with app.test_request_context("/", headers={"Accept-Language": "fr"}):
        assert render_template_string(template) == "0 ligne|1 ligne|2 lignes"
    with app.test_request_context("/"):
        from flask import session

        session["lang"] = "en"
        assert render_template_string(template) == "0 rows|1 row|2 rows"
