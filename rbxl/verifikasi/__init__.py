"""Verification: the verifier's workbook per instrument and period (Bab IV: the Inspektorat), and
reading it back so nilai verifikasi stands beside nilai mandiri."""
