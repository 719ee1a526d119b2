"""Candidacies: the application, its workflow and the candidate's file."""
