"""Starts jirasim for a test and stops it afterwards (shared by the fidelity tests)."""
import json
import os
import subprocess
import time


class Jirasim:
    def __init__(self, binary, *args):
        self.proc = subprocess.Popen([binary, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        text = ""
        deadline = time.time() + 60
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("jirasim exited: " + self.proc.stderr.read())
            text += line
            if line.rstrip() == "}":
                break
        self.info = json.loads(text)

    def user(self, i=0):
        return self.info["users"][i]

    def site(self, i=0):
        return self.info["sites"][i]

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def jirasim_binary():
    return os.environ["JIRASIM"]
