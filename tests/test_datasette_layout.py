"""The published layout through Datasette's app: search on a reshaped older database, our facet
types counting like Datasette's own, and the kept whole-table counts."""

import json
from pathlib import Path
from urllib.parse import urlencode

import pytest
from datasette.app import Datasette

from microintern.cli.publish import SERVE_SETTINGS

METADATA = json.loads((Path(__file__).parent.parent / "datasette-metadata.json").read_text())


@pytest.fixture
def datasette(demo_db):
    return Datasette([str(demo_db)], metadata=METADATA, settings=SERVE_SETTINGS)


async def test_search_on_a_reshaped_older_database(tmp_path):
    from pipeline.db import open_db
    from tests.test_store import old_layout

    path = tmp_path / "listings.db"
    old_layout(path)
    open_db(path).close()
    datasette = Datasette([str(path)], metadata=METADATA, settings=SERVE_SETTINGS)
    response = await datasette.client.get("/listings/listings.json?_search=mascot&_shape=array")
    assert [row["id"] for row in response.json()] == ["old1"]
    page = await datasette.client.get("/listings/listings?_search=spreadsheet")
    assert page.status_code == 200 and "Project 0" in page.text and "Project 1" not in page.text


def facet_args(spec):
    """Datasette's own facets for the columns our metadata facets name."""
    args = []
    for facet in spec["facets"]:
        [(kind, column)] = facet.items()
        args.append(f"_facet_array={column}" if kind == "array_grouped" else f"_facet={column}")
    return "&".join(args)


@pytest.mark.parametrize("filters", ["", "status=open&", "_search=design&", "is_micro=1&"])
async def test_our_facets_count_like_datasettes_own(demo_db, datasette, filters):
    spec = METADATA["databases"]["listings"]["tables"]["listings"]
    plain = json.loads(json.dumps(METADATA))
    plain["databases"]["listings"]["tables"]["listings"]["facets"] = []
    builtin = Datasette([str(demo_db)], metadata=plain, settings=SERVE_SETTINGS)
    theirs = await builtin.client.get(f"/listings/listings.json?{filters}{facet_args(spec)}")
    ours = await datasette.client.get(f"/listings/listings.json?{filters}")
    expected = theirs.json()["facet_results"]
    got = ours.json()["facet_results"]
    assert set(got) == set(expected) == {next(iter(f.values())) for f in spec["facets"]}
    for name, facet in got.items():
        counts = {r["value"]: r["count"] for r in facet["results"]}
        assert counts == {r["value"]: r["count"] for r in expected[name]["results"]}, name
        assert facet["type"] == expected[name]["type"]
        suffix = "__arraycontains" if facet["type"] == "array" else ""
        selected = {r["value"]: r["selected"] for r in expected[name]["results"]}
        for result in facet["results"]:
            arg = urlencode({f"{name}{suffix}": result["value"]})
            assert result["selected"] == selected[result["value"]]
            assert (arg in result["toggle_url"]) != result["selected"]
    assert got["kind"]["results"], "the demo has kinds"


async def test_unfiltered_facets_read_the_kept_counts(demo_db, tmp_path):
    """Counts kept by the store are what the unfiltered page shows (proved by skewing one)."""
    import sqlite3

    path = tmp_path / "listings.db"
    conn = sqlite3.connect(path)
    sqlite3.connect(demo_db).backup(conn)
    with conn:
        conn.execute("update listings_facet_counts set listings = 999 where facet = 'kind'")
    conn.close()
    datasette = Datasette([str(path)], metadata=METADATA, settings=SERVE_SETTINGS)
    page = (await datasette.client.get("/listings/listings.json")).json()
    assert {r["count"] for r in page["facet_results"]["kind"]["results"]} == {999}
    filtered = (await datasette.client.get("/listings/listings.json?status=open")).json()
    assert 999 not in {r["count"] for r in filtered["facet_results"]["kind"]["results"]}


def same_cell(a: str, b: str) -> bool:
    """Equal CSV cells; figures compare by value (25 and 25.0)."""
    try:
        return a == b or float(a) == float(b)
    except ValueError:
        return False


@pytest.mark.parametrize(
    ("query", "filters"),
    [
        ("", {}),
        ("industry=design&status=open", {"industry": "design", "status": ("open",)}),
        ("max_hours=20&remote=1", {"max_hours": 20.0, "remote": True}),
        ("source=greenhouse&hour_range=10-20", {"source": "greenhouse", "hour_range": "10-20"}),
    ],
)
async def test_export_route_streams_what_microintern_export_writes(
    datasette, demo_db, tmp_path, query, filters
):
    import csv
    import io

    from pipeline.publish.export import export_listings
    from pipeline.publish.filters import Filters

    response = await datasette.client.get(f"/-/export.csv?{query}&texts=1")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    streamed = list(csv.DictReader(io.StringIO(response.text)))
    out = tmp_path / "export.csv"
    count = export_listings(demo_db, out, filters=Filters(**filters))
    written = list(csv.DictReader(io.StringIO(out.read_text())))
    assert len(streamed) == count
    for ours, theirs in zip(
        sorted(streamed, key=lambda r: r["id"]), sorted(written, key=lambda r: r["id"]), strict=True
    ):
        assert {k: v for k, v in ours.items() if not same_cell(v, theirs[k])} == {}, ours["id"]
    assert count or query  # the unfiltered export has every listing
    narrow = await datasette.client.get(f"/-/export.csv?{query}")
    assert "description_text" not in narrow.text.splitlines()[0]


async def test_export_route_excel_format_and_bad_input(datasette):
    excel = await datasette.client.get("/-/export.csv?format=excel")
    assert excel.text.startswith("\ufeffid,title,")
    bad = await datasette.client.get("/-/export.csv?max_hours=ten")
    assert bad.status_code == 400 and "max_hours" in bad.text
