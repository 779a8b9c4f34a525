"""Exit codes mean something: scripts branch on them."""

OK = 0
RECORDS_FAILED = 1  # the command ran, but a run failed or records failed / were quarantined where that matters
CONFIG = 2  # the configuration or the command line is wrong: a person must fix it
AUTH = 3  # credentials were refused
API = 4  # the CRM or the network failed after retries
BUDGET = 5  # stopped cleanly at the API budget; the next run continues
LOCKED = 6  # nothing failed, but a stream was not run: another process holds it (running it now)
CANCELLED = 130  # interrupted (SIGINT, Ctrl-C): the run is recorded as cancelled; 128 + SIGINT, as shells report it
TAMPERED = 7  # `crmhub audit verify`: the audit trail does not hold (a row edited, deleted, inserted, reordered, cut)
