"""``flask francevae deliver``: send what the outbox owes France VAE (a cron, every few minutes)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from .. import clock
from .outbox import deliver, due
from .settings import OFF, client_for, configured

francevae_cli = AppGroup("francevae", help="France VAE : échanges avec la plateforme de l'État / France VAE sync.")


@francevae_cli.command("deliver")
@click.option("--dry-run", is_flag=True, help="List what is due, send nothing.")
def deliver_command(dry_run: bool):
    """Deliver the acts due to France VAE, with retries and backoff."""
    rows = due(clock.now())
    for row in rows:
        click.echo(f"{row.candidacy.reference}: {row.kind.french} → France VAE {row.remote_id} (tentative {row.attempts + 1})")
    if dry_run:
        click.echo(f"{len(rows)} envoi(s) à faire ; rien n'a été envoyé (--dry-run).")
        return
    if not configured():
        click.echo(OFF)
        raise SystemExit(2)
    counts = deliver(rows, lambda row: client_for(row.candidacy.certification.certifier.code))  # commits row by row
    click.echo(f"{counts['sent']} envoyé(s), {counts['retry']} à reprendre, {counts['failed']} en échec.")


@francevae_cli.command("pull")
@click.option("--certifier", "certifier_code", help="Code of one certifier (default: every certifier with a token).")
@click.option("--dry-run", is_flag=True, help="Say what would change, change nothing.")
def pull_command(certifier_code: str | None, dry_run: bool):
    """Create or update candidacies from the feasibility files France VAE holds (a cron)."""
    from flask import current_app
    from sqlalchemy import select

    from ..certifications.models import Certifier
    from ..extensions import db
    from .client import FranceVaeError, FranceVaeOff
    from .contract import ContractMismatch
    from .pull import run_pull

    if not configured():
        click.echo(OFF)
        raise SystemExit(2)
    tokens = current_app.config.get("VAE_FRANCEVAE_TOKENS") or {}
    wanted = [certifier_code] if certifier_code else sorted(tokens)
    certifiers = {c.code: c for c in db.session.scalars(select(Certifier).where(Certifier.code.in_(wanted)))}
    unknown = [code for code in wanted if code not in certifiers]
    if unknown:
        click.echo(f"Certificateur inconnu : {', '.join(unknown)}.", err=True)
        raise SystemExit(2)
    failed = False
    ids = {code: certifiers[code].id for code in wanted}
    for code in wanted:
        try:
            report = run_pull(ids[code], code, dry_run=dry_run)
        except (FranceVaeError, FranceVaeOff, ContractMismatch) as error:
            click.echo(f"{code} : {error}", err=True)
            failed = 2 if isinstance(error, FranceVaeOff) else (failed or 1)  # the configuration: a bad input, exit 2
            continue
        click.echo(f"{code} : {report.summary()}" + (" (--dry-run : rien n'a été modifié)" if dry_run else ""))
        for line in report.conflicts:
            click.echo(f"  à revoir (modifié des deux côtés) : {line}")
        for line in report.skipped:
            click.echo(f"  ignoré — {line}")
    if failed:
        raise SystemExit(failed)


@francevae_cli.command("simulate")
@click.option("--port", type=click.IntRange(1024, 65535), default=8089, show_default=True, help="Port on 127.0.0.1.")
@click.option("--files", type=click.IntRange(0, 10000), default=5, show_default=True,
              help="Feasibility files for the BTS SIO (RNCP40792) it holds.")
@click.option("--token", default="jeton-de-demonstration", show_default=True, help="The bearer token it accepts.")
def simulate_command(port: int, files: int, token: str):
    """Serve a simulated France VAE on localhost, to try the sync without the real one (it keeps what it receives
    until it stops)."""
    from datetime import timedelta

    from ..shared_data import shared_data
    from .contract import Contract
    from .simulator import FranceVaeSimulator

    contract = shared_data("france-vae/openapi.yaml") / "france-vae/openapi.yaml"
    if not contract.is_file():
        click.echo(f"Le contrat de l'API France VAE est introuvable ({contract}) : indiquez VAE_SHARED_DIR.", err=True)
        raise SystemExit(2)
    simulator = FranceVaeSimulator(Contract.load(contract), {token})
    today = clock.today()
    for n in range(files):
        remote = f"00000000-0000-4000-8000-{n + 1:012d}"
        simulator.add_file({"id": remote, "certification": {"codeRncp": "40792", "nom": "BTS Services informatiques aux organisations"},
                            "candidat": {"prenom": "Candidate", "nom": f"Simulée {n + 1}", "email": f"simulee{n + 1}@exemple.fr",
                                         "communeNaissance": "Rennes"}},
                           {"dateEnvoi": f"{today - timedelta(days=n + 1)}T09:00:00Z", "statut": "EN_ATTENTE"})
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", port, simulator, threaded=True)
    click.echo(f"France VAE simulé sur http://127.0.0.1:{port} ({files} dossier(s)) ; pour l'utiliser :\n"
               f"  VAE_FRANCEVAE_URL=http://127.0.0.1:{port}\n"
               f"  VAE_FRANCEVAE_TOKENS='{{\"<code du certificateur>\": \"{token}\"}}'\n"
               f"  VAE_FRANCEVAE_CONTRACT={contract}\nCtrl-C pour l'arrêter.")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
