"""The interview: candidates' attempts, draws, answers, scoring, evaluators and reviews."""
