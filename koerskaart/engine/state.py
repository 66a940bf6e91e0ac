"""A table's state: plain data the engine reads and returns, stored by the services."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum

from .cards import Answer, CardKind, CardRule
from .results import Result

MIN_K = 3  # PRODUCT.md: k = 3 by default, never lower


class TableStatus(StrEnum):
    LOBBY = "lobby"
    PLAYING = "playing"
    ENDED = "ended"


class RoundStatus(StrEnum):
    OPEN = "open"
    REVEALED = "revealed"
    TOO_FEW = "too_few"  # closed with fewer answers than the threshold: nothing shown, answers dropped
    SKIPPED = "skipped"
    DISCUSSED = "discussed"  # an action card the table moved on from


CLOSED = frozenset({RoundStatus.REVEALED, RoundStatus.TOO_FEW, RoundStatus.DISCUSSED})


@dataclass
class Seat:
    id: str
    nickname: str | None = None
    is_host: bool = False
    perspective: str | None = None  # "manager" or "employee" when the player chose to say


@dataclass
class Round:
    card_index: int
    status: RoundStatus = RoundStatus.OPEN
    # seat id -> answer; exists only while the round is open (PRODUCT.md rule 4)
    answers: dict[str, Answer] = field(default_factory=dict)
    result: Result | None = None


@dataclass
class TeamAction:
    id: str
    card_index: int
    who: str
    what: str
    due: str


@dataclass
class Settings:
    k: int = MIN_K
    k_text: int = MIN_K + 1  # open text has its own, higher bar
    capacity: int = 12
    # A table of a synchronised conference: the facilitator opens, closes and pauses rounds,
    # and the table's host no longer paces it (conference mode, free pacing leaves it False).
    steered: bool = False

    def __post_init__(self) -> None:
        if self.k < MIN_K:
            raise ValueError(f"k must be at least {MIN_K}")
        if self.k_text < self.k:
            raise ValueError("k_text must be at least k")


@dataclass
class TableState:
    cards: tuple[CardRule, ...]
    settings: Settings = field(default_factory=Settings)
    status: TableStatus = TableStatus.LOBBY
    locked: bool = False
    paused: bool = False
    card_index: int = 0
    timer_ends_at: float | None = None
    seats: dict[str, Seat] = field(default_factory=dict)  # insertion order = join order
    rounds: dict[int, Round] = field(default_factory=dict)
    actions: list[TeamAction] = field(default_factory=list)
    keep_open_text: bool = False
    # A conference's next harvest card: the table may not move past it until it is released.
    hold_at: int | None = None

    def copy(self) -> TableState:
        """An independent copy for the engine to change, about five times cheaper than deepcopy.

        Every mutable part is copied; the cards, results, answers and enums are immutable and
        shared. ``replace`` carries every field, so only a new *mutable container* field needs
        a line here (tests/engine/test_state_copy.py lists the fields to make that visible).
        """
        return replace(
            self,
            settings=replace(self.settings),
            seats={seat_id: replace(seat) for seat_id, seat in self.seats.items()},
            rounds={
                index: replace(round_, answers=dict(round_.answers)) for index, round_ in self.rounds.items()
            },
            actions=[replace(action) for action in self.actions],
        )

    @property
    def current_round(self) -> Round | None:
        return self.rounds.get(self.card_index)

    @property
    def answering_round(self) -> Round | None:
        """The round that takes answers now: playing, open, on an answerable card; else None."""
        current = self.current_round
        if (
            self.status is TableStatus.PLAYING
            and current is not None
            and current.status is RoundStatus.OPEN
            and self.cards[current.card_index].answerable
        ):
            return current
        return None

    @property
    def current_card(self) -> CardRule:
        return self.cards[self.card_index]

    @property
    def host_id(self) -> str | None:
        return next((seat.id for seat in self.seats.values() if seat.is_host), None)

    def threshold(self, card: CardRule) -> int:
        """Answers needed before anything about a card may be shown.

        Open text has its own, higher bar; a sensitive card needs one more than k,
        because with exactly k answers its bands would still pin down unanimity.
        """
        if card.kind is CardKind.OPEN:
            return self.settings.k_text
        return self.settings.k + 1 if card.sensitive else self.settings.k

    @property
    def discussion_only(self) -> bool:
        """Fewer players than k: the table can talk cards through but never sees results."""
        return len(self.seats) < self.settings.k
