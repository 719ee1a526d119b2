"""The finish a professional expects (issue 25's acceptance): the main pages of every role, at 1280 px and 390 px,
in French and in English, never scroll sideways, keep the header under a third of a phone's first screen, show no
ISO date nor internal code, show no untranslated French in English, and have no serious axe violation.

Screenshots of each page at 390 px are kept in the session's temporary directory (``finish-390``) to look at."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from vae_app.demo.live import sign_in

from .conftest import serious

pytestmark = pytest.mark.browser

CANDIDATE, DRAFTING = "candidat@demo.vae.fr", "vae-2016-0004@exemple.fr"
COORDINATOR, MEMBER, ADMIN = "coordination.cnam@demo.vae.fr", "jury@demo.vae.fr", "admin@demo.vae.fr"

PAGES = [
    ("candidate home", CANDIDATE, "/accueil"),
    ("application form", CANDIDATE, "/candidatures/nouvelle"),
    ("draft", DRAFTING, "/candidatures/1"),
    ("candidate's file", CANDIDATE, "/candidatures/12"),
    ("queue", COORDINATOR, "/coordination/candidatures"),
    ("coordinator's file", COORDINATOR, "/candidatures/2"),
    ("deadlines", COORDINATOR, "/coordination/echeances"),
    ("expirations", COORDINATOR, "/coordination/expirations"),
    ("jury sessions", COORDINATOR, "/jurys/sessions"),
    ("session assembly", COORDINATOR, "/jurys/sessions/15"),
    ("confirmed session", COORDINATOR, "/jurys/sessions/9"),
    ("held session", COORDINATOR, "/jurys/sessions/5"),
    ("jury pool", COORDINATOR, "/jurys/membres"),
    ("campaigns", COORDINATOR, "/jurys/campagnes"),
    ("statistics", COORDINATOR, "/statistiques"),
    ("France VAE", COORDINATOR, "/coordination/france-vae"),
    ("member's sessions", MEMBER, "/accueil"),
    ("member's space", MEMBER, "/jurys/mon-espace"),
    ("member's session", MEMBER, "/jurys/sessions/9"),
    ("member's file", MEMBER, "/jurys/sessions/9/dossiers/10"),
    ("accounts", ADMIN, "/admin/comptes"),
    ("journal", ADMIN, "/admin/journal"),
    ("outbox", ADMIN, "/admin/courriels"),
    ("login", None, "/connexion"),
    ("workflow", None, "/workflow"),
    ("certifications", None, "/certifications"),
]
SIZES = {1280: 900, 390: 844}
# The rules' seat ids: people read the seat's label. In English « president » or « teachers » are words of the labels,
# so there an id is caught where it stands alone or in brackets, as a template would print it.
SEAT_IDS = {"fr": r"\b(president|teachers|professionals)\b",
            "en": r"\((president|teachers|professionals)\)|^(president|teachers|professionals)$"}
LANGUAGES = ("fr", "en")

# What a person must never read, each with why (matched against the page's visible text, document.body.innerText).
FORBIDDEN = {
    # dates are « 01/03/2016 » or « 1er mars 2016 »; a reference that holds its day (« JURY-CNAM-2016-03-15 ») is a name
    "ISO date": r"(?<![\w-])\d{4}-\d{2}-\d{2}(?![\w-])",
    "ISO date hint": r"AAAA-MM-JJ|YYYY-MM-DD",  # a hint in a format nobody writes
    "Python's None": r"\bNone\b(?!\.)",  # a missing value is « — » or said in words (« None. » is English for « Aucun. »)
    "empty ratio": r"\b0/0\b",  # a rate of nothing is « — », never « 0/0 = 0 % »
    "internal code": r"\b[a-z]+_[a-z_]+\b",  # enum values, rule ids, qualification codes (cnam_president)
    "project file": r"DOMAIN\.md|\bpolicy Q\d*",  # the project's design notes are not the law
    "broken diagram": r"Syntax error in text",  # Mermaid's message when a label breaks the workflow diagram
    "bare id": r"\b(id|ID|n°)\s*:?\s*\d+\b|#\d+\b",  # a database id where a label or reference belongs
}

# French words that have no business in an English page; candidate names and certification titles are data (removed
# from the text before the check), which is why short words like « de », « à » or « la » are not in the list.
FRENCH_WORDS = ("le", "les", "des", "du", "aux", "avec", "pour", "dans", "échéance", "échéances", "dossier", "dossiers",
                "candidature", "candidatures", "recevabilité", "épreuve", "vivier", "séance", "mois", "jours")
CATALOGUE = Path(__file__).parents[2] / "vae_app" / "translations" / "en" / "LC_MESSAGES" / "messages.po"


def untranslatable() -> set[str]:
    """The French msgids of the catalogue that an English page must not show as they are (those English writes the
    same way, « Suivi VAE », « RNCP », do not count)."""
    with CATALOGUE.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    found = set()
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for french, english in zip(ids, strings):
            if french and "%(" not in french and french != english:
                found.add(french.strip())
    return found


@pytest.fixture(scope="module")
def french_ids():
    return untranslatable()


@pytest.fixture
def data_texts(live_demo):  # read before each page: the walk itself writes audit rows (a member read a file)
    """Texts that are data, in French whatever the language: the certifications' titles, components and assessments
    (the official texts of the RNCP), people's names, places, what candidates typed of their experiences."""
    from vae_app.audit.models import AuditEvent
    from vae_app.auth.models import User
    from vae_app.candidacies.models import ExperiencePeriod
    from vae_app.certifications.registry import get_rules
    from vae_app.extensions import db
    from vae_app.certifications.models import Certifier
    from vae_app.juries.models import JuryMember, JurySession

    with live_demo.app.app_context():
        rules = get_rules()
        texts = {entry.value for cert in rules.certifications.values() for entry in cert.titles.entries}
        for cert in rules.certifications.values():
            for component in cert.components:
                texts |= {component.title, *component.assessments}
        for experience in db.session.scalars(db.select(ExperiencePeriod)):
            texts |= {experience.job_title, experience.organisation, experience.activities}
        for person in (*db.session.scalars(db.select(User)), *db.session.scalars(db.select(JuryMember))):
            texts |= {f"{person.first_name} {person.last_name}", f"{person.last_name} {person.first_name}"}
        for session in db.session.scalars(db.select(JurySession)):
            texts |= {session.site, session.room}
        texts |= {certifier.name for certifier in db.session.scalars(db.select(Certifier))}
        texts |= {row.reason for row in db.session.scalars(db.select(AuditEvent))}  # what a person or the app wrote why
    return sorted((t for t in texts if t), key=len, reverse=True)


