"""Win/loss, competitors and pricing (issue 22, FR-031/032/034), computed from the canonical store on demand.

- ``frame``: closed deals and what each belongs to (competitor, product, territory, segment, region, rep, team).
- ``stats``: Wilson intervals, Fisher/chi-square tests, Benjamini-Hochberg.
- ``shrink``: empirical-Bayes (beta-binomial, maximum likelihood) win rates for small cells.
- ``cells``: the win/loss table by one or more dimensions.
- ``model``: the controlled logistic model (win ~ competitor + log(size) + segment + region), odds ratios.
- ``pricing``: win rate against discount depth, quarter-end discounting, discount without win uplift.

Nothing is stored: every figure is computed from the store when asked.
"""
