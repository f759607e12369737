"""Results of a verification run: rows, verdicts, results.json and the certification report."""
