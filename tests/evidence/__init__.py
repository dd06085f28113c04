"""Tests of the evidence capability (capture, queue, re-checks, integrity)."""
