"""Lead routing (FR-013): pools as data, an online decision per new lead, batch re-routing, decisions stored and
replayable. ``spec`` reads the routing file, ``decide`` is the pure online decision (``replay`` re-runs it),
``batch`` the capacitated min-cost assignment, ``service`` ties them to the store."""
