"""The demo project: the sample corpus on Japan–Russia relations (2014–2016), a starter
codebook and example statements. Statements name their passage by its exact quote; the
loader finds the offsets, so they stay right whatever the text looks like."""

from pathlib import Path

CORPUS_DIR = Path(__file__).parent / "corpus"

PROJECT = {
    "name": "Japan–Russia relations",
    "slug": "japan-russia-relations",
    "description": "News, analysis and a forum thread on Japan’s Russia policy, 2014–2016.",
}

DOCUMENTS = [
    {
        "file": "000_3f2d6af3ead843af.txt",
        "title": "Abe plans Putin visit to revive island talks and keep Moscow from Beijing",
        "source_name": "The Japan Times",
        "published_at": "2015-06-09",
        "language": "en",
    },
    {
        "file": "001_b72257fd200dd1c4.txt",
        "title": "Tense US-Russia relations complicate Abe's diplomacy",
        "source_name": "Nikkei Asian Review",
        "published_at": "2014-03-10",
        "language": "en",
    },
    {
        "file": "002_4c2f5da5c24a5470.txt",
        "title": "Why is Japan's Abe Seeking Better Ties with Russia's Putin? (forum thread)",
        "source_name": "Defence forum",
        "published_at": "2014-02-12",
        "language": "en",
    },
    {
        "file": "003_2841f2a1df42bc26.txt",
        "title": "Japan tests West’s boycott of Russia",
        "source_name": "Asia Times",
        "author": "M.K. Bhadrakumar",
        "published_at": "2015-06-11",
        "language": "en",
    },
    {
        "file": "004_cd44fa2f4d81743e.txt",
        "title": "What's Behind Japan 'Wavering' Between Two Opposing Policies Towards Russia",
        "source_name": "Sputnik",
        "published_at": "2016-12-29",
        "language": "en",
    },
]

# name, kind, affiliation, aliases
ACTORS = [
    ("Japan", "state", None, ["Tokyo", "Japanese government"]),
    ("Russia", "state", None, ["Moscow", "Kremlin"]),
    ("China", "state", None, ["Beijing"]),
    ("United States", "state", None, ["US", "U.S.", "Washington"]),
    ("G7", "organisation", None, ["Group of Seven", "G-7"]),
    ("State Duma", "organisation", "Russia", ["Duma"]),
    ("German Marshall Fund of the United States", "organisation", None, ["GMF"]),
    ("Shinzo Abe", "person", "Japan", ["Abe"]),
    ("Vladimir Putin", "person", "Russia", ["Putin"]),
    ("Sergey Naryshkin", "person", "State Duma", ["Naryshkin"]),
    ("Daniel Twining", "person", "German Marshall Fund of the United States", ["Twining"]),
    ("Taisuke Abiru", "person", None, ["Abiru"]),
    ("Ayako Doi", "person", None, ["Doi"]),
    ("James Schoff", "person", None, ["Schoff"]),
    ("Vladimir Grinyuk", "person", None, ["Grinyuk"]),
]

# label, parent label, description
CLAIMS = [
    ("Sanctions", None, "Category: sanctions against Russia over Ukraine."),
    ("Bilateral ties", None, "Category: the Japan–Russia relationship."),
    ("Regional security", None, "Category: security in East Asia."),
    ("Territorial dispute", None, "Category: the Northern Territories / Southern Kurils."),
    (
        "Japan should maintain sanctions on Russia",
        "Sanctions",
        "Japan keeps (or joins) the Western sanctions imposed over Ukraine.",
    ),
    (
        "Japan should deepen ties with Russia",
        "Bilateral ties",
        "Closer political and economic relations between Tokyo and Moscow.",
    ),
    (
        "A Russia–China alignment threatens Japan",
        "Regional security",
        "Closer Russia–China relations harm Japan's security or interests.",
    ),
    (
        "The territorial dispute can be resolved through negotiation",
        "Territorial dispute",
        "Talks can settle the dispute over the four islands and lead to a peace treaty.",
    ),
]

SANCTIONS = "Japan should maintain sanctions on Russia"
TIES = "Japan should deepen ties with Russia"
AXIS = "A Russia–China alignment threatens Japan"
TALKS = "The territorial dispute can be resolved through negotiation"

