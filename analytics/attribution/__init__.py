"""Multi-touch attribution and lead-source ROI (issue 21, FR-015, FR-026-028).

``journey`` holds the data types, ``load`` stitches journeys from the canonical store (person -> account ->
opportunity), ``positional`` the rule models, ``markov`` the absorbing-chain model, ``shapley`` exact and sampled
Shapley values, ``credit`` turns any model into per-journey and per-channel credits, ``roi`` the lead-source and
campaign ROI with Wilson intervals, ``report`` the services the faces call.
"""
