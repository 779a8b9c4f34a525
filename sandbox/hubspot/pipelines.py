"""Deal and ticket pipelines and their stages, as ``/crm/v3/pipelines/{objectType}`` serves and edits them.

HubSpot ships one deal pipeline (``default``, seven stages whose metadata holds ``probability`` and ``isClosed`` as
strings) and one ticket pipeline (``0``, stages ``1``-``4`` whose metadata holds ``ticketState``). Stages an admin
adds get numeric ids. The closed and won deal stages are kept as sets (``StageFacts``) that deals' calculated
``hs_is_closed``/``hs_is_closed_won``/``hs_forecast_category`` read, so a stage edit shows in them at once. A stage
still holding records cannot be deleted, as in HubSpot.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sandbox.hubspot import enums
from sandbox.hubspot.schema import Option, StageFacts
from sandbox.hubspot.timefmt import iso

TICKET_PIPELINE_ID = "0"
TICKET_PIPELINE_LABEL = "Support Pipeline"
# (stage id, label, ticketState)
TICKET_STAGES = (("1", "New", "OPEN"), ("2", "Waiting on contact", "OPEN"), ("3", "Waiting on us", "OPEN"),
                 ("4", "Closed", "CLOSED"))
CLOSED_TICKET_STAGES = ("4",)
FIRST_STAGE_ID = 101_374_001  # stages an admin adds: numeric ids, as HubSpot gives them


@dataclass(slots=True)
class Stage:
    id: str
    label: str
    display_order: int
    metadata: dict[str, str]
    created_ms: int
    updated_ms: int

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "displayOrder": self.display_order, "metadata": self.metadata,
                "createdAt": iso(self.created_ms), "updatedAt": iso(self.updated_ms), "archived": False,
                "writePermissions": "CRM_PERMISSIONS_ENFORCEMENT"}


@dataclass(slots=True)
class Pipeline:
    id: str
    label: str
    display_order: int
    stages: list[Stage]
    created_ms: int
    updated_ms: int

    def to_json(self) -> dict[str, Any]:
        stages = sorted(self.stages, key=lambda s: (s.display_order, s.id))
        return {"id": self.id, "label": self.label, "displayOrder": self.display_order,
                "stages": [s.to_json() for s in stages], "createdAt": iso(self.created_ms),
                "updatedAt": iso(self.updated_ms), "archived": False}


@dataclass(slots=True)
class Pipelines:
    by_type: dict[str, list[Pipeline]]
    facts: StageFacts = field(default_factory=lambda: StageFacts(set(), set()))
    next_stage_id: int = FIRST_STAGE_ID

    def __post_init__(self) -> None:
        self.refresh_facts()

    @classmethod
    def standard(cls, created_ms: int) -> Pipelines:
        deal_stages = [Stage(sid, label, i, {"isClosed": str(sid in enums.CLOSED_STAGES).lower(),
                                             "probability": probability}, created_ms, created_ms)
                       for i, (sid, label, probability) in enumerate(enums.DEAL_STAGES)]
        ticket_stages = [Stage(sid, label, i, {"ticketState": state}, created_ms, created_ms)
                         for i, (sid, label, state) in enumerate(TICKET_STAGES)]
        return cls({
            "deals": [Pipeline(enums.PIPELINE_ID, enums.PIPELINE_LABEL, 0, deal_stages, created_ms, created_ms)],
            "tickets": [Pipeline(TICKET_PIPELINE_ID, TICKET_PIPELINE_LABEL, 0, ticket_stages, created_ms,
                                 created_ms)],
        })

    def pipeline(self, otype: str, pipeline_id: str) -> Pipeline | None:
        return next((p for p in self.by_type.get(otype, []) if p.id == pipeline_id), None)

    def stage_options(self, otype: str) -> tuple[Option, ...]:
        """Every stage of every pipeline of ``otype``: the options of ``dealstage`` / ``hs_pipeline_stage``."""
        stages = [s for p in self.by_type[otype] for s in sorted(p.stages, key=lambda s: s.display_order)]
        return tuple(Option(s.label, s.id, i) for i, s in enumerate(stages))

    def pipeline_options(self, otype: str) -> tuple[Option, ...]:
        return tuple(Option(p.label, p.id, p.display_order) for p in self.by_type[otype])

    def stage_ids(self, otype: str) -> list[str]:
        return [s.id for p in self.by_type.get(otype, []) for s in p.stages]

    def add_stage(self, otype: str, pipeline: Pipeline, label: str, display_order: int, metadata: dict[str, str],
                  now: int) -> Stage:
        stage = Stage(str(self.next_stage_id), label, display_order, metadata, now, now)
        self.next_stage_id += 1
        pipeline.stages.append(stage)
        pipeline.updated_ms = now
        self.refresh_facts()
        return stage

    def refresh_facts(self) -> None:
        """Recompute the closed and won deal stages in place (the sets are shared with the deals' schema)."""
        closed = {s.id for p in self.by_type.get("deals", []) for s in p.stages
                  if s.metadata.get("isClosed") == "true"}
        won = {s.id for p in self.by_type.get("deals", []) for s in p.stages
               if s.metadata.get("isClosed") == "true" and _probability(s) >= 1.0}
        self.facts.closed.clear()
        self.facts.closed.update(closed)
        self.facts.won.clear()
        self.facts.won.update(won)


def _probability(stage: Stage) -> float:
    try:
        return float(stage.metadata.get("probability", "0"))
    except ValueError:
        return 0.0
