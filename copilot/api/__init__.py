"""The HTTP service: FastAPI app, per-manager bearer auth, and one router per area under `/v1`."""
