"""The secret scanner: every part of a cassette, secret names in any casing and separator,
secret shapes whatever their name, and a reviewed allow-list for documented test vectors."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from cassette_samples import sample_doc

from harness.cassette.lint import lint_file
from harness.cassette.loader import read_document
from harness.cassette.secrets import (
    ALLOW_LIST_NAME,
    AllowList,
    normalized,
    scan_document,
    secret_like_name,
)

# Binance's documented HMAC example key and secret (public test vectors).
DOC_KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"
DOC_SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
KRAKEN_LIKE = base64.b64encode(bytes(range(7, 73))).decode()  # 88 characters of base64
JWT = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
       "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PqPEgRwkKf8E")
HEX_SIGNATURE = "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71"
# Public blockchain addresses (Gateway's wallets, pools and token mints) and a made-up
# Solana secret key: 64 bytes in base58 is ~88 characters, an address 32-44.
EVM_ADDRESS = "0x88e6A0c2dDD26FEEb64F039a2c41296FcB3f5640"
SOLANA_ADDRESS = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v"
SOLANA_SECRET = ("4NMwxzmYj2uvHuq8xoqhY8RXg63KSVJM1DXkpbmkUY7YQWuoyQgFnnzn6yo3CMnqZasnNPNu"
                 "AT2TLwQsCaKkUddp")

ROOT = Path(__file__).resolve().parents[3]


def found(doc: Any) -> list[str]:
    return [f"{f.location}: {f.reason}" for f in scan_document(doc)]


def request(doc: dict[str, Any], index: int = 1) -> dict[str, Any]:
    value: dict[str, Any] = doc["http"]["interactions"][index]["request"]
    return value


def response(doc: dict[str, Any], index: int = 0) -> dict[str, Any]:
    value: dict[str, Any] = doc["http"]["interactions"][index]["response"]
    return value


@pytest.mark.parametrize("name", ["apiKey", "API_KEY", "Api-Key", "x-mbx-apikey", "X_BAPI_SIGN",
                                  "api.secret", "Passphrase", "listen-key", "privateKey",
                                  "ACCESS_TOKEN", "Set-Cookie", "Authorization", "token",
                                  "X-Auth-Token", "session_token", "csrftoken"])
def test_secret_names_are_recognised_in_any_casing_and_separator(name: str) -> None:
    assert secret_like_name(name)


@pytest.mark.parametrize("name", ["symbol", "orderId", "clientOrderId", "price", "keyword",
                                  "status", "scrubbed", "volatile",
                                  # Gateway's asset tokens, not credentials
                                  "baseToken", "quoteToken", "tokenIn", "tokenOut", "tokens",
                                  "quoteTokenAddress"])
def test_ordinary_names_are_not_secret(name: str) -> None:
    assert not secret_like_name(name)


def test_normalized_drops_case_and_separators() -> None:
    assert {normalized(n) for n in ("api_key", "Api-Key", "apiKey", "API.KEY")} == {"apikey"}


PLANTS: list[tuple[str, Any, str]] = [
    ("request header, other casing",
     lambda d: request(d)["headers"].update({"Api-Key": ["k3y-0f-the-user"]}),
     "http.interactions[1].request.headers.Api-Key[0]: Api-Key=k3y-...(15 chars) is not"),
    ("response header",
     lambda d: response(d)["headers"].update({"Set-Cookie": ["session=abc123def456"]}),
     "http.interactions[0].response.headers.Set-Cookie[0]: Set-Cookie="),
    ("form body field, upper case",
     lambda d: request(d).update(body="symbol=BTCUSDT&PASSPHRASE=hunter2hunter2"),
     "http.interactions[1].request.body?PASSPHRASE: PASSPHRASE="),
    ("JSON request body, snake case",
     lambda d: request(d).update(body=json.dumps({"api_secret": DOC_SECRET})),
     "http.interactions[1].request.body.api_secret: api_secret=NhqP"),
    ("JSON text response body, nested",
     lambda d: response(d)["body"].update(string=json.dumps({"result": {"apiKey": DOC_KEY}})),
     "http.interactions[0].response.body.string.result.apiKey: apiKey=vmPU"),
    ("server frame echoing the key",
     lambda d: d["ws"][0]["frames"][1].update(json={"result": {"apiKey": DOC_KEY}}),
     "ws[0].frames[1].json.result.apiKey: apiKey=vmPU"),
    ("unnamed key in a response text",
     lambda d: response(d)["body"].update(string=f"your key is {DOC_KEY}"),
     "http.interactions[0].response.body.string: random-looking token vmPU"),
    ("unnamed base64 secret in a client frame",
     lambda d: d["ws"][0]["frames"][0].update(json={"params": {"x": KRAKEN_LIKE}}),
     "ws[0].frames[0].json.params.x: random-looking token"),
    ("hex signature under another name in a client frame",
     lambda d: d["ws"][0]["frames"][0].update(json={"params": {"mac": HEX_SIGNATURE}}),
     "ws[0].frames[0].json.params.mac: hex run c8db"),
    ("JWT in meta text",
     lambda d: d["meta"].update(description=f"recorded with {JWT}"),
     "meta.description: JSON Web Token eyJh"),
    ("Bearer credential in a header of another name",
     lambda d: request(d)["headers"].update({"X-Forward": [f"Bearer {DOC_SECRET[:30]}"]}),
     "http.interactions[1].request.headers.X-Forward[0]: Bearer credential NhqP"),
    ("Basic credential",
     lambda d: response(d)["body"].update(string="Basic dXNlcjpwYXNzd29yZA=="),
     "http.interactions[0].response.body.string: Basic credential dXNl"),
    ("password in a URL",
     lambda d: d["ws"][0].update(url="wss://trader:s3cretpw99@stream.binance.com:9443/ws"),
     "ws[0].url: URL carries a password s3cr"),
    ("AWS key shape (detect-secrets)",
     lambda d: d["meta"].update(description="uploaded with AKIAIOSFODNN7EXAMPLE"),
     "meta.description: AWS Access Key AKIA"),
    ("GitHub token shape (detect-secrets)",
     lambda d: response(d)["body"].update(string="ghp_abcdefghijklmnopqrstuvwxyz0123456789"),
     "http.interactions[0].response.body.string: GitHub Token ghp_"),
    ("EVM private key under an address-like name in a client frame",
     lambda d: d["ws"][0]["frames"][0].update(json={"params": {"walletAddress":
                                                               "0x" + HEX_SIGNATURE}}),
     "ws[0].frames[0].json.params.walletAddress: hex run c8db"),
    ("Solana secret key (64 bytes in base58) under an ordinary name",
     lambda d: response(d)["body"].update(string=json.dumps({"wallet": SOLANA_SECRET})),
     "http.interactions[0].response.body.string.wallet: random-looking token"),
    ("Coinbase API key name",
     lambda d: request(d)["headers"].update({"X-Note": [
         "organizations/0a1b2c3d-0000-4000-8000-000000000001/apiKeys/"
         "0a1b2c3d-0000-4000-8000-000000000002"]}),
     "http.interactions[1].request.headers.X-Note[0]: Coinbase API key name"),
]


@pytest.mark.parametrize(("plant", "expected"), [p[1:] for p in PLANTS],
                         ids=[p[0] for p in PLANTS])
def test_each_planted_secret_is_found_once_with_its_place(plant: Any, expected: str) -> None:
    doc = sample_doc()
    plant(doc)
    problems = found(doc)
    assert len(problems) == 1, problems
    assert problems[0].startswith(expected), problems[0]


def test_the_sample_and_hashes_in_responses_are_clean() -> None:
    doc = sample_doc()
    response(doc)["body"]["string"] = json.dumps({"txId": HEX_SIGNATURE,
                                                  "clientOrderId": "6gCrw2kRUAF9CvJDGP16IP"})
    assert found(doc) == []


def test_public_blockchain_addresses_are_not_secrets() -> None:
    doc = sample_doc()
    request(doc)["body"] = json.dumps({"walletAddress": EVM_ADDRESS, "baseToken": "WETH",
                                       "poolAddress": SOLANA_ADDRESS})
    response(doc)["body"]["string"] = json.dumps({"tokenIn": SOLANA_ADDRESS,
                                                  "message": f"pool {SOLANA_ADDRESS} not found"})
    assert found(doc) == []


def test_every_cassette_in_the_repository_is_clean() -> None:
    for path in sorted((ROOT / "cassettes").rglob("*.yaml")):
        assert lint_file(path) == [], path


def _with_allow_list(tmp_path: Path, text: str) -> Path:
    doc = sample_doc()
    request(doc)["headers"]["X-MBX-APIKEY"] = [DOC_KEY]
    path = tmp_path / "cassettes" / "binance" / "place_limit_buy.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    (path.parent / ALLOW_LIST_NAME).write_text(text)
    return path


def test_a_documented_test_vector_is_allowed_with_its_reason(tmp_path: Path) -> None:
    path = _with_allow_list(tmp_path, f'[[allowed]]\nvalue = "{DOC_KEY}"\n'
                                      'reason = "Binance docs: the HMAC example key"\n')
    assert lint_file(path) == []
    assert AllowList.for_cassette(path).reasons == {DOC_KEY: "Binance docs: the HMAC example key"}


def test_an_allow_list_entry_without_a_reason_allows_nothing(tmp_path: Path) -> None:
    path = _with_allow_list(tmp_path, f'[[allowed]]\nvalue = "{DOC_KEY}"\n')
    problems = lint_file(path)
    assert problems[0] == (f"{path.parent / ALLOW_LIST_NAME}: allowed[0].reason: missing; say "
                           "where the value is published as a test vector")
    assert "X-MBX-APIKEY[0]: X-MBX-APIKEY=vmPU" in problems[1]


def test_an_unreadable_allow_list_is_one_line(tmp_path: Path) -> None:
    path = _with_allow_list(tmp_path, "allowed = [\n")
    assert lint_file(path)[0].startswith(f"{path.parent / ALLOW_LIST_NAME}: cannot be read")


def test_a_planted_secret_in_a_real_cassette_is_found(tmp_path: Path) -> None:
    source = sorted((ROOT / "cassettes" / "binance").glob("*.yaml"))[0]
    doc = read_document(source)
    doc["meta"]["description"] = f"{doc['meta'].get('description', '')} key {DOC_KEY}"
    assert [f.location for f in scan_document(doc)] == ["meta.description"]
