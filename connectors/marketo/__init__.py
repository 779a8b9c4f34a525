"""The Marketo connector: REST for reads by id, changes and writes; Bulk Extract for first loads; one rate limiter
per connection for every call it makes."""
