"""One YAML per shared measure family (``<entity>.yaml``): a package so the files ship with crmhub."""
