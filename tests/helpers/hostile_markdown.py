"""Card text an author might write to run script: every one tries to set ``window.__pwned``.

Used by the unit tests of koerskaart/markdown.py and, written into a deck (``hostile_deck``),
by the browser test that plays it on phones, the table screen, the summary and the deck page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

PWN = "window.__pwned=1"

HOSTILE = [
    f"<script>{PWN}</script>",
    f"<SCRIPT>{PWN}</SCRIPT> na **script**",
    f'<img src=x onerror="{PWN}">',
    f"<svg onload={PWN}><circle r=1></svg>",
    f'<svg><script href="data:,{PWN}"></script></svg>',
    f'<iframe src="javascript:{PWN}"></iframe>',
    f'<iframe srcdoc="<script>parent.{PWN}</script>"></iframe>',
    f'<a href="javascript:{PWN}">html-link</a>',
    f"[md-link](javascript:{PWN})",
    f"[mixed](JaVaScRiPt:{PWN})",
    f"[entity](&#106;avascript:{PWN})",
    f"[hex](java&#x09;script:{PWN})",
    "[vb](vbscript:msgbox(1))",
    f"[data](data:text/html,<script>{PWN}</script>)",
    f"<javascript:{PWN}>",
    f"[angle](<javascript:{PWN}>)",
    f'[title](https://example.org "a\\" onmouseover=\\"{PWN}")',
    f"[title2](https://example.org 'x\" onfocus=\"{PWN}' autofocus)",
    f'<p style="background:url(javascript:{PWN})">style</p>',
    f'<span style="x:expression({PWN})">expr</span>',
    f"**<b onmouseover={PWN}>bold</b>** *<i onclick={PWN}>em</i>*",
    f"*[nested **link**](javascript:{PWN})*",
    f"&lt;script&gt;{PWN}&lt;/script&gt; &#60;img src=x onerror={PWN}&#62;",
    f"![img](javascript:{PWN})",
    f'![img2](https://example.org/p.png "x" onerror={PWN})',
    "\u202eRTL override\u202c en \u2066isolate\u2069 [\u202elink](https://example.org)",
    f"<math><mi xlink:href=javascript:{PWN}>m</mi></math>",
    f"<<script>script>{PWN}<</script>/script>",
    f'<form action="javascript:{PWN}"><button>go</button></form>',
    f'<object data="javascript:{PWN}"></object><embed src=javascript:{PWN}>',
    f"[ref][1]\n\n[1]: javascript:{PWN}",
    f"<details open ontoggle={PWN}>d</details>",
    "*Veilig* **vet** [web](https://example.org) en [mail](mailto:kk@example.org)",
]
LONG = ("**lang** " + f"<img src=x onerror={PWN}> ") * 60  # within a deck field's 2000 characters


def _text(value: str) -> dict[str, str]:
    return {"nl": value, "en": value}


def hostile_deck(folder: Path, slug: str = "gifdeck") -> Path:
    """A deck whose every card text holds hostile input, written to ``folder/<slug>.yaml``."""
    texts = [*HOSTILE, LONG[:1990]]

    def pick(n: int) -> str:
        return texts[n % len(texts)]

    cards: list[dict[str, Any]] = []
    kinds = ["statement", "choice", "open", "frequency"]
    for index in range(8):
        kind = kinds[index % len(kinds)]
        base = index * 5
        card: dict[str, Any] = {
            "id": f"gif-{index + 1}",
            "type": kind,
            "prompt": _text(f"Kaart {index + 1}: {pick(base)}"),
            "body": _text(f"- {pick(base + 1)}\n- {pick(base + 2)}"),
            "follow_up": [_text(pick(base + 3)), _text(pick(base + 4))],
            "source": _text(pick(base + 2)),
            "facilitator": _text(pick(base + 1)),
            "conference": {"prompt": _text(pick(base + 3)), "body": _text(pick(base + 4))},
        }
        if kind == "choice":
            card["options"] = [_text(pick(base + j)) for j in range(5)]
        cards.append(card)
    deck = {
        "schema_version": 1,
        "slug": slug,
        "languages": ["nl", "en"],
        "title": _text("Gifdeck"),
        "description": _text("Vijandige invoer in elk tekstveld."),
        "cards": cards,
    }
    path = folder / f"{slug}.yaml"
    path.write_text(yaml.safe_dump(deck, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
