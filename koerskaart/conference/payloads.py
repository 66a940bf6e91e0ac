"""The shape of every dashboard -> server payload; anything else is `invalid_payload`."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr

CardIndex = Annotated[StrictInt, Field(ge=0, le=1000)]
TableId = Annotated[StrictStr, Field(max_length=64)]


class Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Empty(Payload):
    pass


class ShowCard(Payload):
    card_index: CardIndex


class ShowOnScreen(Payload):
    card_index: CardIndex | None


class PauseEvent(Payload):
    paused: StrictBool


class Announce(Payload):
    text: Annotated[StrictStr, Field(max_length=1000)] | None = None
    countdown_seconds: StrictInt | None = None


class MovePlayer(Payload):
    seat_id: TableId
    to: TableId


class MergeTables(Payload):
    # "from" only, as documented: populating by the field's name would accept "source" too.
    source: TableId = Field(alias="from")
    into: TableId


class OpenTable(Payload):
    label: Annotated[StrictStr, Field(max_length=200)] | None = None


class CloseTable(Payload):
    table: TableId
    closed: StrictBool


class EndEvent(Payload):
    keep_open_text: StrictBool = False
