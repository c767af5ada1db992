"""Validation of raw items against the contract."""

import json

import pytest

from pipeline.collect.raw import (
    RawItemError,
    cell_text,
    iter_raw_file,
    parse_raw_line,
    sniff_delimiter,
)

GOOD = {
    "source": "parkerdewey-export",
    "source_id": "123",
    "url": "https://example.org/p/123",
    "title": "Market research project",
    "company": "Acme",
    "description": "<p>Hi</p>",
}


def test_minimal_item_gets_every_contract_field():
    item = parse_raw_line(json.dumps(GOOD))
    assert item["title"] == "Market research project"
    assert item["categories"] == []
    assert item["remote"] is None
    assert item["scraped_at"] is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": ""}, "missing or empty required field 'title'"),
        ({"company": None}, "missing or empty required field 'company'"),
        ({"url": 5}, "missing or empty required field 'url'"),
        ({"remote": "yes"}, "field 'remote' must be true, false or null"),
        ({"categories": [1, 2]}, "field 'categories' must be a list of strings"),
        ({"deadline": 20261201}, "field 'deadline' must be a string or null"),
    ],
)
def test_bad_items_say_why(change, message):
    with pytest.raises(RawItemError, match=message.replace("(", r"\(")):
        parse_raw_line(json.dumps({**GOOD, **change}))


@pytest.mark.parametrize(
    ("line", "message"),
    [("{oops", "not valid JSON"), ("[1, 2]", "expected a JSON object, got list")],
)
def test_unparseable_lines(line, message):
    with pytest.raises(RawItemError, match=message):
        parse_raw_line(line)


def test_numeric_source_id_and_string_category_are_accepted():
    item = parse_raw_line(json.dumps({**GOOD, "source_id": 77, "categories": "Finance"}))
    assert item["source_id"] == "77"
    assert item["categories"] == ["Finance"]


def test_file_reports_line_numbers(tmp_path):
    path = tmp_path / "items.jsonl"
    path.write_bytes(
        json.dumps(GOOD).encode()
        + b"\n\n{broken\n"
        + b"\xff\xfe\n"
        + json.dumps({**GOOD, "source_id": "124"}).encode()
        + b"\n"
    )
    results = list(iter_raw_file(path))
    assert [n for n, _ in results] == [1, 3, 4, 5]
    assert isinstance(results[1][1], RawItemError)
    assert "not UTF-8" in str(results[2][1])
    assert results[3][1]["source_id"] == "124"


@pytest.mark.parametrize(
    ("header", "cell", "text"),
    [
        ("Estimated Hours", "10", "10 hours"),
        ("estimated_hours", "10-15", "10-15 hours"),
        ("Hours", "7,5", "7.5 hours"),
        ("Weekly Hours", "5", "5 hours per week"),
        ("Hours", "about 10 hours", "about 10 hours"),
        ("Duration", "10", "10"),  # days, weeks or hours: not said
        ("Budget", "$250", "Budget $250"),
        ("Budget", "200 to 300 EUR", "Budget 200 to 300 EUR"),
        ("Compensation", "$5k", "Compensation $5k"),
        ("Hourly Rate", "$20", "$20 per hour"),
        ("Pay", "$20/hr", "$20/hr"),
        ("Stipend", "Unpaid", "Unpaid"),
    ],
)
def test_a_bare_figure_takes_its_meaning_from_the_column(header, cell, text):
    assert cell_text(header, cell) == text


@pytest.mark.parametrize(
    ("line", "delimiter"),
    [
        ("Project ID,Project Title", ","),
        ("Project ID;Project Title;Budget", ";"),
        ('"Title, short";Budget', ";"),
        ("Project ID\tProject Title", "\t"),
        ("Title", ","),
    ],
)
def test_the_delimiter_is_read_from_the_header_line(line, delimiter):
    assert sniff_delimiter(line) == delimiter
