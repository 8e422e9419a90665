"""A throwaway PostgreSQL server for one test session.

The server lives in a temporary folder, listens on 127.0.0.1 only, on a free port,
and is removed when the session ends. Nothing is installed as a service: CI starts
from a clean machine and the session must not depend on a running cluster.
"""
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.plugins.ports import free_port

USER = "relance"
# Durability is useless for a database thrown away after the run; speed is not.
SPEED_OPTIONS = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"


class PostgresUnavailable(Exception):
    """PostgreSQL is not installed on this machine."""


def find_binary(name):
    """`name` on PATH, else in the newest Debian /usr/lib/postgresql/*/bin."""
    found = shutil.which(name)
    if found:
        return found
    candidates = glob.glob(f"/usr/lib/postgresql/*/bin/{name}")
    candidates.sort(key=lambda path: int(Path(path).parts[-3]))
    if not candidates:
        raise PostgresUnavailable(
            f"{name} not found on PATH nor under /usr/lib/postgresql/*/bin "
            "(apt-get install postgresql)")
    return candidates[-1]


def run_as_owner(command):
    """initdb and postgres refuse to run as root: CI (root) runs them as `postgres`."""
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")


def make_folder():
    """A private temporary folder, owned by the user that will run the server."""
    folder = Path(tempfile.mkdtemp(prefix="relance-pg-"))
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(folder, owner.pw_uid, owner.pw_gid)
    return folder


class ThrowawayPostgres:
    """start() creates and starts a cluster; stop() stops it and deletes its files."""

    def __init__(self):
        self.initdb = find_binary("initdb")
        self.pg_ctl = find_binary("pg_ctl")
        self.folder = None
        self.port = None

    @property
    def url(self):
        return f"postgres://{USER}@127.0.0.1:{self.port}/relance"

    def start(self):
        self.folder = make_folder()
        self.port = free_port()
        data = self.folder / "data"
        run_as_owner([self.initdb, "-D", str(data), "-U", USER, "--auth=trust",
                      "--encoding=UTF8", "--no-locale", "--no-sync"])
        # The Unix socket goes to our folder: /var/run/postgresql may not exist or
        # belong to another cluster.
        options = f"-h 127.0.0.1 -p {self.port} -k {self.folder} {SPEED_OPTIONS}"
        run_as_owner([self.pg_ctl, "-D", str(data), "-l", str(self.folder / "server.log"),
                      "-o", options, "-w", "-t", "60", "start"])
        return self.url

    def stop(self):
        if self.folder is None:
            return
        data = self.folder / "data"
        try:
            if (data / "postmaster.pid").exists():  # else it never started
                run_as_owner([self.pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"])
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def log(self):
        log_file = self.folder / "server.log" if self.folder else None
        return log_file.read_text() if log_file and log_file.exists() else ""
