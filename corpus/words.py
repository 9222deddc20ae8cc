"""Numbers in words as people write them: "1 file", "40 statements"."""


def counted(number: int, singular: str, plural: str | None = None) -> str:
    """The number with its noun in the matching form; ``plural`` defaults to ``singular + "s"``."""
    noun = singular if number == 1 else (plural or singular + "s")
    return f"{number:,} {noun}"
