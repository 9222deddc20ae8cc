"""Pages of the annotate app, one module per area."""
