"""Synthetic interchange workspaces: realistic enough that SQL and FTS5 work as on real data.

Everything comes from one seeded ``random.Random``, so a size always gives the same file; the
file is written once under ``build/bench/`` and reused by later runs.
"""

from __future__ import annotations

import json
import random
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from desktop.domain import EVENT_TYPES

if TYPE_CHECKING:
    from pathlib import Path

# Bump when the generator changes, so cached files from an older generator are not reused.
GENERATOR_VERSION = 1
SEED = 20231017
SOURCE_COUNT = 240
FIRST_DAY = date(2023, 1, 1)
DAYS = 730  # about two years

# Roughly ACLED's mix in the Middle East: protests and strikes dominate.
TYPE_WEIGHTS: dict[str, int] = {
    "Battles": 18,
    "Explosions/Remote violence": 27,
    "Violence against civilians": 14,
    "Protests": 28,
    "Riots": 6,
    "Strategic developments": 7,
}

# (place, admin1, country, lat, lon): a few dozen places, weighted by position (earlier more).
PLACES: tuple[tuple[str, str, str, float, float], ...] = (
    ("al-Asad airbase", "Anbar", "IQ", 33.785, 42.441),
    ("Baghdad", "Baghdad", "IQ", 33.315, 44.366),
    ("Erbil", "Erbil", "IQ", 36.191, 44.009),
    ("al-Harir airbase", "Erbil", "IQ", 36.535, 44.286),
    ("Mosul", "Nineveh", "IQ", 36.340, 43.130),
    ("Basra", "Basra", "IQ", 30.508, 47.783),
    ("Kirkuk", "Kirkuk", "IQ", 35.468, 44.392),
    ("Fallujah", "Anbar", "IQ", 33.349, 43.783),
    ("Damascus", "Damascus", "SY", 33.513, 36.292),
    ("Aleppo", "Aleppo", "SY", 36.202, 37.134),
    ("Deir ez-Zor", "Deir ez-Zor", "SY", 35.336, 40.141),
    ("al-Tanf", "Homs", "SY", 33.497, 38.618),
    ("Idlib", "Idlib", "SY", 35.931, 36.634),
    ("Raqqa", "Raqqa", "SY", 35.952, 39.009),
    ("Qamishli", "Hasakah", "SY", 37.052, 41.227),
    ("Beirut", "Beirut", "LB", 33.894, 35.502),
    ("Tyre", "South", "LB", 33.270, 35.203),
    ("Nabatieh", "Nabatieh", "LB", 33.378, 35.484),
    ("Sanaa", "Amanat al Asimah", "YE", 15.369, 44.191),
    ("Hodeidah", "Al Hudaydah", "YE", 14.798, 42.954),
    ("Aden", "Aden", "YE", 12.785, 45.019),
    ("Marib", "Marib", "YE", 15.462, 45.323),
    ("Taiz", "Taiz", "YE", 13.579, 44.021),
    ("Amman", "Amman", "JO", 31.954, 35.911),
    ("Tower 22", "Mafraq", "JO", 33.319, 38.689),
    ("Gaza City", "Gaza", "PS", 31.502, 34.467),
    ("Khan Younis", "Khan Younis", "PS", 31.346, 34.306),
    ("Rafah", "Rafah", "PS", 31.297, 34.245),
    ("Jenin", "Jenin", "PS", 32.460, 35.300),
    ("Nablus", "Nablus", "PS", 32.222, 35.262),
    ("Tehran", "Tehran", "IR", 35.689, 51.389),
    ("Isfahan", "Isfahan", "IR", 32.654, 51.668),
    ("Kerman", "Kerman", "IR", 30.283, 57.083),
    ("Khartoum", "Khartoum", "SD", 15.500, 32.560),
    ("El Fasher", "North Darfur", "SD", 13.628, 25.349),
    ("Omdurman", "Khartoum", "SD", 15.644, 32.478),
    ("Tripoli", "Tripoli", "LY", 32.887, 13.191),
    ("Benghazi", "Benghazi", "LY", 32.116, 20.067),
    ("Mogadishu", "Banaadir", "SO", 2.047, 45.318),
    ("Kismayo", "Lower Juba", "SO", -0.354, 42.545),
)

