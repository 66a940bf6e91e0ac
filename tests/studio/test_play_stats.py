"""Learning from play (issue 13): per card and version, what tables did and what players said.

Tables are played through the real services (live/service.py, live/feedback.py); only the
clock the service hands the engine is set by the test, so minutes on a card are known.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st
from sqlalchemy import inspect, select

from koerskaart.engine import RoundStatus
from koerskaart.engine import actions as act
from koerskaart.extensions import db
from koerskaart.live import card_stats, decks, feedback, service
from koerskaart.models import RoundRow, StudioDeck, User, Visibility
from tests.helpers.apps import fresh_app
from tests.helpers.proefdeck import ACTION, CHOICE, OPEN, SENSITIVE, STATEMENT, TEST_DECK
from tests.helpers.users import log_in, make_user

SLUG = "leerdeck"
K = 3
# An answer per kind of card of the test deck, by card index (the action card takes none).
QUIET = {STATEMENT: 4, CHOICE: 1, OPEN: "Meer ruimte", SENSITIVE: 2}


class Clock:
    """The time the table service gives the engine (``service.time``), moved on by the test."""

    def __init__(self) -> None:
        self.now = 1_900_000_000.0

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    found = Clock()
    monkeypatch.setattr(service, "time", found)
    return found


@dataclass
class Played:
    public_id: str
    seats: list[str]


Step = str | Sequence[Any]  # "skip", "answer" (every seat the quiet answer), or one value per seat


def play(
    owner: User | None,
    players: int,
    plan: Sequence[Step],
    clock: Clock,
    *,
    slug: str = SLUG,
    seconds: Sequence[int] = (),
    playtest: service.Playtest | None = None,
    end: bool = True,
) -> Played:
    """A table of ``players`` through the services: card i as ``plan[i]``, ``seconds[i]`` on it."""
    table, host, _token, _key = service.create_table(slug, "Host", owner=owner, playtest=playtest)
    public_id, code = table.public_id, table.join_code
    assert code is not None
    seats = [host]
    for number in range(1, players):
        seats.append(service.join_table(code, f"P{number}")[1])
    service.perform(public_id, act.Start(by=host))
    for index, step in enumerate(plan):
        last = index == len(plan) - 1
        if step != "skip" and index != ACTION:
            values = [QUIET[index]] * players if step == "answer" else list(step)
            for seat, value in zip(seats, values, strict=False):
                service.perform(public_id, act.Submit(seat, index, value))
        clock.now += seconds[index] if index < len(seconds) else 60
        if last:
            if end:
                service.perform(public_id, act.End(by=host))  # an open round left here is skipped
        elif step == "skip":
            service.perform(public_id, act.Skip(by=host))
        else:
            service.perform(public_id, act.Next(by=host))
    return Played(public_id, seats)


def comment(played: Played, card_index: int, texts: Sequence[str | None], verdict: str = "unclear") -> None:
    for seat, text in zip(played.seats, texts, strict=False):
        feedback.record(played.public_id, seat, card_index, verdict, text)


def owner_of(email: str) -> User:
    found = db.session.scalars(select(User).where(User.email == email)).one()
    return found


@pytest.fixture
def deck(app: Flask, author: FlaskClient) -> StudioDeck:
    """The test deck imported into the studio under its own slug, version 1 published."""
    raw = yaml.safe_load(TEST_DECK.read_text(encoding="utf-8"))
    raw["slug"] = SLUG
    assert (
        author.post("/studio/import", data={"text": yaml.safe_dump(raw, allow_unicode=True)}).status_code
        == 302
    )
    found = db.session.scalars(select(StudioDeck).where(StudioDeck.slug == SLUG)).one()
    assert author.post(f"/studio/{found.public_id}/publish", data={"note": "Eerste"}).status_code == 302
    return found


def _cards(page: str) -> dict[str, str]:
    """Each card's section of the page, by card id."""
    parts = re.split(r'(?=<section class="panel" aria-labelledby="play-card-)', page)
    found = {}
    for part in parts[1:]:
        card_id = re.search(r'data-card-id="([^"]+)"', part)
        assert card_id
        found[card_id.group(1)] = part.split("</section>")[0]
    return found


def _cell(section: str, name: str) -> str:
    cell = re.search(rf'data-testid="{name}">(.*?)</td>', section, re.S)
    assert cell, name
    return re.sub(r"<svg.*?</svg>", "", cell.group(1), flags=re.S)


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("&nbsp;", " ").replace("&lt;", "<").split())


# -- round timing -------------------------------------------------------------------------


