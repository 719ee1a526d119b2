"""Seeded planning instances (``vae-jury-planning/1``) with realistic scarcity, for the
benchmark and the tests: CNAM juries (RNCP 5385) and ASKORIA juries (RNCP 17992)."""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta

SITES = ["Paris", "Paris", "Lille", "Nantes", "Rennes"]
# Share of each certification's pool by qualification set: presidents and pedagogical heads are the scarce ones.
POOL_5385 = [((("cnam_president",),), 0.12), ((("cnam_teacher", "pedagogical_head"),), 0.14),
             ((("cnam_teacher",),), 0.44), ((("qualified_professional", "employer_rep"),), 0.09),
             ((("qualified_professional", "employee_rep"),), 0.09), ((("qualified_professional",),), 0.12)]
POOL_17992 = [((("director_in_post",),), 0.80), ((("director_in_post", "employer_rep"),), 0.05),
              ((("askoria_trainer",),), 0.15)]
SIZES = {"S": (40, 40, 10), "M": (400, 120, 30), "L": (2000, 400, 60), "XL": (20000, 3000, 250)}


def _slots(count: int, start: date, rng: random.Random, rooms: int) -> list[dict]:
    slots, day = [], start
    while len(slots) < count:
        if day.weekday() < 5:
            for hour, end in ((9, (12, 30)), (14, (17, 30))):
                if len(slots) < count:
                    site = SITES[len(slots) % len(SITES)]
                    slots.append({"id": f"S{len(slots) + 1:04d}", "start": datetime(day.year, day.month, day.day, hour).isoformat(timespec="minutes"),
                                  "end": datetime(day.year, day.month, day.day, *end).isoformat(timespec="minutes"),
                                  "site": site, "rooms": rooms + rng.choice([0, 0, 1, 2])})
        day += timedelta(days=1)
    return slots


def generate(candidates: int, members: int, slots: int, seed: int = 0, tight: bool = False,
             as_of: date = date(2016, 6, 1)) -> dict:
    """An instance; ``tight`` makes directors in post too few, so some candidates cannot be planned."""
    rng = random.Random(seed)
    # Rooms enough for the sessions with a margin: rooms are not what a campaign lacks, people are.
    rooms = max(2, -(-(candidates // 4) * 13 // (10 * slots)))
    slot_list = _slots(slots, as_of + timedelta(days=3), rng, rooms)
    slot_ids = [s["id"] for s in slot_list]
    share_5385 = 0.0 if tight else 0.6
    n_5385 = round(candidates * share_5385)
    pool = []
    sessions_needed = {"RNCP5385": -(-n_5385 // 4), "RNCP17992": -(-(candidates - n_5385) // 4)}
    members_5385 = round(members * share_5385) if not tight else 0
    for code, size, shares in (("RNCP5385", members_5385, POOL_5385), ("RNCP17992", members - members_5385, POOL_17992)):
        if size <= 0:
            continue
        seats_per_member = 7 * sessions_needed[code] / size
        counts = [max(1, round(size * share)) for _q, share in shares]
        if tight and code == "RNCP17992":  # directors sit at most twice: too few seats for every candidate
            counts = [max(6, round(size * 0.6)), 0, size - max(6, round(size * 0.6))]
        for (quals_set, _share), count in zip(shares, counts):
            for _ in range(count):
                quals = list(quals_set[0])
                availability = rng.uniform(0.7, 0.95) if tight else rng.uniform(0.45, 0.8)
                available = [sid for sid in slot_ids if rng.random() < availability]
                pool.append({
                    "id": f"M{len(pool) + 1:05d}", "name": f"Membre {len(pool) + 1}", "gender": rng.choice("FM"),
                    "qualifications": quals, "certifications": [code], "site": rng.choice(SITES),
                    "available_slots": available,
                    "max_sessions": 2 if tight else max(2, round(seats_per_member * rng.uniform(1.6, 2.4))),
                })
    by_cert = {code: [m["id"] for m in pool if code in m["certifications"]] for code in ("RNCP5385", "RNCP17992")}
    people = []
    for index in range(candidates):
        code = "RNCP5385" if index < n_5385 else "RNCP17992"
        conflicts = rng.sample(by_cert[code], k=min(len(by_cert[code]), rng.choice([1, 2]))) if rng.random() < 0.05 else []
        unavailable = [sid for sid in slot_ids if rng.random() < 0.2]
        people.append({"id": f"C{index + 1:05d}", "certification": code, "route": "vae", "site": rng.choice(SITES),
                       "conflicts": conflicts, "unavailable_slots": unavailable})
    return {"format": "vae-jury-planning/1", "as_of": as_of.isoformat(), "slots": slot_list, "members": pool, "candidates": people}
