"""Import certifications from France Compétences' RNCP open-data export (XML V4.1 or V3,
or the published ZIP) into ``rules/certifications/rncp-<n>.yaml``.

Streaming: ``iterparse`` reads one ``<FICHE>`` at a time and clears it, so memory stays
flat whatever the file size. The jury composition arrives as free text: it is kept and
the certification is marked "composition not structured" until a person structures the
seats. Re-importing updates the imported fields and never overwrites what a person
structured (seats, shares, size, component validity, declared qualifications, notes).
"""
from __future__ import annotations

import copy
import re
import shutil
import tempfile
import unicodedata
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Iterator
from xml.etree.ElementTree import Element, ParseError, iterparse

import yaml

from ..dates import out_of_range
from .rules import read_yaml

ROUTES = {"FI": "initial_education", "CA": "apprenticeship", "FC": "continuing_education",
          "CQ": "professionalisation_contract", "CL": "individual_application", "VAE": "vae"}
KEYED_ON = {"registration": "application_received", "titles": "application_received", "certifier": "application_received",
            "access_routes": "application_received", "jury": "jury_date", "component_validity": "component_validated"}


class ImportFileError(Exception):
    """The file cannot be read at all."""


@dataclass
class Outcome:
    created: list[str] = field(default_factory=list)
    updated: list[tuple[str, list[str]]] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    fiches: int = 0
    version: str | None = None
    written: bool = False  # the new set was put in place (never with --dry-run, never when the set is invalid)
    filtered: int = 0  # fiches left out by --only or --certifier (said in the summary, not one by one)
    warnings: list[str] = field(default_factory=list)  # imported, with something a person should look at


def _text(elem: Element | None, path: str) -> str | None:
    found = elem.find(path) if elem is not None else None
    if found is None or found.text is None:
        return None
    value = " ".join(found.text.split())
    return value or None


def siret_of(value: str | None) -> str | None:
    """A SIRET as fourteen digits, however it was written (« 123 456 789 00011 », with dots or non-breaking spaces);
    None when it is not one."""
    digits = re.sub(r"[\s.\u00a0\u202f-]", "", value or "")
    return digits if re.fullmatch(r"\d{14}", digits) else None


def _certifier(elem: Element, warnings: list[str]) -> dict:
    """One CERTIFICATEUR of a fiche: its name, SIRET, state (ETAT_CERTIFICATEUR) and the date of that state."""
    found = {"name": _text(elem, "NOM_CERTIFICATEUR")}
    written = _text(elem, "SIRET_CERTIFICATEUR")
    siret = siret_of(written)
    if siret:
        found["siret"] = siret
    elif written:
        warnings.append(f"SIRET illisible {written!r} pour {found['name'] or 'un certificateur'} (14 chiffres attendus) : "
                        "non repris")
    state = (_text(elem, "ETAT_CERTIFICATEUR") or "").lower()
    if state in ("actif", "inactif"):
        found["state"] = "active" if state == "actif" else "inactive"
        since = _date(_text(elem, "DATE_DERNIERE_MODIFICATION_ETAT"))
        if since:
            found["state_since"] = since
    return found


def _date(value: str | None) -> str | None:
    if not value:
        return None
    try:
        day = datetime.strptime(value.strip(), "%d/%m/%Y").date()
    except ValueError:
        raise ValueError(f"date illisible {value!r} (attendu JJ/MM/AAAA)") from None
    if out_of_range(day):
        raise ValueError(f"date {value!r} hors des années 1900 à 2099 : erreur de saisie dans la fiche")
    return day.isoformat()


def certifier_code(name: str, siret: str | None) -> str:
    """The certifier's code in the rules: its SIREN (the first nine digits of any of its SIRETs) when known — two
    bodies of the same name are never merged, one body under two names is one — else its name."""
    return f"siren-{siret[:9]}" if siret else f"nom-{slug(name)}"[:40]


def _yes(value: str | None) -> bool | None:
    if value is None:
        return None
    return {"oui": True, "non": False}.get(value.strip().lower())


def slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name).strip("-")[:40] or "certificateur"


def open_export(path: Path) -> IO[bytes]:
    """The XML stream: the file itself, or the (single) XML inside the published ZIP."""
    if zipfile.is_zipfile(path):
        archive = zipfile.ZipFile(path)
        names = [n for n in archive.namelist() if n.lower().endswith(".xml")]
        if not names:
            raise ImportFileError(f"{path.name} : aucune donnée XML dans l'archive")
        return archive.open(names[0])
    return path.open("rb")


