"""One YAML per object model (``<code>.yaml``): a package so the files ship with crmhub."""
