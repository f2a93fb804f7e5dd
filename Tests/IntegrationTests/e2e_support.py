# SPDX-License-Identifier: Apache-2.0
"""What the end-to-end drivers (stack_e2e.py, cases_e2e.py) share: ports, child processes, cargo-lambda's project."""
import os
import socket
import subprocess
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Children:
    """Processes the driver starts, each logging to WORKDIR/NAME.log, all killed at the end."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.processes = []

    def start(self, name, command, cwd=None, env=None):
        log = open(os.path.join(self.workdir, f"{name}.log"), "ab")
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        self.processes.append(process)
        return process

    def wait_for_port(self, port, process, name):
        for _ in range(400):
            if process.poll() is not None:
                raise SystemExit(f"{name} exited: see {self.workdir}/{name}.log")
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    return
            time.sleep(0.05)
        raise SystemExit(f"{name} did not start")

    def kill_all(self):
        for process in self.processes:
            process.kill()
        for process in self.processes:
            process.wait()


def emulator_project(directory):
    """The dummy Cargo project cargo-lambda needs beside it; returns its directory."""
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "Cargo.toml"), "w") as f:
        f.write('[package]\nname = "fn"\nversion = "0.1.0"\nedition = "2021"\n\n[[bin]]\nname = "fn"\npath = "main.rs"\n')
    with open(os.path.join(directory, "main.rs"), "w") as f:
        f.write("fn main() {}\n")
    return directory
