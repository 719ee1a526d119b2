"""Searching people at a national certifier's scale: the coordinators' queue, the jury pool and the administrators'
accounts, searched as people type, and the queue sorted by deadline, on a generated database (200,000 candidacies).

    .venv/bin/python bench/search_bench.py                    # SQLite, generated first
    .venv/bin/python bench/search_bench.py --reuse            # keep the database of the previous run
    .venv/bin/python bench/search_bench.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/vae_bench

The generated candidates are all « Candidat N… »: a few thousand of them are first renamed through the models (so
their search key is kept as in use) with accented names, e.g. « Émilie Quéré12 ». Then prints, for each search page
(served by the app, logged in, through its test client), the median and the slowest of several requests, and, on
PostgreSQL, whether the plan reads the trigram index.

Target: every search page < 300 ms.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stats_bench import page_timings  # noqa: E402
from web_bench import ROOT, TODAY, database_arguments, prepare  # noqa: E402

NAMES = [("Émilie", "Quéré"), ("Jean-François", "Lefèvre"), ("Hélène", "N'Diaye"), ("Loïc", "Cœurdevey"), ("Zoé", "Gérard")]
RENAMED = 5_000
QUEUE = "/coordination/candidatures?q="
SEARCHES = [QUEUE + "emilie+quere", QUEUE + "QUÉRÉ+ÉMILIE+17", QUEUE + "lefevre", QUEUE + "gen-00123", QUEUE + "n199",
            QUEUE + "personne+inconnue", QUEUE + "100%25_", QUEUE + "candidat&tri=dossier"]
SORTED = ["/coordination/candidatures?tri=echeance", "/coordination/candidatures?tri=echeance&page=200",
          "/coordination/candidatures?tri=echeance&etat=submitted"]
POOL = ["/jurys/membres?q=g12", "/jurys/membres?q=personne+inconnue"]
ACCOUNTS = ["/admin/comptes?q=emilie+quere", "/admin/comptes?q=personne+inconnue"]


def rename(env: dict) -> None:
    """Give some generated candidates names with accents, through the ORM (their key kept by the model)."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import select

    from vae_app import create_app
    from vae_app.auth.models import Role, User
    from vae_app.extensions import db

    with create_app().app_context():
        users = db.session.scalars(select(User).where(User.role == Role.CANDIDATE, User.first_name == "Candidat")
                                   .order_by(User.id).limit(RENAMED)).all()
        for n, user in enumerate(users):
            user.first_name, last = NAMES[n % len(NAMES)]
            user.last_name = f"{last}{n}"
        db.session.commit()
        print(f"{len(users)} candidates renamed", flush=True)


def plans(env: dict) -> None:
    """On PostgreSQL, which index the searches read (EXPLAIN of the queue's and the pool's conditions)."""
    from sqlalchemy import select

    from vae_app import create_app
    from vae_app.auth.models import User
    from vae_app.extensions import db
    from vae_app.juries.models import JuryMember
    from vae_app.search import matches

    with create_app().app_context():
        if db.engine.dialect.name != "postgresql":
            return
        for model in (User, JuryMember):
            query = select(model.id).where(matches(model.search_key, "emilie quere"))
            plan = db.session.execute(db.text("EXPLAIN " + str(query.compile(db.engine, compile_kwargs={"literal_binds": True})))).scalars()
            print(f"plan {model.__tablename__}: " + " / ".join(line.strip() for line in plan if "Scan" in line), flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    database_arguments(parser)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    env = {**os.environ, "FLASK_APP": "vae_app", "VAE_DATABASE_URL": args.database_url, "VAE_TODAY": TODAY,
           "VAE_SECRET_KEY": "bench-only-secret", "VAE_LOGIN_LIMIT": "1000 per minute",
           "PYTHONPATH": str(ROOT)}  # the commands run this checkout's code, whichever one the environment installed
    prepare(env, args.database_url, args)
    print(f"database: {args.database_url.split('@')[-1]}, {args.candidacies:,} candidacies generated", flush=True)
    if not args.reuse:
        rename(env)
    page_timings(env, SEARCHES + SORTED + POOL, args.repeat)
    page_timings(env, ACCOUNTS, args.repeat, account="admin@demo.vae.fr")
    plans(env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
