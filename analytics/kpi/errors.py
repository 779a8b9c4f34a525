"""What the KPI engine refuses, one class per thing a person does about it.

- ``KpiDefinitionError``: a KPI, measure or entity file is wrong (fix the file it names).
- ``KpiRequestError``: the request asks what the KPI cannot give (a dimension it lacks, an unknown user, a grain
  typo): change the request.
- ``KpiNotComputable``: the KPI is computable in principle but not here yet (its status is not ``computed``, it needs
  a currency conversion or an as-of history the engine was not given): the message says what is missing.

All three are ConfigErrors: a person fixes a file, the config (rates), the data mapping or the command line.
"""

from __future__ import annotations

from errors import ConfigError


class KpiDefinitionError(ConfigError):
    """A KPI, measure or entity file is wrong: the message names the file, the KPI or measure and the field."""


class KpiRequestError(ConfigError):
    """The request cannot be answered as asked: the message says what the KPI offers instead."""


class KpiNotComputable(ConfigError):
    """The KPI cannot be computed with what the engine has: the message names what is missing."""
