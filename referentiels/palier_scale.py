"""Palier's own progression scale, for référentiels that have no levels of their own.

A certification référentiel describes what a competency is and how it is assessed,
not intermediate levels. Palier rates progress on it with these four steps. Their
words are Palier's (not the certifier's), which the data marks with
``scale.origin: palier``; every file using the scale must repeat it exactly, and
the English labels live in the message catalog under ``scale.<level id>``.
"""

from referentiels.models import Level, Scale

PALIER_PROGRESSION_SCALE = Scale(
    origin="palier",
    levels=[
        Level(
            id="non_acquis",
            label="Non acquis",
            description="La compétence n'est pas encore mise en œuvre en situation professionnelle.",
        ),
        Level(
            id="en_cours",
            label="En cours d'acquisition",
            description="La compétence est mise en œuvre avec de l'aide ou de façon irrégulière.",
        ),
        Level(
            id="acquis",
            label="Acquis",
            description="La compétence est mise en œuvre en autonomie et satisfait ses critères d'évaluation.",
        ),
        Level(
            id="maitrise",
            label="Maîtrisé",
            description="La compétence est mise en œuvre avec aisance, dans des situations nouvelles, "
            "et peut être transmise.",
        ),
    ],
)
