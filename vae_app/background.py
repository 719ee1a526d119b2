"""Work handed to a worker after the request: an RQ job when ``VAE_REDIS_URL`` is set (several app servers, workers on
any machine sharing the database), a thread of this app server otherwise, or inline when the configuration asks
(the tests). The job's function is named by its import path, so that an RQ worker imports it."""
from __future__ import annotations

import importlib
import threading

from flask import current_app


def run_later(queue: str, function: str, *args, inline: bool = False, timeout: int = 900) -> str:
    """Run ``function`` (``"package.module.name"``) with ``args`` in the background; returns how (``inline``,
    ``rq`` or ``thread``)."""
    app = current_app._get_current_object()
    module, _dot, name = function.rpartition(".")
    if inline:
        getattr(importlib.import_module(module), name)(*args)
        return "inline"
    url = app.config.get("VAE_REDIS_URL")
    if url:
        from redis import Redis
        from rq import Queue

        Queue(queue, connection=Redis.from_url(url)).enqueue(function, *args, job_timeout=timeout)
        return "rq"

    def work():
        with app.app_context():
            getattr(importlib.import_module(module), name)(*args)

    threading.Thread(target=work, name=f"{queue}-{name}", daemon=True).start()
    return "thread"
