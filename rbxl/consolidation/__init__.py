"""Consolidation: one submission per unit -> tidy tables, and the figures view."""
