"""How much of the security is tested: counts per category, from the test suite itself.

    .venv/bin/python bench/security_counts.py            # SQLite
    VAE_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test .venv/bin/python bench/security_counts.py

Collects the security tests (access matrix cases, concurrency tests, bad-input and
upload tests) and runs the schemathesis test to count the fuzzed requests.
"""
from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CATEGORIES = [
    ("access matrix (route × user)", lambda n: "test_access_matrix.py::test_access[" in n),
    ("concurrency (real connections)", lambda n: any(k in n for k in ("concurrent", "two_coordinators", "slower_of_two"))),
    ("all-or-nothing batches", lambda n: "half_way" in n or "not_written_at_all" in n),
    ("uploads", lambda n: "upload" in n or "10_mb" in n or "served_only" in n or "test_document_content.py" in n),
    ("stale forms (versions)", lambda n: "test_stale_forms.py" in n),
    ("sessions, passwords", lambda n: "test_sessions.py" in n),
    ("planning runs whose worker died", lambda n: "test_dead_runs.py" in n),
    ("bad input (forms, API, CLI)", lambda n: any(k in n for k in ("refuses", "invalid", "422", "bad_", "errors_name", "malformed"))),
    ("headers, cookies, rate limits", lambda n: any(k in n for k in ("headers", "cookies", "rate_limited", "inline_script", "csrf",
                                                                     "test_database_limits.py", "test_shared_limits.py"))),
    ("personal data", lambda n: "test_privacy.py" in n),
    ("real multi-worker server (gunicorn ×3)", lambda n: "tests/reliability/" in n),
    ("hostile input on every route (hypothesis)", lambda n: "test_fuzz.py::" in n),
    ("hostile values refused with their field", lambda n: any(k in n for k in ("test_hostile_input.py", "test_lengths.py",
                                                                                 "test_emails.py", "test_spreadsheets.py"))),
    ("session key, redirects", lambda n: any(k in n for k in ("test_session_key.py", "test_redirects.py"))),
]


def main() -> int:
    collected = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "tests"], cwd=ROOT,
                               capture_output=True, text=True).stdout.splitlines()
    names = [line for line in collected if "::" in line]
    counts = Counter()
    for name in names:
        for label, match in CATEGORIES:
            if match(name):
                counts[label] += 1
    fuzz = subprocess.run([sys.executable, "-m", "pytest", "-q", "-s", "tests/security/test_api_fuzz.py"], cwd=ROOT,
                          capture_output=True, text=True).stdout
    found = re.search(r"schemathesis: (\d+) requests over (\d+) operations", fuzz)
    print(f"{'category':40}{'tests':>8}")
    for label, _match in CATEGORIES:
        print(f"{label:40}{counts[label]:>8}")
    print(f"{'fuzzed API requests (schemathesis)':40}{(found.group(1) if found else 'n/a'):>8}"
          + (f"  over {found.group(2)} operations, no 5xx" if found else ""))
    print(f"{'all tests collected':40}{len(names):>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
