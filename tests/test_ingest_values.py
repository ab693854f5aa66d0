"""Value cleaning: mixed timestamps, text residue, identifiers, numbers, and coordinate systems."""
from __future__ import annotations

from datetime import datetime as dt

import numpy as np
import polars as pl
import pytest

from gridgov.ingest import geo, keys, values


def test_one_column_holds_many_timestamp_formats():
    raw = pl.Series(["2019/4/25 9:32:09", "2019/12/5 19:02:09", "2019-08-01 00:00:00", "2019-04-25T10:00:00",
                     "2019/4/25", "2019年4月25日 下午3时5分", "2019/4/25 下午 3:32:09", "20220412",
                     "43580.5", "２０１９-０４-２５", " 2019/4/25 9:32 ", None, "NULL"])
    assert values.timestamp(raw).to_list() == [
        dt(2019, 4, 25, 9, 32, 9), dt(2019, 12, 5, 19, 2, 9), dt(2019, 8, 1), dt(2019, 4, 25, 10),
        dt(2019, 4, 25), dt(2019, 4, 25, 15, 5), dt(2019, 4, 25, 15, 32, 9), dt(2022, 4, 12),
        dt(2019, 4, 25, 12), dt(2019, 4, 25), dt(2019, 4, 25, 9, 32), None, None]


def test_us_twelve_hour_times_and_date_only_midnights():
    raw = pl.Series(["12/25/2013 11:59:08 PM", "12/25/2013 12:00:00 AM", "12/26/2013 12:30:00 PM", "12/25/2013"])
    assert values.timestamp(raw, "mdy").to_list() == [
        dt(2013, 12, 25, 23, 59, 8), dt(2013, 12, 25), dt(2013, 12, 26, 12, 30), dt(2013, 12, 25)]


def test_a_utc_offset_is_converted_to_local_time():
    raw = pl.Series(["2010-04-14T06:37:38-08:00", "2019-04-25T10:00:00Z"])
    assert values.timestamp(raw, timezone="Asia/Shanghai").to_list() == [dt(2010, 4, 14, 22, 37, 38), dt(2019, 4, 25, 18)]


def test_unreadable_or_implausible_times_are_null():
    raw = pl.Series(["garbage", "2019-13-45", "1899-12-30", "00000", "12:00 PM"])
    assert values.timestamp(raw).to_list() == [None] * 5


def test_free_text_loses_html_and_leading_tabs_and_masks_phones_and_ids():
    raw = pl.Series(["\t\t\n\n  尊敬的领导：<br/>我的电话13812345678，身份证430104199001011234&nbsp;谢谢<p>好</p>", " \t "])
    assert values.free_text(raw).to_list() == ["尊敬的领导：\n我的电话〔已脱敏〕，身份证〔已脱敏〕 谢谢好", None]


def test_identifiers_fold_width_and_drop_excel_float_tails():
    assert values.ident(pl.Series(["24.0", " A 1 ", "１２３", "", None, "0012"])).to_list() == ["24", "A1", "123", None, None, "0012"]


def test_integers_refuse_fractions_and_words():
    assert values.integer(pl.Series(["12", "12.0", "1,234", "12.5", "约三百", "300人"])).to_list() == [12, 12, 1234, None, None, 300]


def test_words_map_case_insensitively_and_unknown_words_are_null():
    mapping = {"已办结": "closed", "Open": "pending"}
    assert values.words(pl.Series(["已办结", " open ", "OPEN", "办理中", None]), mapping).to_list() == [
        "closed", "pending", "pending", None, None]


def test_gcj02_reference_point_converts_to_wgs84_within_one_metre():
    # Reference pair (Shanghai) from the eviltransform test suite: WGS-84 31.1774276, 121.5272106
    # is GCJ-02 31.17530398364597, 121.531541859215.
    lon, lat = geo.gcj02_to_wgs84(121.531541859215, 31.17530398364597)
    assert geo.distance_m(lon, lat, 121.5272106, 31.1774276) < 1.0
    assert geo.distance_m(121.531541859215, 31.17530398364597, 121.5272106, 31.1774276) > 400  # the offset is real


def test_bd09_round_trips_through_gcj02_to_wgs84():
    wgs = (112.9388, 28.2282)
    gcj = geo.wgs84_to_gcj02(*wgs)
    bd = geo.gcj02_to_bd09(*gcj)
    back = geo.to_wgs84(*bd, "bd09")
    assert geo.distance_m(back[0], back[1], *wgs) < 1.0


def test_points_outside_china_are_not_shifted():
    lon, lat = geo.to_wgs84(np.array([-73.92]), np.array([40.63]), "gcj02")
    assert (lon[0], lat[0]) == (-73.92, 40.63)


def test_point_in_polygon_assigns_the_containing_grid():
    square = '{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}'
    other = '{"type":"Polygon","coordinates":[[[1,0],[2,0],[2,1],[1,1],[1,0]]]}'
    index = geo.PolygonIndex(["a", "b"], [square, other])
    assert index.locate([0.5, 1.5, 3.0, np.nan], [0.5, 0.5, 0.5, 0.5]) == ["a", "b", None, None]
    assert index.locate([1.0], [0.5]) == ["a"]  # on the shared edge: the first polygon, never both
    campus = '{"type":"Polygon","coordinates":[[[0.4,0.4],[0.6,0.4],[0.6,0.6],[0.4,0.6],[0.4,0.4]]]}'
    nested = geo.PolygonIndex(["a", "campus"], [square, campus])
    assert nested.locate([0.5, 0.1], [0.5, 0.1]) == ["campus", "a"]  # the smallest containing polygon wins


def test_the_hash_key_file_is_created_private_and_a_loose_one_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "k" / "hash.key"
    monkeypatch.setenv(keys.ENV, str(path))
    key = keys.load_key()
    assert len(key) == 32 and oct(path.stat().st_mode & 0o777) == "0o600"
    assert keys.load_key() == key
    path.chmod(0o644)
    with pytest.raises(keys.KeyFileError, match="chmod 600"):
        keys.load_key()


def test_the_same_phone_in_any_spelling_hashes_alike_and_the_key_matters():
    phones = pl.Series(["138 1234 5678", "+86-13812345678", "13812345678", None])
    hashed = keys.hash_series(phones, b"k" * 32)
    assert hashed[0] == hashed[1] == hashed[2] and hashed[3] is None
    assert "13812345678" not in hashed[0]
    assert keys.hash_series(phones, b"j" * 32)[0] != hashed[0]


def test_the_fast_keyed_hash_is_hmac_sha256():
    import hashlib
    import hmac

    key = bytes(range(32))
    expected = hmac.new(key, "13812345678".encode(), hashlib.sha256).hexdigest()[:keys.DIGEST_CHARS]
    assert keys.hash_series(pl.Series(["13812345678"]), key)[0] == expected
