"""Renderings of a consolidated period: workbooks, feedback, dashboard, report."""