def test_round_timing_is_the_tables_written_by_the_service_and_never_a_seats(
    app: Flask, author: FlaskClient, deck: StudioDeck, clock: Clock
) -> None:
    owner = owner_of("auteur@oost.example")
    table, host, _token, _key = service.create_table(SLUG, "Host", owner=owner)
    public_id = table.public_id
    guests = [service.join_table(table.join_code or "", f"P{i}")[1] for i in range(3)]
    service.perform(public_id, act.Start(by=host))

    def rounds() -> dict[int, RoundRow]:
        db.session.expire_all()
        return {
            r.card_index: r for r in db.session.scalars(select(RoundRow).where(RoundRow.table_id == table.id))
        }

    # On the card: only when the table arrived, in whole seconds; no total yet.
    assert rounds()[0].entered_at == int(clock.now) and rounds()[0].seconds_on_card is None
    clock.now += 30.6
    for seat in (host, *guests):
        service.perform(public_id, act.Submit(seat, 0, 4))  # the reveal neither stops nor stamps the time
    assert rounds()[0].status == RoundStatus.REVEALED.value and rounds()[0].seconds_on_card is None
    clock.now += 60
    service.perform(public_id, act.Next(by=host))
    clock.now += 45
    service.perform(public_id, act.GoTo(by=host, card_index=0))  # back: the same card's total grows
    clock.now += 20
    service.perform(public_id, act.Next(by=host))
    clock.now += 15
    service.perform(public_id, act.End(by=host))
    done = rounds()
    assert done[0].seconds_on_card == 90 + 20 and done[1].seconds_on_card == 45 + 15
    assert all(r.entered_at is None for r in done.values())  # once left: durations only, no timeline
    # The round's row names no seat; answers still carry neither seat nor time.
    columns = {c.key for c in inspect(RoundRow).columns}
    assert not any("seat" in name or "nick" in name for name in columns)
    assert {c.key for c in inspect(RoundRow).columns} >= {"entered_at", "seconds_on_card"}


def test_an_abandoned_table_expired_long_after_gives_its_last_card_no_time(
    app: Flask, author: FlaskClient, deck: StudioDeck, clock: Clock
) -> None:
    played = play(owner_of("auteur@oost.example"), 3, ["answer", "answer"], clock, end=False)
    clock.now += 200 * 24 * 3600
    service.expire(played.public_id)
    db.session.commit()
    rounds = db.session.scalars(select(RoundRow).order_by(RoundRow.card_index)).all()
    assert [r.seconds_on_card for r in rounds] == [60, None]
    assert all(r.entered_at is None for r in rounds)


# -- the figures --------------------------------------------------------------------------


def test_figures_count_only_ended_tables_of_k_players_and_never_a_playtest(
    app: Flask, author: FlaskClient, deck: StudioDeck, clock: Clock
) -> None:
    owner = owner_of("auteur@oost.example")
    # Three tables that count: one skips the choice card; minutes 2, 4 and 10 on the statement.
    play(owner, 4, [[1, 5, 1, 5], "answer"], clock, seconds=[120, 60])
    play(owner, 3, [[3, 3, 4], "skip", "answer"], clock, seconds=[240, 30, 60])
    play(owner, 5, [[2, 2, 2, 5, 5], [0, 0, 1, 1, 2]], clock, seconds=[600, 60])
    # None of these may count: a table below k (its rounds close too few), a play-test, an
    # unfinished table, another organisation's table.
    play(owner, 2, ["skip", "skip"], clock, seconds=[3000, 3000])
    text = deck.versions[0].text
    loaded = decks.get(SLUG, 1)
    assert loaded is not None
    play(owner, 4, ["skip", "skip"], clock, playtest=service.Playtest(loaded, text, 1), seconds=[3000, 3000])
    play(owner, 4, ["answer", "skip"], clock, end=False)
    play(make_user("f@west.example", organisation="Gemeente West"), 4, ["answer", "skip"], clock)

    stats = card_stats.version_stats(SLUG, 1, owner.organisation_id, K)
    assert stats.tables == 3
    statement, choice = stats.card("stelling"), stats.card("keuze")
    assert statement.reached == 3 and statement.skipped == card_stats.Rate(0.0, 3)
    assert statement.minutes.median == 4.0 and statement.minutes.tables == 3
    assert (statement.minutes.low, statement.minutes.high) == (3.0, 7.0)
    # Diverged: 1,5,1,5 (2.67 points apart on average) and 2,2,2,5,5 (1.8), not 3,3,4 (0.67).
    assert statement.diverged == card_stats.Rate(2 / 3, 3)
    assert choice.reached == 3 and choice.skipped == card_stats.Rate(1 / 3, 3)
    assert choice.diverged.suppressed  # revealed at two tables only: "< k"
    assert (
        stats.card("open").reached is None and stats.card("open").skipped.suppressed
    )  # one table reached it
    assert not stats.card("open").diverged.measured

    page = author.get(f"/studio/{deck.public_id}/play?version=1")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "private, no-store"
    html = page.get_data(as_text=True)
    cards = _cards(html)
    assert list(cards) == ["stelling", "keuze", "open", "gevoelig", "actie"]
    assert _text(_cell(cards["stelling"], "reached")) == "3"
    assert _text(_cell(cards["stelling"], "minutes")).startswith("4 min (de helft van de tafels 3 tot 7 min)")
    assert _text(_cell(cards["stelling"], "diverged")).startswith("67%")
    assert _text(_cell(cards["keuze"], "skipped")).startswith("33%")
    assert _text(_cell(cards["keuze"], "diverged")) == "< 3"
    assert _text(_cell(cards["open"], "reached")) == "< 3"
    assert "3 tafels geteld." in _text(html)
    assert 'data-testid="play-1"' in author.get(f"/studio/{deck.public_id}").get_data(as_text=True)


