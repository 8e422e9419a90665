"""The demo: realistic, deterministic data (`ledger.py` and its parts, `dunning.py`)
and `relance demo`, which prepares it and serves the web app. Nothing imports it."""
