"""Shared foundations: errors, vocabularies, findings, values, addresses, files, workers."""
