"""The ZeroNN playground: a local page where a learner builds a network, watches it learn, and takes the code home.

    zeronn playground                   # opens http://127.0.0.1:PORT/ in the browser
    zeronn playground --data spirals --lang zh --no-browser

Training runs here, in Python, with ZeroNN's own layers, optimizers and
training doctor; the page (plain HTML/JS/CSS shipped in this package, nothing
fetched from the network) only draws.  From Python::

    from zeronn.playground import PlaygroundServer
    server = PlaygroundServer(("127.0.0.1", 0))
    print(server.url)
    server.serve_forever()
"""

from zeronn.playground.codegen import export_code
from zeronn.playground.config import ConfigError, PlaygroundConfig, config_from_query, config_to_query, update_config
from zeronn.playground.data import CSVSource, make_data, read_csv_source
from zeronn.playground.server import PlaygroundServer, RequestError
from zeronn.playground.session import Session, SessionStore

__all__ = [
    "PlaygroundServer",
    "PlaygroundConfig",
    "ConfigError",
    "RequestError",
    "Session",
    "SessionStore",
    "CSVSource",
    "read_csv_source",
    "make_data",
    "export_code",
    "config_from_query",
    "config_to_query",
    "update_config",
]
