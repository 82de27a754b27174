"""Cassettes: the recorded REST + WebSocket traffic of one scenario (docs/cassettes.md).

format.py (records), validate.py + loader.py (reading, one line per problem), matchers.py,
record_mode.py, scrub.py, lint.py, recorder.py (RecordingProxy, `harness record`).
"""

from harness.cassette.format import SCRUBBED, Cassette
from harness.cassette.loader import CassetteError, CassetteNotFound, dump_cassette, load_cassette

__all__ = ["SCRUBBED", "Cassette", "CassetteError", "CassetteNotFound", "dump_cassette",
           "load_cassette"]
