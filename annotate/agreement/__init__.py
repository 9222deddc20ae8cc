"""Inter-coder agreement: the measures (`measures`) work on plain data, free of models."""
