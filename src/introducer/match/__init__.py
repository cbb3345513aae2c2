"""Who should meet whom: profiles, an inverted index, exact pair scores and the ranked list.

The data flows one way: `Book` -> `PreparedBook` (profile.py: normalised features,
rarity counts, exclusions) -> feature blocks (features.py: sparse incidence
matrices) -> `ColumnLayout` (columns.py: which columns propose pairs within the
budget) -> `PairIndex` (index.py: candidate pairs with exact totals) ->
`Matchmaker` (rank.py: top-k with caps), whose `Reason`s come from the exact
per-pair `PairScorer` (score.py). The CLI calls `Matchmaker` only.
"""
