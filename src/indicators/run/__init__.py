"""`indicators run`: notebooks executed, pages published as a set that survives every fault."""
