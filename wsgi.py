"""WSGI entry point: ``gunicorn wsgi:app``; also lets ``flask`` find the app without FLASK_APP."""
from vae_app import create_app

app = create_app()