def iter_fiches(stream: IO[bytes]) -> Iterator[tuple[str | None, Element]]:
    """(flux version, FICHE element) one at a time; each element is cleared after use."""
    root = None
    version = None
    for event, elem in iterparse(stream, events=("start", "end")):
        if event == "start":
            if root is None:
                root = elem
                if elem.tag != "FICHES":
                    raise ImportFileError(f"racine <{elem.tag}> : un export RNCP commence par <FICHES>")
            continue
        if elem.tag == "VERSION_FLUX" and version is None:
            version = (elem.text or "").strip()
        elif elem.tag == "FICHE":
            yield version, elem
            root.clear()  # drop what was read: memory stays flat


def fiche_version(flux: str | None, fiche: Element) -> str:
    jury = fiche.find("SI_JURY_VAE")
    if jury is None:
        jury = fiche.find("SI_JURY_FI")
    if jury is not None and jury.find("ACTIF") is not None:
        return "4.1"
    if jury is not None and (jury.text or "").strip().lower() in ("oui", "non"):
        return "3"
    if flux in ("4.1", "4.0", "4"):
        return "4.1"
    if flux and flux.startswith("3"):
        return "3"
    raise ValueError(f"version inconnue (VERSION_FLUX {flux!r}, pas de SI_JURY_* lisible)")


