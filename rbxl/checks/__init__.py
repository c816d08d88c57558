"""Checks: compare a returned workbook with its FormSpec, validate a period's files."""
