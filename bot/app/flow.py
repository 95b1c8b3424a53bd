"""What every application flow holds, given once by the composition root.

A flow opens a unit of work for each request, reads the référentiels from the catalog and
takes "now" from the clock it is given (never the system's), so a test or the demo sets
the time. Flows that need nothing more derive from :class:`Flow` rather than repeating
the three assignments.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.app.unit_of_work import UnitOfWork
from referentiels.loader import ReferentielCatalog


class Flow:
    def __init__(
        self, work: UnitOfWork, catalog: ReferentielCatalog, clock: Callable[[], datetime]
    ) -> None:
        self.work = work
        self.catalog = catalog
        self.clock = clock