def convert(fiche: Element, version: str, source_name: str, today: date, warnings: list[str] | None = None) -> dict:
    """A rules document (our schema) for one fiche; raises ValueError with what is wrong, and adds to ``warnings``
    what it imported but a person should look at."""
    warnings = [] if warnings is None else warnings
    code = _text(fiche, "NUMERO_FICHE")
    if not code or not re.fullmatch(r"RNCP\d+", code):
        raise ValueError(f"NUMERO_FICHE manquant ou invalide ({code!r})")
    start = _date(_text(fiche, "DATE_EFFET")) or _date(_text(fiche, "DATE_DECISION"))
    if not start:
        raise ValueError("ni DATE_EFFET ni DATE_DECISION : date d'enregistrement inconnue")
    source = f"export RNCP V{version} (France Compétences), {source_name}, fiche {code}"
    certifiers = [_certifier(c, warnings) for c in fiche.findall("CERTIFICATEURS/CERTIFICATEUR")]
    certifiers = [c for c in certifiers if c["name"]]
    if not certifiers:
        raise ValueError("aucun certificateur (CERTIFICATEURS/CERTIFICATEUR/NOM_CERTIFICATEUR)")
    # The active one manages the certification (its coordinators see its files); the others are kept with their state.
    active = [c for c in certifiers if c.get("state") == "active"]
    managing = (active or certifiers)[0]
    if len(active) > 1:
        warnings.append(f"{len(active)} certificateurs actifs : {managing['name']} (le premier) gère la certification ; "
                        "vérifiez lequel doit la gérer")
    elif not active and len(certifiers) > 1:
        warnings.append(f"aucun certificateur actif : {managing['name']} (le premier) gère la certification")
    elif managing.get("state") == "inactive":
        warnings.append(f"le seul certificateur, {managing['name']}, est inactif")
    if not managing.get("siret"):
        warnings.append(f"{managing['name']} n'a pas de SIRET lisible : identifié par son nom seulement "
                        f"({certifier_code(managing['name'], None)}) ; vérifiez qu'il ne s'agit pas d'un certificateur déjà connu")
    certifier = {"code": certifier_code(managing["name"], managing.get("siret")),
                 **{k: managing[k] for k in ("siret", "state", "state_since") if k in managing}}
    certifier["history"] = [{"from": start, "value": {"name": managing["name"]}, "source": f"{source} — CERTIFICATEUR"}]
    others = [c for c in certifiers if c is not managing]
    if others:
        certifier["others"] = [{**c, "source": f"{source} — CERTIFICATEURS"} for c in others]
    end = _date(_text(fiche, "DATE_FIN_ENREGISTREMENT"))
    registration = {"from": start, "kind": "registration", "source": f"{source} — DATE_EFFET, DATE_FIN_ENREGISTREMENT"}
    if end:
        registration["to"] = end
    award = _date(_text(fiche, "DATE_LIMITE_DELIVRANCE"))
    if award and end and award < end:
        warnings.append(f"DATE_LIMITE_DELIVRANCE ({award}) précède DATE_FIN_ENREGISTREMENT ({end}) : non reprise")
    elif award:
        registration["award_until"] = award
    document = {
        "metadata": {"kind": "certification", "code": code, "version": 1, "updated_on": today.isoformat(),
                     "source": f"RNCP open data (France Compétences), export V{version}", "composition_structured": False,
                     "imported_from": source_name, "imported_on": today.isoformat(),
                     "notes": "Imported: jury seats and component validity are to be entered by a person."},
        "code": code,
        "rncp_number": int(code[4:]),
        "keyed_on": dict(KEYED_ON),
        "certifier": certifier,
        "titles": [{"from": start, "value": _text(fiche, "INTITULE") or code, "source": f"{source} — INTITULE"}],
        "registration": [registration],
    }
    active = _yes(_text(fiche, "ACTIF"))
    if active is not None:
        document["active"] = {"value": active, "source": f"{source} — ACTIF"}
    level = _text(fiche, "NOMENCLATURE_EUROPE/NIVEAU")
    if level:
        digits = re.sub(r"\D", "", level)
        document["level"] = {"value": {"europe": int(digits) if digits else level,
                                       "label": _text(fiche, "NOMENCLATURE_EUROPE/INTITULE") or _text(fiche, "NOMENCLATURE_EUROPE/LIBELLE")},
                             "source": f"{source} — NOMENCLATURE_EUROPE"}
    nsf = [{"code": _text(n, "CODE"), "label": _text(n, "LIBELLE")} for n in fiche.findall("CODES_NSF/NSF") if _text(n, "CODE")]
    if nsf:
        document["nsf"] = {"value": nsf, "source": f"{source} — CODES_NSF"}
    rome = [{"code": _text(r, "CODE"), "label": _text(r, "LIBELLE")} for r in fiche.findall("CODES_ROME/ROME") if _text(r, "CODE")]
    if rome:
        document["rome"] = {"value": rome, "source": f"{source} — CODES_ROME"}
    older = [_text(a, "ID_FICHE_ANCIENNE_CERTIFICATION") for a in fiche.findall("ANCIENNES_CERTIFICATIONS/ANCIENNE_CERTIFICATION")]
    newer = [_text(n, "ID_FICHE_NOUVELLE_CERTIFICATION") for n in fiche.findall("NOUVELLES_CERTIFICATIONS/NOUVELLE_CERTIFICATION")]
    if any(older):
        document["predecessor"] = {"value": {"code": next(o for o in older if o), "all": [o for o in older if o]},
                                   "source": f"{source} — ANCIENNES_CERTIFICATIONS"}
    if any(newer):
        document["successor"] = {"value": {"code": next(n for n in newer if n), "all": [n for n in newer if n]},
                                 "source": f"{source} — NOUVELLES_CERTIFICATIONS"}
    overseas = {}
    for key, tag in (("nouvelle_caledonie", "ACCESSIBLE_NOUVELLE_CALEDONIE"), ("polynesie_francaise", "ACCESSIBLE_POLYNESIE_FRANCAISE")):
        flag = _yes(_text(fiche, tag))
        overseas[key] = {"value": {True: "yes", False: "no", None: "unknown"}[flag], "source": f"{source} — {tag}"}
    document["overseas"] = overseas
    routes = {}
    for suffix, route in ROUTES.items():
        if version == "4.1":
            node = fiche.find(f"SI_JURY_{suffix}")
            is_open = _yes(_text(node, "ACTIF")) if node is not None else None
            text = _text(node, "COMPOSITION") if node is not None else None
        else:
            is_open = _yes(_text(fiche, f"SI_JURY_{suffix}"))
            text = _text(fiche, f"JURY_{suffix}")
        value = {"open": bool(is_open)}
        if is_open:
            value["jury"] = {"text": text or "(composition non renseignée dans l'export)"}
        entry = {"from": start, "value": value, "source": f"{source} — SI_JURY_{suffix}"}
        if is_open is None:
            entry["note"] = "Route absent from the export: recorded as closed."
        routes[route] = {"history": [entry]}
    document["access_routes"] = routes
    components = []
    for bloc in fiche.findall("BLOCS_COMPETENCES/BLOC_COMPETENCES"):
        bloc_code = _text(bloc, "CODE")
        if not bloc_code:
            continue
        component = {"code": re.sub(r"[^A-Za-z0-9_.-]", "-", bloc_code), "title": _text(bloc, "LIBELLE") or bloc_code}
        modalities = _text(bloc, "MODALITES_EVALUATION")
        component["assessments"] = [modalities] if modalities else []
        competences = _text(bloc, "LISTE_COMPETENCES")
        if competences:
            component["competences"] = competences
        component["source"] = f"{source} — BLOCS_COMPETENCES/{bloc_code}"
        components.append(component)
    document["components"] = components
    document["component_validity"] = {"history": []}
    return document


