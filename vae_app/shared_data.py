"""The team's shared real data (``../shared/data``: RNCP fiches, the France VAE contract), which the project never
copies: found for the tests, the benchmarks and the France VAE simulator."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED_DIR = PROJECT_ROOT.parent / "shared"


def shared_data(relative: str) -> Path:
    """The folder of the shared data that holds ``relative``: in ``$VAE_SHARED_DIR``, beside this checkout, or beside
    the repository it was cloned from (a CI clone in a temporary directory). The last candidate when none holds it."""
    candidates = [Path(os.environ["VAE_SHARED_DIR"])] if os.environ.get("VAE_SHARED_DIR") else []
    candidates.append(SHARED_DIR)
    try:
        origin = subprocess.run(["git", "-C", str(PROJECT_ROOT), "config", "--get", "remote.origin.url"],
                                capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        origin = ""
    if origin and "://" not in origin and ":" not in origin.split("/")[0]:
        candidates.append(Path(origin).resolve().parent / "shared")
    for directory in candidates:
        if (directory / "data" / relative).exists():
            return directory / "data"
    return candidates[-1] / "data"
