"""Background jobs: persisted status and progress, run in-process or on RQ workers."""
