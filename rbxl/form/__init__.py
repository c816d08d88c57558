"""The FormSpec: what a unit's workbook holds for a year and period, and sample answers."""
