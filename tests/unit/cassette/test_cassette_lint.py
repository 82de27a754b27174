"""`harness cassettes lint`: schema problems and planted secrets are found, one line each."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from cassette_samples import sample_doc

from harness.cassette.lint import lint_file, lint_paths, scan_secrets
from harness.cassette.secrets import entropy
from harness.cli import main

API_KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"
SIGNATURE = "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71"
LISTEN_KEY = "pqia91ma19a5s61cv6a81va65sdf19v8a65a1a5s61cv6a81va65sdf19v8a65a1"
PEM = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIL\n-----END PRIVATE KEY-----"


def write(folder: Path, doc: Any, connector: str = "binance",
          scenario: str = "place_limit_buy") -> Path:
    path = folder / "cassettes" / connector / f"{scenario}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def reasons(doc: Any) -> list[str]:
    return [f"{location}: {reason}" for location, reason in scan_secrets(doc)]


def test_clean_sample_has_no_problems(tmp_path: Path) -> None:
    path = write(tmp_path, sample_doc())
    assert lint_file(path) == []


def test_planted_api_key_header_is_found(tmp_path: Path) -> None:
    doc = sample_doc()
    doc["http"]["interactions"][1]["request"]["headers"]["X-MBX-APIKEY"] = [API_KEY]
    path = write(tmp_path, doc)
    assert lint_file(path) == [
        f"{path}:http.interactions[1].request.headers.X-MBX-APIKEY[0]: X-MBX-APIKEY="
        f"vmPU...(64 chars) is not scrubbed; replace the value with SCRUBBED"]


@pytest.mark.parametrize(("plant", "expected"), [
    (lambda d: d["http"]["interactions"][1]["request"].update(
        uri=d["http"]["interactions"][1]["request"]["uri"].replace("SCRUBBED", SIGNATURE)),
     "http.interactions[1].request.uri?signature: signature=c8db...(64 chars) is not"
     " scrubbed"),
    (lambda d: d["http"]["interactions"][0]["request"].update(
        uri=f"https://api.binance.com/api/v3/time?check={SIGNATURE}"),
     "http.interactions[0].request.uri?check: hex run c8db...(64 chars) in what the client sent"
     " looks like a signature"),
    (lambda d: d["http"]["interactions"][0]["request"].update(
        body=f"symbol=BTC&sig={SIGNATURE}"),
     "http.interactions[0].request.body?sig: sig=c8db"),
    (lambda d: d["http"]["interactions"][0]["response"]["body"].update(
        string=f'{{"listenKey": "{LISTEN_KEY}"}}'),
     "http.interactions[0].response.body.string.listenKey: listenKey=pqia...(64 chars) is not"
     " scrubbed"),
    (lambda d: d["ws"][0].update(url=f"wss://stream.binance.com:9443/ws/{LISTEN_KEY}"),
     "ws[0].url: path segment pqia...(64 chars) looks like a listen key"),
    (lambda d: d["ws"][0]["frames"][0]["json"].update(params={"apiKey": API_KEY}),
     "ws[0].frames[0].json.params.apiKey: apiKey=vmPU...(64 chars) is not scrubbed"),
    (lambda d: d["ws"][0]["frames"][0]["json"].update(params=[SIGNATURE]),
     "ws[0].frames[0].json.params[0]: hex run c8db...(64 chars) in what the client sent"),
    (lambda d: d["ws"][0]["frames"][2].update(text=f"key: {PEM}"),
     "ws[0].frames[2].text: contains a PEM private key"),
    (lambda d: d["http"]["interactions"][0]["response"]["headers"].update(
        {"X-Debug": [PEM]}),
     "http.interactions[0].response.headers.X-Debug[0]: contains a PEM private key"),
    (lambda d: d["http"]["interactions"][0]["request"].update(body={"token": LISTEN_KEY}),
     "http.interactions[0].request.body.token: token=pqia"),
])
def test_each_kind_of_planted_secret_is_found(plant: Any, expected: str) -> None:
    doc = sample_doc()
    plant(doc)
    found = reasons(doc)
    assert len(found) == 1, found
    assert found[0].startswith(expected)


def test_response_hashes_are_not_signatures() -> None:
    doc = sample_doc()
    doc["http"]["interactions"][0]["response"]["body"]["string"] = f'{{"txId":"{SIGNATURE}"}}'
    assert reasons(doc) == []


def test_entropy() -> None:
    assert entropy("") == 0.0
    assert entropy("aaaa") == 0.0
    assert entropy("ab") == 1.0


def test_schema_problems_and_path_mismatch_are_reported(tmp_path: Path) -> None:
    doc = sample_doc()
    doc["http"]["interactions"][0]["response"]["status"]["code"] = 999
    path = write(tmp_path, doc, scenario="other_name")
    assert lint_file(path) == [
        f"{path}:http.interactions[0].response.status.code: must be an HTTP status code 100-599,"
        f" got 999",
        f"{path}:meta.scenario: is 'place_limit_buy' but the file is named other_name.yaml;"
        f" make them agree"]


def test_every_file_is_checked_and_the_cli_exits_1(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    leaky = sample_doc()
    leaky["http"]["interactions"][1]["request"]["headers"]["X-MBX-APIKEY"] = [API_KEY]
    write(tmp_path, leaky)
    broken = tmp_path / "cassettes" / "binance" / "broken.yaml"
    broken.write_text("version: [\n")
    clean = sample_doc()
    clean["meta"]["scenario"] = "clean"
    write(tmp_path, clean, scenario="clean")
    report = lint_paths(root=tmp_path)
    assert report.files == 3 and len(report.bad_files) == 2
    assert main(["cassettes", "lint", "--root", str(tmp_path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "cassettes lint: 2 problem(s) in 2 of 3 cassette(s)"
    assert any("broken.yaml: line" in line and "invalid YAML" in line for line in out)
    assert any("X-MBX-APIKEY[0]: X-MBX-APIKEY=vmPU" in line for line in out)


def test_cli_on_clean_paths_prints_a_summary(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    folder = write(tmp_path, sample_doc()).parent
    assert main(["cassettes", "lint", str(folder)]) == 0
    assert capsys.readouterr().out == "cassettes lint: 1 cassette(s) checked, no problems\n"


def test_missing_path_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    report = lint_paths([tmp_path / "nope.yaml"])
    assert len(report.problems) == 1 and "cassette not found" in report.problems[0]
