"""The JSON Schema of a référentiel file, generated from the models.

It is committed beside the YAML (``data/referentiel.schema.json``) so editors
validate the files as they are written; a test keeps it up to date.
"""

from __future__ import annotations

import json
from typing import Any

from referentiels.loader import SCHEMA_FILE
from referentiels.models import Referentiel


def build_schema() -> dict[str, Any]:
    schema = Referentiel.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **schema,
    }


def render_schema() -> str:
    return json.dumps(build_schema(), indent=2, ensure_ascii=False) + "\n"


def write_schema() -> None:
    SCHEMA_FILE.write_text(render_schema(), encoding="utf-8")
