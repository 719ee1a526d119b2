"""RNCP import benchmark: a generated V4.1 export of about 1 GB, imported as a certifier would.

    .venv/bin/python bench/import_bench.py              # 1 GB
    .venv/bin/python bench/import_bench.py --mb 200     # smaller

Prints the file size, the time, the throughput in MB of XML per second and the peak
memory (ru_maxrss) of the import, which runs in its own process. Two runs: every fiche
converted (--dry-run, nothing written), and one certifier's fiches written
(--certifier SIRET) into a temporary rules directory.
Targets: at least 10 MB/s; under 300 MB of memory whatever the size.
"""
from __future__ import annotations

import argparse
import multiprocessing
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
REAL = ROOT.parent / "shared" / "data" / "rncp-v4.1-extract-RNCP35340-RNCP40792.xml"
SIRET = "12345678900011"


def generate(path: Path, megabytes: int) -> int:
    """Repeat the two real fiches (one in a thousand for a test certifier) with fresh numbers."""
    text = REAL.read_text(encoding="utf-8")
    body = text[text.index("<FICHE>"):text.rindex("</FICHES>")]
    fiches = body.split("</FICHE>")[:-1]
    target = megabytes * 1024 * 1024
    written, number = 0, 100000
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<FICHES>\n    <VERSION_FLUX>4.1</VERSION_FLUX>\n')
        while written < target:
            for fiche in fiches:
                number += 1
                chunk = fiche.replace("RNCP35340", f"RNCP{number}").replace("RNCP40792", f"RNCP{number}") + "</FICHE>\n"
                if number % 1000 == 0:
                    chunk = chunk.replace("11004401300040", SIRET)
                out.write(chunk)
                written += len(chunk.encode("utf-8"))
        out.write("</FICHES>\n")
    return path.stat().st_size


def run(path: str, rules: str, args: dict, queue) -> None:
    from vae_app.certifications.rncp_import import import_export

    started = time.monotonic()
    outcome = import_export(Path(path), Path(rules), **args)
    elapsed = time.monotonic() - started
    queue.put({"seconds": elapsed, "fiches": outcome.fiches, "written": len(outcome.created) + len(outcome.updated),
               "errors": len(outcome.errors), "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=int, default=1024)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / "export.xml"
        started = time.monotonic()
        size = generate(export, options.mb)
        print(f"generated {size / 1e6:.0f} MB in {time.monotonic() - started:.1f} s")
        rules = Path(tmp) / "rules"
        shutil.copytree(ROOT / "rules", rules)
        for label, args in (("every fiche converted (--dry-run)", {"dry_run": True}),
                            (f"one certifier's fiches written (--certifier {SIRET})", {"siret": SIRET})):
            queue = multiprocessing.Queue()
            process = multiprocessing.Process(target=run, args=(str(export), str(rules), args, queue))
            process.start()
            result = queue.get()
            process.join()
            print(f"{label}: {result['fiches']} fiches read, {result['written']} to write or written, {result['errors']} errors, "
                  f"{result['seconds']:.1f} s, {size / 1e6 / result['seconds']:.1f} MB/s, peak {result['peak_mb']:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
