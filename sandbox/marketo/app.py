"""``create_app``: the Marketo sandbox as one Starlette app (identity, REST, Bulk, and the admin surface)."""

from __future__ import annotations

import os
import time
import zlib

from starlette.applications import Starlette
from starlette.routing import Route

from sandbox.common.admin import Harness, harness_routes
from sandbox.marketo import (
    activities_api,
    bulk_api,
    co_api,
    co_bulk_api,
    files_api,
    leads_api,
    programs_api,
    stats_api,
)
from sandbox.marketo.admin import admin_routes
from sandbox.marketo.api import Api
from sandbox.marketo.auth import TokenStore, identity_endpoint
from sandbox.marketo.config import load_settings
from sandbox.marketo.limits import Limits
from sandbox.marketo.state import build_state


def create_app(*, seed: int, scale: int, profile: str, options: dict[str, str], harness: Harness) -> Starlette:
    settings = load_settings(profile=profile, options=options)
    # Tokens name their sandbox instance, so a token from an earlier run is refused like a foreign one.
    instance_tag = zlib.crc32(f"{seed}:{scale}:{os.getpid()}:{time.time_ns()}".encode())
    state = build_state(seed=seed, scale=scale, settings=settings, clock=harness.clock, instance_tag=instance_tag)
    tokens = TokenStore(settings=settings, clock=harness.clock)
    limits = Limits(settings=settings, clock=harness.clock)
    api = Api(settings=settings, clock=harness.clock, limits=limits, tokens=tokens)
    identity = identity_endpoint(tokens, settings)
    routes = [
        *harness_routes(harness),
        *admin_routes(state, tokens=tokens, settings=settings),
        Route("/identity/oauth/token", identity, methods=["GET", "POST"]),
        *leads_api.routes(api, state),
        *activities_api.routes(api, state),
        *bulk_api.routes(api, state),
        *co_bulk_api.routes(api, state),
        *co_api.routes(api, state),
        *programs_api.routes(api, state),
        *files_api.routes(api, state),
        *stats_api.routes(api, limits, api_user=settings.api_user),
        api.not_found_route(),
    ]
    return Starlette(routes=routes)