def test_one_more_table_changes_no_figure_until_k_more_have_ended(
    app: Flask, author: FlaskClient, deck: StudioDeck, clock: Clock
) -> None:
    """Two looks at the page, before and after one table ended, must not tell what it did (rule 6)."""
    owner = owner_of("auteur@oost.example")
    for _ in range(K):
        play(owner, 3, [[1, 1, 1], "answer"], clock, seconds=[60, 60])
    before = card_stats.version_stats(SLUG, 1, owner.organisation_id, K)
    assert before.tables == K and before.card("stelling").diverged == card_stats.Rate(0.0, K)
    # Tables that diverged, skipped and lingered: invisible until k of them have ended.
    for extra in range(1, K + 1):
        play(owner, 3, [[1, 3, 5], "skip"], clock, seconds=[900, 60])
        now = card_stats.version_stats(SLUG, 1, owner.organisation_id, K)
        if extra < K:
            assert now == before
    assert now.tables == 2 * K
    assert now.card("stelling").diverged == card_stats.Rate(0.5, 2 * K)
    assert now.card("keuze").skipped == card_stats.Rate(0.5, 2 * K)


def test_fewer_than_k_tables_show_nothing_but_not_played_yet(
    app: Flask, author: FlaskClient, deck: StudioDeck, clock: Clock
) -> None:
    owner = owner_of("auteur@oost.example")
    for _ in range(2):
        play(owner, 4, ["answer", "answer"], clock)
    stats = card_stats.version_stats(SLUG, 1, owner.organisation_id, K)
    assert stats.tables is None and not stats.played
    assert all(
        c.reached is None and c.minutes.suppressed and c.skipped.suppressed for c in stats.cards.values()
    )
    html = author.get(f"/studio/{deck.public_id}/play").get_data(as_text=True)
    assert 'data-testid="play-empty"' in html and "Nog niet gespeeld" in html
    assert 'data-testid="play-card"' not in html


def test_comments_show_from_k_commenters_shuffled_and_are_held_below(
    app: Flask, author: FlaskClient, deck: StudioDeck, clock: Clock
) -> None:
    owner = owner_of("auteur@oost.example")
    tables = [play(owner, 4, ["answer", "answer"], clock) for _ in range(2)]
    said = [f"Opmerking {n}" for n in range(8)]
    comment(tables[0], STATEMENT, said[:4])
    comment(tables[1], STATEMENT, said[4:], verdict="strong")
    comment(tables[0], CHOICE, ["Alleen ik", "En ik"])

    orders = set()
    for _ in range(6):
        found = card_stats.feedback_by_card(SLUG, 1, owner.organisation_id, K)
        statement = found["stelling"]
        assert statement.counts == {"unclear": 4, "strong": 4, "not_relevant": 0}
        assert statement.comments is not None and sorted(statement.comments) == sorted(said)
        orders.add(tuple(statement.comments))
        assert found["keuze"].commenters == 2 and found["keuze"].comments is None
    assert len(orders) > 1 or orders != {tuple(said)}  # shuffled, not the order they were given in

    html = author.get(f"/studio/{deck.public_id}/play").get_data(as_text=True)
    cards = _cards(html)
    assert all(text in cards["stelling"] for text in said)
    assert "Alleen ik" not in html and "En ik" not in html
    assert 'data-testid="comments-held"' in cards["keuze"]
    assert "minder dan 3 tafels geteld" in _text(html)  # two tables: only the feedback shows


# -- who may read it ----------------------------------------------------------------------


def test_only_the_decks_own_authors_read_it(app: Flask, author: FlaskClient, deck: StudioDeck) -> None:
    url = f"/studio/{deck.public_id}/play"
    assert author.get(url).status_code == 200
    make_user("auteur@west.example", organisation="Gemeente West", role="author")
    west = log_in(app, "auteur@west.example")
    assert west.get(url).status_code == 404
    deck.visibility = Visibility.SHARED.value  # shared to play and duplicate, not to read its play
    db.session.commit()
    assert west.get(url).status_code == 404
    assert west.get("/studio/nothing-here/play").status_code == 404
    make_user("begeleider@oost.example")
    assert log_in(app, "begeleider@oost.example").get(url).status_code == 403
    assert author.get(f"{url}?version=7").status_code == 404
    assert author.get(f"{url}?version=x").status_code == 404
    assert app.test_client().get(url).status_code in (302, 401)


