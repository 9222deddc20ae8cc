"""Pages of the corpus app, one module per area."""
