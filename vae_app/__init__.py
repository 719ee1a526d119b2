"""VAE workflow application: the app factory.

``create_app(config_name)`` builds the app for ``development`` (default),
``testing`` or ``production``; ``VAE_*`` environment variables override the
class defaults (see config.py and the README's configuration table).
Migrations are never run here: ``flask db upgrade`` does that.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the package itself loads nothing: its pure rule modules are used without Flask
    from flask import Flask

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent


def create_app(config_name: str | None = None, overrides: dict | None = None) -> Flask:
    """Build and configure a Flask app. ``overrides`` win over everything (tests)."""
    from flask import Flask

    from config import CONFIGS, ConfigError, settings_from_env

    from . import clock
    from .certifications.registry import install_rules
    from .database import configure_sqlite, guard_flushes
    from .extensions import babel, csrf, db, limiter, login_manager, migrate

    config_name = config_name or os.environ.get("VAE_CONFIG", "development")
    if config_name not in CONFIGS:
        raise SystemExit(f"VAE_CONFIG={config_name!r}: must be one of {', '.join(CONFIGS)}")

    app = Flask(
        __name__,
        instance_path=os.environ.get("VAE_INSTANCE_PATH", str(PROJECT_ROOT / "instance")),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PACKAGE_DIR / "static"),
    )
    app.config.from_object(CONFIGS[config_name])
    try:
        app.config.update(settings_from_env())
    except ConfigError as exc:
        raise SystemExit(f"Configuration error: {exc}") from None
    if config_name == "testing" and os.environ.get("VAE_TEST_DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["VAE_TEST_DATABASE_URL"]
    app.config.update(overrides or {})
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(app.instance_path) / 'vae.sqlite3'}"
    if not app.config.get("SECRET_KEY"):
        if config_name == "production":
            raise SystemExit("Configuration error: VAE_SECRET_KEY must be set in production")
        from .instance_key import instance_key

        app.config["SECRET_KEY"], created = instance_key(app.instance_path)
        if created:
            app.logger.warning("No VAE_SECRET_KEY: a random session key was drawn and kept in %s/secret_key", app.instance_path)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(PACKAGE_DIR / "translations")
    if not app.config.get("RATELIMIT_STORAGE_URI"):  # one count for every worker of the instance
        from . import rate_limits

        if app.config.get("VAE_REDIS_URL"):
            app.config["RATELIMIT_STORAGE_URI"] = app.config["VAE_REDIS_URL"]
        else:
            app.config["RATELIMIT_STORAGE_URI"] = f"{rate_limits.SCHEME}://"
            app.config["RATELIMIT_STORAGE_OPTIONS"] = {"database_url": rate_limits.counts_url(app.config["SQLALCHEMY_DATABASE_URI"])}
    if app.config.get("VAE_TRUSTED_PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        proxies = app.config["VAE_TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    clock.install(app, clock.clock_for(app.config.get("VAE_TODAY")))
    install_rules(app)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    from .web.i18n import select_locale

    babel.init_app(app, locale_selector=select_locale)
    from .web.plurals import install as french_plurals

    with app.app_context():
        french_plurals(babel)  # « 0 pièce »: French takes the singular below 2
    with app.app_context():
        configure_sqlite(db.engine)
    guard_flushes()

    from . import models  # noqa: F401  - every model registered before use
    from .statistics.projection import install as keep_statistics

    keep_statistics()  # an audit row the statistics read rewrites its candidacy's facts in the same flush
    from .candidacies.shown_deadline import install as keep_deadlines

    keep_deadlines()  # a flush that changes what a file's deadline depends on stores the deadline it shows
    from .api.views import bp as api_bp
    from .audit.views import bp as audit_bp
    from .auth.admin import bp as accounts_bp
    from .auth.views import bp as auth_bp
    from .candidacies.blueprint import bp as candidacies_bp
    from .certifications.views import bp as certifications_bp
    from .statistics.views import bp as statistics_bp
    from .components.views import bp as components_bp
    from .francevae.views import bp as francevae_bp
    from .juries.blueprint import bp as juries_bp
    from .mail.views import bp as mail_bp
    from .web.errors import register_error_handlers
    from .web.templating import register_template_helpers
    from .web.views import bp as web_bp

    from .web.routing import register_converters

    register_converters(app)  # before the blueprints: their routes are built with them
    app.register_blueprint(web_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(candidacies_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(juries_bp)
    app.register_blueprint(components_bp)
    app.register_blueprint(francevae_bp)
    app.register_blueprint(mail_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(certifications_bp)
    app.register_blueprint(statistics_bp)
    register_error_handlers(app)
    from .web.security import register_input_guard, register_security_headers

    register_security_headers(app)
    register_input_guard(app)
    register_template_helpers(app)

    from .cli import register_cli

    register_cli(app)
    from .mail.hooks import deliver_after_commit

    deliver_after_commit(app)
    return app