def test_an_unpublished_deck_says_so(app: Flask, author: FlaskClient) -> None:
    assert author.post("/studio/duplicate", data={"slug": "sociale-veiligheid"}).status_code == 302
    draft = db.session.scalars(select(StudioDeck)).one()
    html = author.get(f"/studio/{draft.public_id}/play").get_data(as_text=True)
    assert 'data-testid="play-unpublished"' in html


# -- the property -------------------------------------------------------------------------


@dataclass
class GeneratedTable:
    players: int
    plan: list[str]
    playtest: bool
    ended: bool
    commenters: int  # seats that comment on the first card, once the table ended


def _tables() -> st.SearchStrategy[list[GeneratedTable]]:
    table = st.builds(
        GeneratedTable,
        players=st.integers(1, 5),
        plan=st.lists(st.sampled_from(["answer", "skip"]), min_size=1, max_size=5),
        playtest=st.booleans(),
        ended=st.sampled_from([True, True, True, False]),
        commenters=st.integers(0, 5),
    )
    return st.lists(table, min_size=0, max_size=7)


def _reveals(table: GeneratedTable) -> bool:
    """Whether the table revealed a round: every seat answers, so the card's threshold decides."""
    needs = {STATEMENT: K, CHOICE: K, OPEN: K + 1, SENSITIVE: K + 1}
    return any(
        step == "answer" and i in needs and table.players >= needs[i] for i, step in enumerate(table.plan)
    )


def _steps(tables: list[GeneratedTable]) -> int:
    return len(tables) - len(tables) % K


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_tables())
def test_no_shown_figure_rests_on_fewer_than_k_tables(generated: list[GeneratedTable]) -> None:
    with fresh_app(), pytest.MonkeyPatch.context() as patch:
        clock = Clock()
        patch.setattr(service, "time", clock)
        owner = make_user("f@oost.example")
        deck = decks.get("proefdeck")
        assert deck is not None
        text = TEST_DECK.read_text(encoding="utf-8")
        counted: list[GeneratedTable] = []
        commenters = 0
        for number, table in enumerate(generated):
            playtest = service.Playtest(deck, text, deck.version) if table.playtest else None
            played = play(
                owner, table.players, table.plan, clock, slug="proefdeck", playtest=playtest, end=table.ended
            )
            if table.ended:
                texts = [f"T{number}S{seat}" for seat in range(min(table.commenters, table.players))]
                comment(played, STATEMENT, texts)
                if not table.playtest:
                    commenters += len(texts)
            if table.ended and not table.playtest and _reveals(table):
                counted.append(table)
        stats = card_stats.version_stats("proefdeck", deck.version, owner.organisation_id, K)
        # Figures grow in whole steps of k tables, the first to end first (rule 6).
        assert stats.tables == (_steps(counted) or None)
        for index, card in enumerate(deck.cards):
            figures = stats.card(card.id)
            reached = [t for t in counted if index < len(t.plan)]
            if figures.reached is not None:
                reached = reached[: _steps(reached)]
                assert figures.reached >= K and figures.reached == len(reached)
            else:
                assert len(reached) < K or len(counted) < K
            for rate in (figures.skipped, figures.diverged):
                assert rate.share is None or (rate.tables is not None and rate.tables >= K)
            assert figures.minutes.suppressed or (figures.minutes.tables or 0) >= K
            if figures.skipped.share is not None:
                skipped = [t for t in reached if t.plan[index] == "skip" and index != ACTION]
                assert figures.skipped.share == pytest.approx(len(skipped) / len(reached))
            said = figures.feedback
            assert said.comments is None or len(said.comments) >= K
        first = stats.card("stelling").feedback
        assert first.commenters == commenters
        assert (first.comments is not None) == (commenters >= K)


def test_the_generator_reaches_shown_figures_and_shown_comments() -> None:
    """The property above is not vacuous: histories with k counting tables and k commenters exist."""

    def counted(tables: list[GeneratedTable]) -> list[GeneratedTable]:
        return [t for t in tables if t.ended and not t.playtest and _reveals(t)]

    found = find(
        _tables(),
        lambda tables: (
            len(counted(tables)) >= K
            and sum(min(t.commenters, t.players) for t in counted(tables)) >= K
            and any("skip" in t.plan for t in counted(tables))
            and any(not t.ended or t.playtest or not _reveals(t) for t in tables)
        ),
    )
    assert len(counted(found)) >= K