def merge(existing: dict, imported: dict) -> tuple[dict, list[str]]:
    """The imported document with what a person structured kept; and the fields that changed."""
    merged = copy.deepcopy(imported)
    old, new = existing.get("certifier") or {}, merged.get("certifier") or {}
    if old.get("code") and (old.get("siret") or "")[:9] == (new.get("siret") or "")[:9]:
        # the same body: keep the code its rules already use, and what a person entered about it
        new["code"] = old["code"]
        for key in ("kind", "signatory"):
            if key in old:
                new.setdefault(key, old[key])
    if existing.get("metadata", {}).get("composition_structured"):
        merged["metadata"]["composition_structured"] = True
    for key in ("notes",):
        if existing.get("metadata", {}).get(key):
            merged["metadata"][key] = existing["metadata"][key]
    for key in existing:  # what the fiche does not give was entered by a person: kept (sessions, options, France VAE…)
        if key not in imported:
            merged[key] = copy.deepcopy(existing[key])
    if existing.get("component_validity", {}) != imported.get("component_validity"):
        merged["component_validity"] = existing.get("component_validity", imported.get("component_validity"))
    for route, spec in existing.get("access_routes", {}).items():
        old_history = spec.get("history", [])
        structured = any(isinstance(e.get("value", {}).get("jury"), dict) and e["value"]["jury"].get("seats") for e in old_history)
        if structured or len(old_history) > 1:
            history = copy.deepcopy(old_history)
            new_value = merged["access_routes"][route]["history"][-1]["value"]
            last = history[-1]["value"]
            last["open"] = new_value["open"]
            if "jury" in new_value:
                last.setdefault("jury", {})["text"] = new_value["jury"]["text"]
            merged["access_routes"][route]["history"] = history
    old_components = {c["code"]: c for c in existing.get("components", [])}
    for component in merged["components"]:
        for key, value in old_components.get(component["code"], {}).items():
            component.setdefault(key, value)
    merged["metadata"]["imported_on"] = imported["metadata"]["imported_on"]
    comparable = lambda d: {k: v for k, v in d.items() if k != "metadata"}  # noqa: E731
    changed = sorted(k for k in set(comparable(merged)) | set(comparable(existing))
                     if comparable(merged).get(k) != comparable(existing).get(k))
    if not changed:
        merged["metadata"] = existing["metadata"]
    return merged, changed


def _exchange(first: Path, second: Path) -> None:
    """Swap two directories in one step where the system can (Linux ``renameat2`` with RENAME_EXCHANGE): a reader
    sees the old set or the new one, never a mix. Elsewhere, two renames one after the other."""
    import ctypes
    import ctypes.util
    import os

    libc_name = ctypes.util.find_library("c")
    renameat2 = getattr(ctypes.CDLL(libc_name, use_errno=True), "renameat2", None) if libc_name else None
    if renameat2 is not None:
        at_fdcwd, rename_exchange = -100, 2
        if renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange) == 0:
            return
    aside = first.with_name(first.name + ".old")
    os.replace(first, aside)
    os.replace(second, first)
    os.replace(aside, second)


