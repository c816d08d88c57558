"""Riwayat: the trend view, period snapshots, import and export of the store."""
