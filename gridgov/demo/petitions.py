"""Petitions (信访件) of the demo district; some petitioners called the hotline first (诉转访)."""
from __future__ import annotations

import numpy as np
import polars as pl

from . import timeline, vocab
from .cases import SATISFACTION, STATUS, Sample, Tables, draw_grids
from .geography import RURAL
from .timeline import DAY, END_SEC

LINKED_SHARE = 0.16   # a little over the ~15% wanted: early petitions find no earlier call


def generate(rng: np.random.Generator, t: Tables, count: int, sample: Sample, salt: int) -> pl.DataFrame:
    cal, d, n_grids = t.cal, t.d, t.n_grids
    volume = cal.volume(weekend=0.35, holiday=0.3, spring=0.2, season=0.0, trend=0.5,
                        hours=timeline.HOUR_WEIGHTS)
    day = np.repeat(np.arange(timeline.N_DAYS), rng.multinomial(count, volume))
    form = timeline.draw(rng, vocab.PETITION_FORM_WEIGHTS, count)
    # Letters and visits are registered in office hours; online petitions arrive at any hour.
    office = timeline.times_of_day(rng, day, timeline.OFFICE_HOURS)
    anytime = timeline.times_of_day(rng, day, timeline.HOUR_WEIGHTS)
    received = np.where(form == 2, anytime, office)
    order = np.argsort(received, kind="stable")
    received, form, day = received[order], form[order], day[order]
    month = cal.month[day]

    # Petitions cluster where cases do, and more sharply.
    weight = np.where(d.population > 0, d.population, 60.0)
    cdf = timeline.cumulative(weight * (1 + 1.5 * (d.hot_factor - 1) * d.hot))
    grid = draw_grids(rng, cdf, month, unknown_share=0.02)
    unknown = grid == n_grids
    hot, quality = t.hot[month, grid], t.quality[grid]
    rural = t.kind[grid] == RURAL
    cats = vocab.PETITION_CATEGORIES
    cat_cdf = timeline.cumulative([[c[1] for c in cats], [c[2] for c in cats]])
    category = timeline.pick(rng, cat_cdf, rural.astype(np.int64))

    collective = rng.random(count) < 0.025 * (1 + hot)
    persons = np.where(rng.random(count) < 0.12, rng.integers(2, 5, count), 1)
    persons = np.where(collective, np.minimum(5 + rng.exponential(10, count).astype(np.int64), 60), persons)

    accept_days = np.where(rng.random(count) < 0.98, 1 + 14 * rng.beta(1.2, 3.0, count),
                           rng.uniform(15, 25, count))
    accepted = received + (accept_days * DAY).astype(np.int64)
    deadline = received + 60 * DAY
    late = rng.random(count) < 0.07 * np.exp(0.4 * quality) * (1 + 0.6 * hot)
    total_days = np.where(late, 60 + rng.exponential(20, count) + 0.1,
                          accept_days + rng.uniform(3, 44, count))
    closed_at = received + (total_days * DAY).astype(np.int64)
    age = (END_SEC - received) / DAY
    stuck = rng.random(count) < 0.05 * (1 + hot) * np.exp(-age / 200)
    cancelled = rng.random(count) < 0.005
    is_accepted = accepted <= END_SEC
    closed = ~cancelled & ~stuck & is_accepted & (closed_at <= END_SEC)
    status = np.select([cancelled, ~is_accepted, closed], [3, 0, 2], 1)

    rated = closed & (rng.random(count) < 0.75) & (closed_at + rng.uniform(1, 7, count) * DAY <= END_SEC)
    p_dissatisfied = 0.085 * np.exp(0.3 * quality) * (1 + 0.5 * hot) * np.where(late, 2.0, 1.0)
    u = rng.random(count)
    satisfaction = np.where(u < p_dissatisfied, 2, np.where(u < p_dissatisfied + 0.2, 1, 0))
    satisfaction[~rated] = 3

    key = _petitioner_keys(rng, t, grid, received, unknown, count, sample, salt)
    seq = cal.yyyymmdd[day] * 100_000 + timeline.day_sequence(day)
    return pl.DataFrame({"seq": seq}).select(
        petition_id=pl.concat_str([pl.lit("XF"), pl.col("seq").cast(pl.String)]),
        received_at=timeline.timestamps(received),
        accepted_at=timeline.timestamps(accepted, is_accepted),
        deadline_at=timeline.timestamps(deadline),
        closed_at=timeline.timestamps(closed_at, closed),
        form=pl.Series(vocab.PETITION_FORMS).gather(form),
        category=pl.Series([c[0] for c in cats]).gather(category),
        grid_id=t.grid_id.gather(grid),
        persons=pl.Series(persons, dtype=pl.Int32),
        is_repeat=pl.Series(rng.random(count) < 0.10 * (1 + 0.5 * hot)),
        is_skip_level=pl.Series(rng.random(count) < 0.04),
        is_collective=pl.Series(collective),
        status=STATUS.gather(status),
        satisfaction=SATISFACTION.gather(satisfaction),
        petitioner_key=key,
        source_file=pl.lit("demo"),
        source_row=pl.int_range(1, count + 1, dtype=pl.Int64),
        imported_at=pl.lit(timeline.DEMO_END, dtype=pl.Datetime("us")),
    )


def _petitioner_keys(rng, t: Tables, grid, received, unknown, count, sample: Sample, salt: int) -> pl.Series:
    """Mostly petitioners of their own; some are callers of an earlier case in the same grid."""
    pool = np.ceil(0.7 * np.bincount(grid, minlength=t.n_grids + 1)).astype(np.int64) + 3
    petitioner = ((grid + 1) << 32) | timeline.frequent(rng, pool[grid], 20)
    hashed = timeline.mix64(petitioner, salt ^ 0x5A5A5A5A)
    order = np.argsort((sample.grid << 32) | sample.received, kind="stable")
    keys = ((sample.grid << 32) | sample.received)[order]
    callers = sample.caller[order]
    lo = np.searchsorted(keys, grid << 32, side="left")
    hi = np.searchsorted(keys, (grid << 32) | received, side="left")
    linked = ~unknown & (rng.random(count) < LINKED_SHARE) & (hi > lo)
    pick = lo + (rng.random(count) * (hi - lo)).astype(np.int64)
    hashed[linked] = timeline.mix64(callers[pick[linked]], salt)
    return timeline.hex16(hashed)