@contextmanager
def _staging(rules_dir: Path):
    """A private copy of the rules directory, beside it (same file system), removed on the way out whatever happens;
    one import at a time (a lock file), and the leftovers of an import that was killed are cleared first."""
    import fcntl

    rules_dir.mkdir(parents=True, exist_ok=True)
    with open(rules_dir / ".import.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise ImportFileError(f"{rules_dir} : un autre import est en cours ; réessayez quand il sera terminé.") from None
        for leftover in rules_dir.glob(".import-*"):
            shutil.rmtree(leftover, ignore_errors=True)
        staging = Path(tempfile.mkdtemp(prefix=".import-", dir=rules_dir))
        try:
            for part in ("law", "schema", "certifications"):
                if (rules_dir / part).is_dir():
                    shutil.copytree(rules_dir / part, staging / part)
            (staging / "certifications").mkdir(exist_ok=True)
            yield staging
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def _own_problems(document: dict, label: str, law: tuple[str, dict] | None, schema_dir: Path) -> list[str]:
    """The problems of one converted fiche on its own (schema, dates, history), before it may join the set."""
    from .rules_check import check_documents

    documents = {label: ("certification", document)}
    if law is not None:
        documents = {law[0]: ("law", law[1]), **documents}
    return [message.split(": ", 1)[1] if message.startswith(label) else message
            for message in check_documents(documents, schema_dir)]


def import_export(path: Path, rules_dir: Path, only: set[str] | None = None, siret: str | None = None,
                  dry_run: bool = False, today: date | None = None) -> Outcome:
    """Import an export all or nothing: fiches are converted into a private copy of the rules, each checked on its
    own (a broken one is reported and left out), then the whole set is checked as the app will load it, and only
    then put in place in one step. Interrupted at any point, the rules in use are untouched."""
    from .rules import RulesError, load_rules

    try:
        stream = open_export(path)
    except OSError as exc:
        raise ImportFileError(f"{path} : illisible ({exc.strerror or exc})") from None
    try:
        with _staging(rules_dir) as staging:
            outcome = _import_into(stream, path, staging, rules_dir, only, siret, today or date.today())
            if outcome.created or outcome.updated:
                try:
                    load_rules(staging)
                except RulesError as exc:
                    outcome.errors += [f"ensemble des règles : {message}" for message in exc.messages]
                    outcome.written = False
                    return outcome
                if not dry_run:
                    _exchange(rules_dir / "certifications", staging / "certifications")
                    outcome.written = True
    finally:
        stream.close()
    return outcome


def _import_into(stream, path: Path, staging: Path, rules_dir: Path, only: set[str] | None, siret: str | None,
                 today: date) -> Outcome:
    outcome = Outcome()
    target = staging / "certifications"
    law_path = staging / "law" / "vae.yaml"
    law = (f"{rules_dir.name}/law/vae.yaml", read_yaml(law_path)) if law_path.is_file() else None
    last_code = None
    try:
        for flux, fiche in iter_fiches(stream):
            outcome.fiches += 1
            position = f"fiche n° {outcome.fiches}"
            code = _text(fiche, "NUMERO_FICHE")
            label = code or position
            try:
                version = fiche_version(flux, fiche)
                outcome.version = outcome.version or version
                if only and code not in only:
                    outcome.filtered += 1
                    continue
                sirets = {siret_of(_text(c, "SIRET_CERTIFICATEUR")) for c in fiche.findall("CERTIFICATEURS/CERTIFICATEUR")}
                if siret and siret_of(siret) not in sirets:
                    outcome.filtered += 1
                    continue
                warnings: list[str] = []
                document = convert(fiche, version, path.name, today, warnings)
                outcome.warnings += [f"{code} : {w}" for w in warnings]
            except ValueError as exc:
                outcome.errors.append(f"{label} : {exc}")
                continue
            last_code = code
            file = target / f"rncp-{code[4:]}.yaml"
            changed = None
            if file.exists():
                document, changed = merge(read_yaml(file), document)
                if not changed:
                    outcome.unchanged.append(code)
                    continue
            problems = _own_problems(document, f"{rules_dir.name}/certifications/{file.name}", law, staging / "schema")
            if problems:
                outcome.errors.append(f"{code} : non importée, {'; '.join(problems)}")
                continue
            if changed is None:
                outcome.created.append(code)
            else:
                outcome.updated.append((code, changed))
            header = f"# {code} — imported from the RNCP open data ({path.name}, {today.isoformat()}).\n"
            file.write_text(header + yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=110), encoding="utf-8")
    except ParseError as exc:
        after = f" (après {last_code})" if last_code else ""
        outcome.errors.append(f"XML invalide ligne {exc.position[0]}, colonne {exc.position[1]}{after} : la suite du fichier n'est pas lue")
    if only:
        missing = sorted(only - set(outcome.created) - set(outcome.unchanged) - {c for c, _ in outcome.updated}
                         - {e.split(" :")[0] for e in outcome.errors})
        outcome.skipped += [(code, "absente de l'export") for code in missing]
    return outcome
