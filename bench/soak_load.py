#!/usr/bin/env python3
"""The mixed load of bench/soak.sh, with Python's standard library only (another language's
HTTP client than the service's own tests): uploads, polling, event streams, minutes
regenerations, questions, sign-ins (right and wrong), task deletions. Counts every answer by
kind and status; prints one JSON object at the end.

An answer is "expected" when the load asked for it: 401 for the wrong password, 409 for
asking about a task that is not transcribed yet, 404 for a task another thread deleted
meanwhile. Anything else that is not 2xx (and every transport error) is "unexpected".
"""
import argparse
import http.client
import json
import random
import threading
import time
import urllib.parse

EXPECTED = {
    "login_wrong": {401, 429},
    "ask": {409},
    "regenerate": {409},
    "poll_task": {404},
    "transcript": {404, 409},
    "minutes": {404, 409},
    "delete": {404},
    "events": {404},
}


class Load:
    def __init__(self, args):
        u = urllib.parse.urlparse(args.url)
        self.host, self.port = u.hostname, u.port
        self.args = args
        self.lock = threading.Lock()
        self.counts = {}  # (kind, status) -> n
        self.unexpected = []  # first few, for the report
        self.tasks = []  # ids, oldest first
        self.done = set()  # ids whose transcription succeeded
        self.stop_at = time.time() + args.duration
        self.token = None
        self.wav = open(args.wav, "rb").read()
        self.events_seen = 0

    def running(self):
        return time.time() < self.stop_at

    def count(self, kind, status, detail=""):
        with self.lock:
            self.counts[(kind, status)] = self.counts.get((kind, status), 0) + 1
            ok = isinstance(status, int) and (200 <= status < 300 or status in EXPECTED.get(kind, ()))
            if not ok and len(self.unexpected) < 20:
                self.unexpected.append(f"{kind} {status} {detail[:200]}")

    def call(self, kind, method, path, body=None, ctype="application/json", token=True, timeout=60):
        headers = {}
        if token:
            headers["Authorization"] = "Bearer " + self.token
        if body is not None:
            headers["Content-Type"] = ctype
            if isinstance(body, str):
                body = body.encode()
        try:
            c = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
            c.request(method, path, body=body, headers=headers)
            r = c.getresponse()
            data = r.read()
            c.close()
        except Exception as e:  # refused, reset, timed out
            self.count(kind, "transport", repr(e))
            return None, None
        self.count(kind, r.status, data.decode(errors="replace"))
        try:
            return r.status, json.loads(data) if data else None
        except ValueError:
            return r.status, None

    def login(self, password):
        body = json.dumps({"username": self.args.user, "password": password})
        kind = "login" if password == self.args.password else "login_wrong"
        status, js = self.call(kind, "POST", "/api/v1/auth/login", body, token=False)
        return js.get("access_token") if status == 200 and js else None

    def pick(self, succeeded=False):
        with self.lock:
            pool = [t for t in self.tasks if t in self.done] if succeeded else list(self.tasks)
        return random.choice(pool) if pool else None

    def pick_unfinished(self):
        """A task still queued or running (its stream stays open), else any."""
        with self.lock:
            pool = [t for t in self.tasks if t not in self.done] or list(self.tasks)
        return random.choice(pool) if pool else None

    # --- the threads ----------------------------------------------------------------------------
    def uploader(self):
        n = 0
        while self.running():
            n += 1
            status, js = self.call("upload", "POST", f"/api/v1/tasks?title=soak-{n}", self.wav,
                                   ctype="audio/wav")
            if status == 201 and js:
                with self.lock:
                    self.tasks.append(js["id"])
            # Old tasks go, as users delete them: the database and storage stay bounded.
            with self.lock:
                old = self.tasks[0] if len(self.tasks) > self.args.keep_tasks else None
                if old:
                    self.tasks.pop(0)
                    self.done.discard(old)
            if old:
                self.call("delete", "DELETE", f"/api/v1/tasks/{old}")
            time.sleep(self.args.upload_every)

    def poller(self):
        while self.running():
            t = self.pick()
            if t:
                status, js = self.call("poll_task", "GET", f"/api/v1/tasks/{t}")
                if status == 200 and js and js.get("state") == "succeeded":
                    with self.lock:
                        if t in self.tasks:
                            self.done.add(t)
            self.call("list", "GET", "/api/v1/tasks?page_size=20")
            if random.random() < 0.2:
                self.call("usage", "GET", "/api/v1/usage")
            t = self.pick(succeeded=True)
            if t:
                self.call("transcript", "GET", f"/api/v1/tasks/{t}/transcript")
                self.call("minutes", "GET", f"/api/v1/tasks/{t}/minutes?format=json")
            time.sleep(self.args.poll_every)

    def events(self):
        while self.running():
            t = self.pick_unfinished()
            if not t:
                time.sleep(1)
                continue
            opened = time.time()
            try:
                c = http.client.HTTPConnection(self.host, self.port, timeout=40)
                c.request("GET", f"/api/v1/tasks/{t}/events",
                          headers={"Authorization": "Bearer " + self.token,
                                   "Accept": "text/event-stream"})
                r = c.getresponse()
                if r.status != 200:
                    body = r.read()
                    self.count("events", r.status, body.decode(errors="replace"))
                    c.close()
                    time.sleep(1)
                    continue
                self.count("events", 200)
                # Read for a while (heartbeats and events), then hang up as a browser tab would.
                until = time.time() + random.uniform(5, 30)
                while time.time() < until and self.running():
                    line = r.fp.readline()
                    if not line:
                        break
                    if line.startswith(b"data:"):
                        with self.lock:
                            self.events_seen += 1
                c.close()
                # A finished task's stream ends at once; reconnect as the browser does, after
                # the stream's `retry: 2000`.
                time.sleep(max(0.0, 2 - (time.time() - opened)))
            except Exception as e:
                self.count("events", "transport", repr(e))
                time.sleep(1)

    def regenerator(self):
        while self.running():
            time.sleep(self.args.regenerate_every)
            t = self.pick(succeeded=True)
            if t:
                self.call("regenerate", "POST", f"/api/v1/tasks/{t}/minutes",
                          json.dumps({"template": "default"}))

    def asker(self):
        questions = ["What was decided?", "Who owns the next step?", "When is the release?"]
        while self.running():
            time.sleep(self.args.ask_every)
            t = self.pick(succeeded=True)
            if t:
                self.call("ask", "POST", f"/api/v1/tasks/{t}/ask",
                          json.dumps({"question": random.choice(questions)}))

    def signer(self):
        i = 0
        while self.running():
            i += 1
            tok = self.login(self.args.password)
            if tok:
                self.token = tok  # the other threads move to the newest token
            if i % 3 == 0:
                self.login("not-the-password-" + str(i))
            time.sleep(self.args.login_every)

    def run(self):
        self.token = self.login(self.args.password)
        if not self.token:
            raise SystemExit("soak_load: cannot sign in")
        threads = [self.uploader, self.regenerator, self.asker, self.signer]
        threads += [self.poller] * self.args.pollers + [self.events] * self.args.streams
        ts = [threading.Thread(target=f, daemon=True) for f in threads]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        total = sum(self.counts.values())
        unexpected = sum(n for (k, s), n in self.counts.items()
                         if not (isinstance(s, int) and (200 <= s < 300 or s in EXPECTED.get(k, ()))))
        print(json.dumps({
            "requests": total,
            "unexpected": unexpected,
            "unexpected_examples": self.unexpected,
            "events_seen": self.events_seen,
            "tasks_succeeded_seen": len(self.done),
            "by_kind": {f"{k} {s}": n for (k, s), n in sorted(self.counts.items(), key=str)},
        }))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--wav", required=True)
    p.add_argument("--duration", type=float, default=1800)
    p.add_argument("--pollers", type=int, default=4)
    p.add_argument("--streams", type=int, default=10)
    p.add_argument("--keep-tasks", type=int, default=15)
    p.add_argument("--upload-every", type=float, default=20)
    p.add_argument("--poll-every", type=float, default=0.05)
    p.add_argument("--regenerate-every", type=float, default=30)
    p.add_argument("--ask-every", type=float, default=10)
    p.add_argument("--login-every", type=float, default=5)
    Load(p.parse_args()).run()


if __name__ == "__main__":
    main()
