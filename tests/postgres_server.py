"""A throw-away PostgreSQL cluster for the tests: initdb + pg_ctl on a Unix socket in a temporary folder.

One cluster per pytest process (so per pytest-xdist worker), started on first use and stopped at the
end of the session. The binaries come from `pg_config --bindir` (the Debian/Ubuntu `postgresql-15`
package puts them outside PATH). `initdb` refuses to run as root, and CI runs as root: there the
cluster runs as the unprivileged `postgres` system user through `runuser`. The cluster listens on no
outside network: a socket in its own folder and the loopback address, and trusts local connections:
it exists for the length of the test run and holds only fictional data.

Where the binaries (or, as root, runuser and the postgres user) are missing, `skip_reason()` says so
in one line and the PostgreSQL tests are skipped with it.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

SERVER_USER = "postgres"  # the system user the cluster runs as when the tests run as root
SUPERUSER = "postgres"  # the cluster's bootstrap role
NEEDED = ("initdb", "pg_ctl", "postgres")


def _bindir() -> Path | None:
    pg_config = shutil.which("pg_config")
    if pg_config is None:
        return None
    try:
        found = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return Path(found) if found else None


def skip_reason() -> str | None:
    """None when a cluster can be started here; otherwise one line saying what is missing."""
    bindir = _bindir()
    if bindir is None:
        return "PostgreSQL server binaries not found (no pg_config on PATH): install postgresql-15"
    missing = [name for name in NEEDED if not (bindir / name).exists()]
    if missing:
        return f"PostgreSQL server binaries missing from {bindir}: {', '.join(missing)} (install postgresql-15)"
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            return "running as root and runuser is missing: cannot start PostgreSQL as an unprivileged user"
        try:
            pwd.getpwnam(SERVER_USER)
        except KeyError:
            return f"running as root and there is no '{SERVER_USER}' system user to run PostgreSQL as"
    return None


def _free_local_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Cluster:
    folder: Path
    bindir: Path
    port: int

    @property
    def socket_dir(self) -> str:
        return str(self.folder)

    def url(self, database: str = "postgres", user: str = SUPERUSER) -> str:
        """A libpq URL over the cluster's Unix socket (host given as a query parameter, as libpq allows)."""
        return f"postgresql://{user}@/{database}?host={self.socket_dir}&port={self.port}"

    def tcp_url(self, database: str = "postgres", user: str = SUPERUSER) -> str:
        """The same cluster over TCP on 127.0.0.1, which serves no TLS (to test that TLS is asked for)."""
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", SERVER_USER, "--"] if os.geteuid() == 0 else []
        result = subprocess.run(prefix + list(command), capture_output=True, text=True)
        if result.returncode != 0:
            log = self.folder / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{command[0]} failed ({result.returncode}): {result.stderr.strip()}\n{tail}")

    def start(self) -> None:
        data = self.folder / "data"
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(data),
            "-U",
            SUPERUSER,
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        # The socket, and TCP on the loopback only (without TLS: the tests check the client insists on it);
        # durability is irrelevant for a cluster that is deleted at the end of the run.
        options = (
            f"-c listen_addresses='127.0.0.1' -c port={self.port} -c unix_socket_directories='{self.socket_dir}' "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=60"
        )
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(self.folder / "server.log"),
            "-o",
            options,
            "-w",
            "start",
        )

    def stop(self) -> None:
        try:
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def start_cluster() -> Cluster:
    """Start a new cluster in a new folder owned by the user it runs as; the caller stops it."""
    bindir = _bindir()
    assert bindir is not None, skip_reason()
    folder = Path(tempfile.mkdtemp(prefix="dhr-pg-"))  # short: a socket path must fit in 107 bytes
    if os.geteuid() == 0:
        account = pwd.getpwnam(SERVER_USER)
        os.chown(folder, account.pw_uid, account.pw_gid)
    os.chmod(folder, 0o700)
    cluster = Cluster(folder, bindir, _free_local_port())
    try:
        cluster.start()
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return cluster
