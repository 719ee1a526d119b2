"""Candidacies: the application, its workflow, the validation file and the jury's decision (docs/glossary.md)."""
