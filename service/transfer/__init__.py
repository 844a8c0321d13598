"""Bulk import and export of organisations, programmes, cohorts, positions, demand and students."""
