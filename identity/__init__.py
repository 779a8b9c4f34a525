"""Identity resolution: one canonical person (contacts + leads) and one canonical account across connections.

``resolve`` (rules, then a probabilistic matcher, then survivorship into golden records), ``report``,
``undo`` (a merge an admin rejects stays undone), ``duplicates`` (within one CRM object) and ``evaluate``
(precision/recall against a sandbox's truth).
"""

from identity.duplicates import duplicates
from identity.evaluate import evaluate, pairwise
from identity.report import report
from identity.service import resolve
from identity.undo import undo

__all__ = ["duplicates", "evaluate", "pairwise", "report", "resolve", "undo"]
