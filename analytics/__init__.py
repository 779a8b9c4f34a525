"""Scoring and forecasting on the canonical store: lead scores, deal win probabilities, revenue forecasts.

Reads the store (``store``) and the canonical model (``mapping``); never talks to a CRM — write-back goes through
``sync``. Small modules, one job each: ``features`` → ``rules`` / ``model`` → ``grade`` → ``scoring`` → ``store``;
``registry`` versions models; ``deals`` and ``forecast`` do the pipeline side.
"""