# document file, quote, actor, claim, stance, note
STATEMENTS = [
    (
        "000_3f2d6af3ead843af.txt",
        "Japan doesn’t want to push Russia further to the Chinese side",
        "Japan",
        TIES,
        "support",
        "",
    ),
    (
        "000_3f2d6af3ead843af.txt",
        "vowed to continue punitive measures on Russia unless it changes course",
        "G7",
        SANCTIONS,
        "support",
        "G7 meeting in Germany.",
    ),
    (
        "000_3f2d6af3ead843af.txt",
        "We have to watch out for any kind of Russia-China axis",
        "Daniel Twining",
        AXIS,
        "support",
        "",
    ),
    (
        "000_3f2d6af3ead843af.txt",
        "I actually think this is a fundamentally competitive relationship in Central Asia.",
        "Daniel Twining",
        AXIS,
        "neutral",
        "Qualifies his own warning.",
    ),
    (
        "000_3f2d6af3ead843af.txt",
        "Japan’s imposition of sanctions on Russia has become an obstacle to bilateral relations.",
        "Sergey Naryshkin",
        SANCTIONS,
        "oppose",
        "",
    ),
    (
        "000_3f2d6af3ead843af.txt",
        "urged Japan to lift sanctions",
        "Sergey Naryshkin",
        SANCTIONS,
        "oppose",
        "Indirectly, on Rossiya 24.",
    ),
    (
        "000_3f2d6af3ead843af.txt",
        "We are ready to discuss any topics, even as delicate as a peace treaty with Japan, "
        "but it should be done with respect",
        "Sergey Naryshkin",
        TALKS,
        "support",
        "",
    ),
    (
        "000_3f2d6af3ead843af.txt",
        "it will be hard for Abe to advance the issue even if he sits down for talks with Putin",
        "Taisuke Abiru",
        TALKS,
        "oppose",
        "",
    ),
    (
        "001_b72257fd200dd1c4.txt",
        "seeking to deepen relations with Russian President Vladimir Putin",
        "Shinzo Abe",
        TIES,
        "support",
        "",
    ),
    (
        "001_b72257fd200dd1c4.txt",
        "Washington said it is considering imposing economic sanctions on Russia and that it "
        "wants Tokyo to join in",
        "United States",
        SANCTIONS,
        "support",
        "",
    ),
    (
        "002_4c2f5da5c24a5470.txt",
        "Japanese Prime Minister Shinzo Abe is trying hard to improve relations with Russia",
        "Shinzo Abe",
        TIES,
        "support",
        "",
    ),
    (
        "002_4c2f5da5c24a5470.txt",
        "there is a history of negotiation between them, ever since the end of the war",
        "James Schoff",
        TALKS,
        "support",
        "",
    ),
    (
        "002_4c2f5da5c24a5470.txt",
        "the Russian leader currently has little reason to make territorial concessions",
        "Ayako Doi",
        TALKS,
        "oppose",
        "",
    ),
    (
        "003_2841f2a1df42bc26.txt",
        "what makes Tokyo particularly uneasy is the acceleration of the Sino-Russian entente "
        "in the Asia-Pacific",
        "Japan",
        AXIS,
        "support",
        "",
    ),
    (
        "003_2841f2a1df42bc26.txt",
        "The Sino-Russian entente does not worry the US.",
        "United States",
        AXIS,
        "oppose",
        "",
    ),
    (
        "004_cd44fa2f4d81743e.txt",
        "Tokyo will further consider options for economic cooperation with Moscow",
        "Japan",
        TIES,
        "support",
        "",
    ),
    (
        "004_cd44fa2f4d81743e.txt",
        "while keeping in place anti-Russian sanctions",
        "Japan",
        SANCTIONS,
        "support",
        "",
    ),
    # The scraped page has no-break spaces in this sentence.
    (
        "004_cd44fa2f4d81743e.txt",
        "On the one hand, Abe is determined to\u00a0develop cooperation with\u00a0Russia.",
        "Vladimir Grinyuk",
        TIES,
        "support",
        "Grinyuk on Abe's course.",
    ),
]

# Passages highlighted but not yet tagged: document file, quote, claim or None.
HIGHLIGHTS = [
    (
        "003_2841f2a1df42bc26.txt",
        "the dispute over the islands cannot easily lend to a solution",
        TALKS,
    ),
]