ACTORS: tuple[str, ...] = (
    "Islamic Resistance in Iraq",
    "Kataib Hezbollah",
    "U.S. forces",
    "Iraqi Security Forces",
    "Popular Mobilization Forces",
    "Syrian Democratic Forces",
    "Syrian Arab Army",
    "Hezbollah",
    "Israel Defense Forces",
    "Hamas",
    "Palestinian Islamic Jihad",
    "Houthis",
    "Yemeni government forces",
    "Saudi-led coalition",
    "Rapid Support Forces",
    "Sudanese Armed Forces",
    "Libyan National Army",
    "al-Shabaab",
    "Somali National Army",
    "Islamic State",
    "Protesters (Iraq)",
    "Rioters (Lebanon)",
    "Civilians",
    "Unidentified armed group",
    "Peshmerga",
    "Turkish Armed Forces",
    "Wagner Group",
    "UNIFIL",
    "Iranian Revolutionary Guard",
    "Jordanian Armed Forces",
)
ARABIC_ACTORS: tuple[str, ...] = (
    "المقاومة الإسلامية في العراق",
    "كتائب حزب الله",
    "الحشد الشعبي",
    "حزب الله",
    "قوات الدعم السريع",
    "الجيش السوداني",
    "أنصار الله",
    "حركة الشباب",
)
ROLES = ("perpetrator", "claimed_by", "attributed_to", "target", "other")
TAGS: tuple[str, ...] = (
    "drone",
    "rocket",
    "IED",
    "US bases",
    "border",
    "election",
    "fuel",
    "water",
    "airport",
    "convoy",
    "checkpoint",
    "prison",
    "hospital",
    "school",
    "oil field",
    "port",
    "shipping",
    "ceasefire",
    "hostages",
    "refugees",
    "curfew",
    "cyber",
    "assassination",
    "kidnap",
)
SOURCE_KINDS = (
    "official",
    "military",
    "media",
    "social_media",
    "claimant",
    "ngo",
    "think_tank",
    "eyewitness",
    "other",
)
OUTLETS = (
    "Reuters",
    "Associated Press",
    "AFP",
    "Al Jazeera",
    "BBC Arabic",
    "Rudaw",
    "Shafaq News",
    "Kurdistan 24",
    "Asharq Al-Awsat",
    "The National",
    "Al-Monitor",
    "ACLED",
    "Airwars",
    "ISW",
    "Crisis Group",
    "Telegram channel",
    "X account",
    "Ministry of Defence",
    "CENTCOM",
    "UN OCHA",
    "Human Rights Watch",
    "Amnesty",
)
NOUNS = (
    "drone",
    "rocket",
    "convoy",
    "checkpoint",
    "base",
    "patrol",
    "market",
    "bridge",
    "airfield",
    "compound",
    "village",
    "district",
    "camp",
    "warehouse",
    "pipeline",
    "border crossing",
    "military post",
    "vehicle",
    "militia",
    "protest",
    "crowd",
    "demonstration",
    "ambush",
    "clash",
    "strike",
    "explosion",
    "raid",
    "arrest",
    "shelling",
    "barrage",
    "mortar",
    "sniper",
    "blockade",
    "hostage",
    "detention",
)
VERBS = (
    "targeted",
    "struck",
    "hit",
    "attacked",
    "shelled",
    "stormed",
    "surrounded",
    "blocked",
    "seized",
    "raided",
    "ambushed",
    "bombed",
    "fired on",
    "gathered near",
    "marched to",
    "dispersed",
    "intercepted",
    "claimed",
    "reported",
    "denied",
)
ADJECTIVES = (
    "heavy",
    "sporadic",
    "renewed",
    "coordinated",
    "overnight",
    "early-morning",
    "large",
    "small",
    "reported",
    "unconfirmed",
    "deadly",
    "failed",
    "second",
    "retaliatory",
    "peaceful",
    "violent",
    "armed",
    "local",
    "foreign",
)
ARABIC_WORDS = (
    "هجوم",
    "طائرة",
    "مسيرة",
    "صاروخ",
    "قاعدة",
    "قصف",
    "اشتباك",
    "مدنيين",
    "قتلى",
    "جرحى",
    "احتجاج",
    "تظاهرة",
    "انفجار",
    "عبوة",
    "ناسفة",
    "قافلة",
    "حاجز",
    "الجيش",
    "القوات",
    "الأمريكية",
    "مصادر",
    "محلية",
    "أفادت",
    "استهدف",
    "بغداد",
    "أربيل",
    "دمشق",
    "بيروت",
    "صنعاء",
    "الخرطوم",
    "غزة",
    "الموصل",
)
MARKINGS = (
    ("TLP:CLEAR", 55),
    ("TLP:GREEN", 25),
    ("TLP:AMBER", 15),
    ("TLP:AMBER+STRICT", 3),
    ("TLP:RED", 2),
)
STATUSES = (
    ("confirmed", 20),
    ("reported", 35),
    ("claimed", 15),
    ("unverified", 20),
    ("disputed", 6),
    ("denied", 4),
)
CONFIDENCES = (("high", 20), ("moderate", 45), ("low", 35))


def cache_path(root: Path, size: int) -> Path:
    return root / f"workspace-{size}-v{GENERATOR_VERSION}.json"


def ensure_workspace(root: Path, size: int) -> Path:
    """The workspace file of ``size`` incidents, generated on first use."""
    path = cache_path(root, size)
    if not path.exists():
        root.mkdir(parents=True, exist_ok=True)
        part = path.with_name(path.name + ".part")
        with part.open("w", encoding="utf-8") as out:
            json.dump(workspace(size), out, ensure_ascii=False)
        part.replace(path)
    return path


