"""In CI (CI=true), a skipped test fails the run.

Outside CI a missing Chromium or PostgreSQL may skip the tests that need it. In CI
every edge (PostgreSQL, SMTP, the browser) must really be exercised, so a skip there
means a broken machine or a forgotten dependency, never a green build.
"""
import os

import pytest


def in_ci():
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


class SkipGuard:
    """Collects the skips of the run, then turns them into a failed exit status."""

    def __init__(self):
        self.skipped = []

    def record(self, report):
        # An xfail is reported as skipped too; it is an expected failure, not a skip.
        if report.skipped and not hasattr(report, "wasxfail"):
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
            self.skipped.append(f"{report.nodeid}: {reason}")

    def pytest_runtest_logreport(self, report):
        self.record(report)

    def pytest_collectreport(self, report):
        self.record(report)

    def pytest_sessionfinish(self, session):
        if self.skipped:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter):
        if not self.skipped:
            return
        terminalreporter.section("CI=true: nothing may be skipped in CI", red=True, bold=True)
        for line in self.skipped:
            terminalreporter.line(f"SKIPPED {line}", red=True)
        terminalreporter.line(f"{len(self.skipped)} skipped test(s): the run fails.", red=True)


def pytest_configure(config):
    # xdist workers forward their reports to the controller, which judges the run.
    if in_ci() and not hasattr(config, "workerinput"):
        config.pluginmanager.register(SkipGuard(), "relance-ci-skip-guard")
