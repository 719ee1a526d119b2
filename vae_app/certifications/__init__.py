"""Certifications: dated rules loaded from rules/, eligibility, the certifiers."""
