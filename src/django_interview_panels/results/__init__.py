"""Results: a panel's table of candidates and one candidate's breakdown, for reviewers."""
