"""The review report: one self-contained HTML page of what Atelier did to each photo."""

from bridge.report.html import ReportEntry, render_report, write_report

__all__ = ["ReportEntry", "render_report", "write_report"]
