"""Statistics for France Compétences, from the audit log and the decisions."""
