"""Team summaries: aggregates over frozen results, rendered for people and spreadsheets."""
