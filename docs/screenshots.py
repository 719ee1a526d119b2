"""``make screenshots``: PNGs of the main pages with the demo data, into docs/screenshots/.

Needs Debian's Chromium (apt-get install chromium) and Playwright (the dev extra).
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "docs" / "screenshots"
SHOTS = [
    ("01-accueil", None, "/"),
    ("02-candidat-accueil", "candidat@demo.vae.fr", "/accueil"),
    ("03-candidat-dossier", "candidat@demo.vae.fr", "/candidatures/12"),
    ("04-coordination-candidatures", "coordination.cnam@demo.vae.fr", "/coordination/candidatures"),
    ("05-coordination-dossier", "coordination.cnam@demo.vae.fr", "/candidatures/2"),
    ("06-composition-du-jury", "coordination.cnam@demo.vae.fr", "/jurys/sessions/15"),
    ("07-expirations", "coordination.cnam@demo.vae.fr", "/coordination/expirations"),
    ("08-echeances", "coordination.cnam@demo.vae.fr", "/coordination/echeances"),
    ("09-parcours", "coordination.cnam@demo.vae.fr", "/workflow"),
    ("10-planification", "coordination.askoria@demo.vae.fr", "/jurys/campagnes"),
    ("11-statistiques", "coordination.cnam@demo.vae.fr", "/statistiques?de=2011&a=2016"),
]


def main() -> int:
    from playwright.sync_api import sync_playwright

    from vae_app.demo.live import CHROMIUM, CHROMIUM_ARGS, serve_demo, sign_in
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        demo = serve_demo(Path(tmp) / "demo.sqlite3")
        base, stop = demo.url, demo.stop
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for name, email, path in SHOTS:
                    context = browser.new_context(viewport={"width": 1280, "height": 900})
                    page = context.new_page()
                    if email:
                        sign_in(page, base, email)
                    page.goto(f"{base}{path}")
                    page.wait_for_load_state("networkidle")
                    page.wait_for_timeout(300)
                    page.screenshot(path=str(OUT / f"{name}.png"), full_page=False)
                    print(OUT / f"{name}.png")
                    context.close()
                browser.close()
        finally:
            stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
