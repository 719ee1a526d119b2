"""The session-signing key of an instance that was given none: drawn at random on first start and kept
in the instance folder (outside git, readable by its owner only), the same for every worker of the
instance. Never a key written in the code: a known key lets anyone forge a session."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

KEY_FILE = "secret_key"


def instance_key(instance_path: str | Path) -> tuple[str, bool]:
    """(the key, whether it was created now). Workers starting together agree on one key: it is written to a
    temporary file and linked into place, which fails for all but the first."""
    folder = Path(instance_path)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / KEY_FILE
    if target.exists():
        return _read(target), False
    temporary = folder / f".{KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as stream:
        stream.write(secrets.token_urlsafe(48))
    try:
        os.link(temporary, target)
        created = True
    except FileExistsError:
        created = False
    finally:
        temporary.unlink()
    return _read(target), created


def _read(path: Path) -> str:
    key = path.read_text().strip()
    if len(key) < 32:
        raise SystemExit(f"Configuration error: {path} holds no usable key (delete it to draw a new one, or set VAE_SECRET_KEY)")
    return key
