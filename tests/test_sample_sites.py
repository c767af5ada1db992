"""The fixture server answers like a real one: paths, query-specific files, ETags, 304s."""

import urllib.error
import urllib.request

import pytest

from pipeline.collect.sample_sites import SampleSites


@pytest.fixture
def site(tmp_path):
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "jobs.json").write_text('{"page": 1, "self": "{{base_url}}/api/jobs"}')
    (tmp_path / "api" / "jobs@skip=2&limit=2.json").write_text('{"page": 2}')
    with SampleSites(tmp_path, routes={"/boom": (500, "{}")}) as sites:
        yield sites


def get(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def test_paths_queries_and_base_url(site):
    status, headers, body = get(f"{site.base_url}/api/jobs?content=true")
    assert (status, body) == (200, f'{{"page": 1, "self": "{site.base_url}/api/jobs"}}')
    assert headers["Content-Type"].startswith("application/json")
    assert get(f"{site.base_url}/api/jobs?skip=2&limit=2")[2] == '{"page": 2}'
    assert get(f"{site.base_url}/missing")[0] == 404
    assert get(f"{site.base_url}/boom")[0] == 500
    assert get(f"{site.base_url}/../../etc/passwd")[0] == 404


def test_conditional_request_gets_304(site):
    status, headers, _ = get(f"{site.base_url}/api/jobs")
    assert status == 200 and headers["ETag"] and headers["Last-Modified"]
    assert get(f"{site.base_url}/api/jobs", {"If-None-Match": headers["ETag"]})[0] == 304
    assert get(f"{site.base_url}/api/jobs", {"If-None-Match": '"other"'})[0] == 200
