"""Everything one running Marketo sandbox holds, built once from the seed and handed to each route family."""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.common.clock import Clock
from sandbox.common.people import Population, seed_end
from sandbox.marketo.activity_ids import IdShape
from sandbox.marketo.activity_log import ActivityLog
from sandbox.marketo.bulk import Exports
from sandbox.marketo.co_data import CustomObjects
from sandbox.marketo.co_seed import seed_custom_objects
from sandbox.marketo.co_seed_customers import case_studies, seed_customer_programs
from sandbox.marketo.config import Settings
from sandbox.marketo.export_build import make_planner
from sandbox.marketo.files import Files, seed_files
from sandbox.marketo.leadgen import Seeded, build
from sandbox.marketo.mutations import Mutations
from sandbox.marketo.paging import TokenCodec
from sandbox.marketo.programs import Programs, seed_programs
from sandbox.marketo.store import LeadStore


@dataclass
class State:
    seed: int
    settings: Settings
    clock: Clock
    population: Population
    seeded: Seeded
    store: LeadStore
    log: ActivityLog
    mutations: Mutations
    codec: TokenCodec
    exports: Exports
    programs: Programs
    customs: CustomObjects
    files: Files

    def now_ts(self) -> int:
        return int(self.clock.now().timestamp())

    def horizon(self) -> int:
        return horizon_of(self.settings, self.clock)

    def shape(self) -> IdShape:
        return shape_of(self.settings, self.log)


def shape_of(settings: Settings, log: ActivityLog) -> IdShape:
    """Activities' id shape now: classic, or migrated after the configured point (by default three quarters into
    the seeded log, so every reader meets both shapes)."""
    if not settings.activity_service:
        return IdShape(None)
    return IdShape(settings.activity_service_from or max(1, log.n * 3 // 4))


def horizon_of(settings: Settings, clock: Clock) -> int:
    """Activities dated before this are purged (0: retention off)."""
    days = settings.activity_retention_days
    return int(clock.now().timestamp()) - days * 86_400 if days else 0


def build_state(*, seed: int, scale: int, settings: Settings, clock: Clock, instance_tag: int) -> State:
    population = Population(seed, scale, end=seed_end(settings.data_end, clock.now(), sandbox="marketo"))
    seeded = build(population, seed=seed, share=settings.share)
    store = LeadStore(seeded.leads, seeded.deleted)
    log = ActivityLog(seeded.columns, store, hidden_leads=set(seeded.deleted))
    customs = CustomObjects(store)
    seed_custom_objects(customs, population, seeded, seed=seed)
    seed_customer_programs(customs, population, seeded, seed=seed)
    exports = Exports(settings=settings, clock=clock,
                      plan=make_planner(store=store, log=log, customs=customs,
                                        horizon=lambda: horizon_of(settings, clock),
                                        shape=lambda: shape_of(settings, log)))
    mutations = Mutations(store=store, log=log, on_delete=customs.on_lead_deleted)
    end, epoch = int(population.end.timestamp()), int(population.epoch.timestamp())
    programs = seed_programs(seeded.columns, seed=seed, log_end=end, epoch=epoch)
    files = seed_files(programs, case_studies(customs, population, seeded), seed=seed, epoch=epoch, end=end)
    return State(seed=seed, settings=settings, clock=clock, population=population, seeded=seeded, store=store,
                  log=log, mutations=mutations, codec=TokenCodec(instance_tag), exports=exports, programs=programs,
                  customs=customs, files=files)
