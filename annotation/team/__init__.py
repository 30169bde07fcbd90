"""Several annotators' work: merging it, measuring agreement, adjudicating."""