@pytest.fixture(scope="module")
def visitor(browser, live_server):
    """A page signed in as ``email`` at ``width`` in ``lang``, one per combination (signing in once)."""
    opened = {}

    def open_as(email, width, lang):
        key = (email, width, lang)
        if key not in opened:
            context = browser.new_context(viewport={"width": width, "height": SIZES[width]}, bypass_csp=True)
            page = context.new_page()
            page.set_default_timeout(15000)
            if email:
                sign_in(page, live_server, email)
            page.goto(f"{live_server}/langue/{lang}")
            opened[key] = page
        return opened[key]

    yield open_as
    for page in opened.values():
        page.context.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    return tmp_path_factory.mktemp("finish-390")


def visible_text_nodes(page) -> list[str]:
    """The page's visible text nodes, trimmed, outside elements marked French (« Français » in the switch)."""
    return page.evaluate("""() => {
        const out = [];
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        while (walker.nextNode()) {
            const node = walker.currentNode, parent = node.parentElement;
            const text = node.textContent.replace(/\\s+/g, ' ').trim();
            if (!text || !parent || parent.closest('script,style,[hidden],[lang=fr]')) continue;
            if (!parent.getClientRects().length) continue;
            out.push(text);
        }
        return out;
    }""")


def problems_of(page, lang, width, french_ids, data_texts) -> list[str]:
    found = []
    size = page.evaluate("({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})")
    if size["scroll"] > size["inner"]:
        found.append(f"scrolls sideways: {size['scroll']} px in {size['inner']} px")
    if width == 390:
        header = page.evaluate("document.querySelector('header').getBoundingClientRect().height")
        if header >= SIZES[width] / 3:
            found.append(f"header {header:.0f} px high, a third of the screen is {SIZES[width] / 3:.0f} px")
    text = page.evaluate("document.body.innerText")
    for name, pattern in {**FORBIDDEN, "seat id": SEAT_IDS[lang]}.items():
        hits = sorted({m.group(0) for m in re.finditer(pattern, text, re.MULTILINE)})
        if hits:
            found.append(f"{name}: {hits[:6]}")
    if lang == "en":
        nodes = visible_text_nodes(page)
        untranslated = sorted({n for n in nodes if n in french_ids or n.rstrip(" :") in french_ids})
        if untranslated:
            found.append(f"untranslated: {untranslated[:8]}")
        prose = "\n".join(nodes)  # without what is marked French (a quoted law, « Français » in the switch)
        for data in data_texts:
            prose = prose.replace(data, " ")
        words = sorted({w for w in FRENCH_WORDS if re.search(rf"(?<![\w'’]){w}(?!\w)", prose)})
        if words:
            found.append(f"French words: {words}")
    bad = serious(page)
    if bad:
        found.append(f"axe: {[(v['id'], v['impact'], v['target']) for v in bad]}")
    return found


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("width", tuple(SIZES))
@pytest.mark.parametrize("name,email,path", PAGES, ids=[p[0] for p in PAGES])
def test_the_page_is_finished(visitor, live_server, shots, french_ids, data_texts, name, email, path, width, lang):
    page = visitor(email, width, lang)
    response = page.goto(f"{live_server}{path}")
    page.wait_for_load_state("networkidle")
    assert response.status == 200, f"{name}: {response.status} at {page.url}"
    if width == 390:
        page.screenshot(path=str(shots / f"{name.replace(' ', '-').replace(chr(39), '')}-{lang}.png"), full_page=True)
    problems = problems_of(page, lang, width, french_ids, data_texts)
    assert not problems, f"{name} ({width} px, {lang}):\n" + "\n".join(problems)


def test_the_sweep_sees_what_it_forbids(browser, french_ids):
    """A page with an ISO date, a seat id, an untranslated French label and a page-wide table: every check fires."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True)
    try:
        page = context.new_page()
        label = sorted(french_ids)[len(french_ids) // 2]
        page.set_content(f'<html lang="en"><head><title>t</title></head><body><header>h</header><main>'
                         f'<p>2016-03-01 (president)</p><p>{label}</p><p>les dossiers</p>'
                         f'<table><tr><td style="min-width:900px">wide</td></tr></table></main></body></html>')
        found = " | ".join(problems_of(page, "en", 390, french_ids, []))
        for expected in ("scrolls sideways", "ISO date", "seat id", "untranslated", "French words"):
            assert expected in found
    finally:
        context.close()
