"""One YAML per KPI (``<code lowercased>.yaml``): a package so the files ship with crmhub."""
