"""One verdict per target year: the rule, pace, the parent region's trend for thin data."""
