"""The write-back engine: crmhub's outputs (scores, grades, reasons) into each CRM, idempotently.

``plan`` diffs what should be in the CRM against the ledger of what was last sent; ``run`` sends the difference through
the connector's ``write`` and keeps one result per record, the ledger and the dead-letter list in the same transaction.
"""

from sync.writeback.plan import Desired, Plan, plan_changes
from sync.writeback.run import WritebackSummary, retry_dead_letters, run_writeback

__all__ = ["Desired", "Plan", "WritebackSummary", "plan_changes", "retry_dead_letters", "run_writeback"]