def workspace(size: int, seed: int = SEED) -> dict[str, Any]:
    """An interchange document of ``size`` incidents (version 1 of the format)."""
    rng = random.Random(seed)
    sources = [_source(rng, i) for i in range(SOURCE_COUNT)]
    # A few sources carry most citations, as on a real desk.
    weights = [1.0 / (1 + i) ** 0.8 for i in range(SOURCE_COUNT)]
    slugs = [s["id"] for s in sources]
    incidents = [_incident(rng, i, slugs, weights) for i in range(size)]
    return {"format": "incident-desk/1", "sources": sources, "incidents": incidents}


def _weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([p[0] for p in pairs], [p[1] for p in pairs])[0]


def _source(rng: random.Random, index: int) -> dict[str, Any]:
    outlet = OUTLETS[index % len(OUTLETS)]
    return {
        "id": f"src-{index:03d}",
        "name": f"{outlet} {index // len(OUTLETS) + 1}" if index >= len(OUTLETS) else outlet,
        "kind": rng.choice(SOURCE_KINDS),
        "reliability": rng.choice("ABBCCCDDEF"),
        "url": f"https://example.org/source/{index}" if rng.random() < 0.7 else None,
        "notes": "",
    }


def _sentence(rng: random.Random, place: str, arabic: bool) -> str:
    if arabic:
        return " ".join(rng.choice(ARABIC_WORDS) for _ in range(rng.randint(8, 16))) + "."
    return (
        f"A {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} {rng.choice(VERBS)} a "
        f"{rng.choice(NOUNS)} near {place}; {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} "
        f"{rng.choice(VERBS)} {rng.choice(NOUNS)} (ref {rng.randrange(100000)})."
    )


def _incident(
    rng: random.Random, index: int, slugs: list[str], weights: list[float]
) -> dict[str, Any]:
    arabic = rng.random() < 0.10
    place, admin1, country, lat, lon = PLACES[min(int(rng.expovariate(1 / 9)), len(PLACES) - 1)]
    event_type = rng.choices(list(TYPE_WEIGHTS), list(TYPE_WEIGHTS.values()))[0]
    sub_event_type = rng.choice(EVENT_TYPES[event_type])
    day = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
    precision = rng.choices(("exact", "day", "week", "month"), (30, 60, 7, 3))[0]
    if precision == "exact":
        start = datetime(
            day.year, day.month, day.day, rng.randrange(24), rng.randrange(60), tzinfo=UTC
        )
        end = start + timedelta(minutes=rng.choice((0, 0, 15, 90)))
        when = {
            "start": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "end": end.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "precision": precision,
        }
    else:
        end_day = day + timedelta(days=rng.choice((0, 0, 0, 1, 2)))
        when = {"start": day.isoformat(), "end": end_day.isoformat(), "precision": precision}
    if arabic:
        title = " ".join(rng.choice(ARABIC_WORDS) for _ in range(rng.randint(3, 7)))
    else:
        title = (
            f"{rng.choice(ADJECTIVES).capitalize()} {rng.choice(NOUNS)} "
            f"{rng.choice(VERBS)} near {place}"
        )
    actor_pool = ARABIC_ACTORS if arabic and rng.random() < 0.6 else ACTORS
    actors = [
        {"name": name, "role": rng.choice(ROLES)}
        for name in dict.fromkeys(rng.choice(actor_pool) for _ in range(rng.randint(0, 3)))
    ]
    citations = []
    for slug in dict.fromkeys(rng.choices(slugs, weights, k=rng.randint(1, 4))):
        published = day + timedelta(days=rng.randrange(3))
        citations.append(
            {
                "source": slug,
                "credibility": rng.randint(1, 6),
                "url": f"https://example.org/{slug}/{index}" if rng.random() < 0.6 else None,
                "published": published.isoformat(),
                "retrieved": (published + timedelta(days=rng.randrange(4))).isoformat(),
                "language": "ar" if arabic else "en",
                "excerpt": _sentence(rng, place, arabic),
            }
        )
    jitter = rng.random() < 0.7
    return {
        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "title": title,
        "summary": " ".join(_sentence(rng, place, arabic) for _ in range(rng.randint(1, 3))),
        "notes": _sentence(rng, place, False) if rng.random() < 0.3 else "",
        "when": when,
        "where": {
            "name": place,
            "admin1": admin1,
            "country": country,
            "lat": round(lat + rng.uniform(-0.05, 0.05), 4) if jitter else None,
            "lon": round(lon + rng.uniform(-0.05, 0.05), 4) if jitter else None,
            "precision": rng.choice((1, 2, 3)),
        },
        "event_type": event_type,
        "sub_event_type": sub_event_type,
        "actors": actors,
        "casualties": {
            "killed": rng.choice((None, 0, 0, 1, 2, 3, 5, 12)),
            "injured": rng.choice((None, 0, 1, 2, 4, 9)),
            "note": "",
        },
        "status": _weighted(rng, STATUSES),
        "confidence": _weighted(rng, CONFIDENCES),
        "likelihood": None,
        "tags": list(dict.fromkeys(rng.choice(TAGS) for _ in range(rng.randint(0, 3)))),
        "marking": _weighted(rng, MARKINGS),
        "citations": citations,
    }
