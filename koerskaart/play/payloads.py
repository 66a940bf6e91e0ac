"""The shape of every client -> server payload; anything else is `invalid_payload`."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr


class Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Empty(Payload):
    pass


class SubmitAnswer(Payload):
    card_index: Annotated[StrictInt, Field(ge=0, le=1000)]
    value: StrictInt | Annotated[StrictStr, Field(max_length=2000)]


class GoToCard(Payload):
    card_index: Annotated[StrictInt, Field(ge=0, le=1000)]


class PauseTable(Payload):
    paused: StrictBool


class SetTimer(Payload):
    seconds: StrictInt | None


class LockTable(Payload):
    locked: StrictBool


class RemovePlayer(Payload):
    seat_id: Annotated[StrictStr, Field(max_length=64)]


class AddAction(Payload):
    who: Annotated[StrictStr, Field(max_length=200)] = ""
    what: Annotated[StrictStr, Field(max_length=1000)]
    due: Annotated[StrictStr, Field(max_length=200)] = ""


class RemoveAction(Payload):
    action_id: Annotated[StrictStr, Field(max_length=64)]


class EndTable(Payload):
    keep_open_text: StrictBool = False


class GiveFeedback(Payload):
    card_index: Annotated[StrictInt, Field(ge=0, le=1000)]
    verdict: Literal["unclear", "strong", "not_relevant"]
    comment: Annotated[StrictStr, Field(max_length=280)] | None = None
