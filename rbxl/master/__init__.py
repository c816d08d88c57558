"""The master roadmap workbook: its schema, its loader and the Roadmap model."""
