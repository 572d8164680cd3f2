"""Export renderers for the completion report: pure functions of a `ReportData`."""

from .cells import safe_cell

__all__ = ["safe_cell"]
