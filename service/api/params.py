"""Bounded path parameters shared by the routes: a number past the column's range is 422, not 500.

Every table's key is a 32-bit ``INTEGER`` (SQLite's is 64-bit, PostgreSQL's 32-bit), so an ID
above ``2**31 - 1`` can name no row; without the bound it reached the database and overflowed.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

MAX_ROW_ID = 2**31 - 1
RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description="A row's numeric ID")]
