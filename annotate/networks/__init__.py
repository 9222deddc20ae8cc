"""Discourse networks from a project's complete statements, as the Discourse Network
Analyzer (DNA) defines them, and their export formats.

A statement is an annotation with actor, claim and stance set that is not in the trash.
Stance is the qualifier, on DNA's integer scale: oppose -1, neutral 0, support +1.

* **affiliation** (two-mode, actor × claim). Qualifier ``ignore`` counts statements,
  ``subtract`` counts support minus oppose (neutral adds nothing) and ``combine`` codes
  which stances the actor took: 1 support only, 2 oppose only, 3 both (DNA's codes for
  an agreement qualifier), plus 4 for neutral (so 5 is support and neutral, and so on).
  Normalisation ``activity`` divides each row by the actor's number of statements,
  ``prominence`` each column by the claim's number of statements.
* **congruence**, **conflict** and **cooccurrence** (one-mode, actor × actor). For each
  claim and each pair of stances the two actors took on it, the pair adds the product
  of the two counts, weighted by how close (congruence) or how far apart (conflict) the
  stances are on the scale: the same stance is fully congruent, support against oppose
  fully conflicting, neutral against either half of each. ``cooccurrence`` (DNA's
  ``ignore``) multiplies the two actors' counts on each claim regardless of stance.
  Normalisation divides each tie by ``average`` activity ((a + b) / 2), by the
  ``jaccard`` denominator over (claim, stance) cells, or by ``cosine`` (a × b, DNA's
  formula), where a and b are the two actors' numbers of statements.
* **duplicates** ``all`` counts every statement; ``document`` counts one statement per
  document for each actor, claim and (unless the stance is ignored) stance.

Nodes are the actors and claims present in the statements that pass the filters,
sorted by name as DNA sorts them. The one-mode computation packs each actor's counts
into one large integer so that a whole row of the matrix is a handful of integer
multiplications: 100,000 statements over 500 actors and 200 claims take well under a
second without any numerical library.

The package: ``options`` (the options and which combinations make a network),
``computation`` (the statements and the matrices), ``formats`` (JSON, GraphML,
GEXF, CSV) and ``windows`` (one network per time window, as DNA moves its window);
the page draws the JSON in the browser. Everything is reachable from here.
"""

from .computation import (
    ACTOR_COLOURS,
    CLAIM_COLOUR,
    COMBINE_BITS,
    LEVELS,
    SCALE,
    Network,
    Node,
    compute_network,
    statements_for,
)
from .formats import (
    CONTENT_TYPES,
    FORMATS,
    WRITERS,
    as_edges_csv,
    as_gexf,
    as_graphml,
    as_json,
    as_matrix_csv,
    filename,
    plain_number,
)
from .options import (
    CHECKED_OPTIONS,
    DUPLICATE_LABELS,
    DUPLICATES,
    KIND_LABELS,
    KINDS,
    NORMALIZATION_LABELS,
    NORMALIZATIONS,
    ONE_MODE_KINDS,
    ONE_MODE_NORMALIZATIONS,
    QUALIFIER_LABELS,
    QUALIFIERS,
    TWO_MODE_NORMALIZATIONS,
    NetworkOptionError,
    NetworkOptions,
    checked_options,
    option_errors,
)
from .windows import (
    MAX_WINDOWS,
    UNITS,
    Window,
    WindowError,
    window_network,
    window_networks,
    windows_for,
)

__all__ = [
    "ACTOR_COLOURS",
    "MAX_WINDOWS",
    "UNITS",
    "Window",
    "WindowError",
    "window_network",
    "window_networks",
    "windows_for",
    "CHECKED_OPTIONS",
    "CLAIM_COLOUR",
    "COMBINE_BITS",
    "CONTENT_TYPES",
    "DUPLICATES",
    "DUPLICATE_LABELS",
    "FORMATS",
    "KINDS",
    "KIND_LABELS",
    "LEVELS",
    "NORMALIZATIONS",
    "NORMALIZATION_LABELS",
    "ONE_MODE_KINDS",
    "ONE_MODE_NORMALIZATIONS",
    "QUALIFIERS",
    "QUALIFIER_LABELS",
    "SCALE",
    "TWO_MODE_NORMALIZATIONS",
    "WRITERS",
    "Network",
    "NetworkOptionError",
    "NetworkOptions",
    "Node",
    "as_edges_csv",
    "as_gexf",
    "as_graphml",
    "as_json",
    "as_matrix_csv",
    "checked_options",
    "compute_network",
    "filename",
    "option_errors",
    "plain_number",
    "statements_for",
]
