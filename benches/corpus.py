#!/usr/bin/env python3
"""Generate a synthetic troubleshooting corpus for errdex build benchmarks.

    corpus.py --entries N --out DIR [--format errdex|hugo|zola|both|all] [--seed S] [--today YYYY-MM-DD]

Adapted from the peer-benchmark generator (bench/gen_corpus.py) to errdex's current entry
format (docs/authoring.md, src/entry.rs).  Every entry is one Markdown file,
content/<tool>/<slug>.md, with every front-matter field errdex knows except `draft`:
title, summary (<= 160 characters), signature (with a code, unique per entry), variants,
code (quoted), kind, category (from the tool's `_section.yaml` `defaults:`, overridden by
the network entries), quick_fix, updated, causes (3-5), quick_fixes (2-4), checks, steps,
prevention, sources (2-3, with note and checked), related (2-3 existing ids), faq (3),
applies_to, tags and, on one entry in ten, aliases.  The body is 400-700 words of Markdown
with headings, a bullet list, a numbered list, a fenced code block and links to related
entries (`/<tool>/<slug>/` and `/<tool>/<slug>/#faq`), which `errdex check` resolves.
Eight tools.

  errdex  DIR/site.yaml, DIR/content/<tool>/_section.yaml and the entries; errdex brings
          its own templates: `errdex build --root DIR`.
  hugo    the same corpus as a complete Hugo site: DIR/config.toml, DIR/content (same YAML
          front matter, plus `tools` and `category` as taxonomies), DIR/layouts whose
          templates render the same fields as errdex's default templates (entry page with
          every section, a list page per tool, home page, `tools` and `category`
          taxonomies, alias redirects, sitemap, robots.txt, 404):
          `hugo --source DIR --destination OUT`.
  zola    the same corpus as a Zola site: DIR/config.toml, DIR/content (TOML front matter:
          title, description = the summary, updated, aliases, `tools` and `category`
          taxonomies, every other field under [extra]; related as `<tool>/<slug>.md`),
          DIR/templates rendering the same pages as the Hugo site:
          `zola --root DIR build --output-dir OUT --force`.
  both    DIR/errdex and DIR/hugo.
  all     DIR/errdex, DIR/hugo and DIR/zola.

Deterministic: the same seed, N and --today always give byte-identical files.  Entry i's
text depends only on (seed, i, today); only its `related` ids (and the body links to
them) depend on N.  Dates (`updated`, `checked`) fall in the 170 days up to --today
(default 2026-11-28), so with ERRDEX_TODAY set to that date errdex reports neither
future dates nor stale entries.  No 8+-word sentence repeats within an entry, and no two
entries share a signature, so `errdex check` reports 0 errors and 0 warnings.

The data is SYNTHETIC: error lines, commands and URLs are generated from patterns
for timing only.  They are not facts and must never be used as site content.
Python 3 standard library only.
"""

import argparse
import datetime
import json
import os
import random
import re
import sys

# ---------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------

NET_CATEGORY = "Networking and TLS"

# tool -> section data and patterns (kind, category override or None, signature, title).
# Every signature holds {uid}, unique per entry, so no two entries share a signature (W005).
TOOLS = {
    "anthropic-api": {
        "title": "Anthropic API",
        "description": "Synthetic HTTP API errors for the benchmark corpus.",
        "homepage": "https://docs.example.org/anthropic-api/",
        "category": "AI APIs",
        "patterns": [
            ("auth", None,
             'Error: 401 {"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"},"request_id":"req_{uid}{hex}"}',
             "401 authentication_error: invalid x-api-key ({variant})"),
            ("quota", None,
             'Error: 429 {"type":"error","error":{"type":"rate_limit_error","message":"This request would exceed the rate limit for your organization of {n} input tokens per minute"},"request_id":"req_{uid}"}',
             "429 rate_limit_error: input tokens per minute exceeded ({variant})"),
            ("runtime", None,
             'Error: 529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_{uid}{hex}"}',
             "529 overloaded_error during {variant}"),
            ("config", None,
             'Error: 400 {"type":"error","error":{"type":"invalid_request_error","message":"max_tokens: {n} > {m}, which is the maximum allowed"},"request_id":"req_{uid}"}',
             "400 invalid_request_error: max_tokens too large ({variant})"),
        ],
    },
    "claude-code": {
        "title": "Claude Code",
        "description": "Synthetic terminal coding-agent errors for the benchmark corpus.",
        "homepage": "https://docs.example.org/claude-code/",
        "category": "AI Coding Tools",
        "patterns": [
            ("auth", None,
             'API Error: 401 {"type":"error","error":{"type":"authentication_error","message":"OAuth token has expired. Please obtain a new token or refresh your existing token."},"request_id":"req_{uid}{hex}"}',
             "API Error 401: OAuth token has expired ({variant})"),
            ("network", NET_CATEGORY,
             "API Error: Connection error. (cause: ECONNRESET {host}:443, request req_{uid})",
             "API Error: Connection error behind {variant}"),
            ("config", None,
             "Error: Invalid settings file {path}: Unexpected token } in JSON at position {uidn}",
             "Invalid settings file: unexpected token ({variant})"),
            ("install", None,
             "Error: EACCES: permission denied, open '/home/dev/.claude/todos/{uid}.json'",
             "EACCES permission denied writing {variant}"),
        ],
    },
    "npm": {
        "title": "npm",
        "description": "Synthetic Node.js package manager errors for the benchmark corpus.",
        "homepage": "https://docs.example.org/npm/",
        "category": "Package Managers",
        "patterns": [
            ("install", None,
             "npm ERR! code E404\nnpm ERR! 404 Not Found - GET https://registry.npmjs.org/{pkg} - Not found\nnpm ERR! A complete log of this run can be found in: /home/dev/.npm/_logs/{uid}-debug-0.log",
             "npm ERR! code E404 for {pkg} ({variant})"),
            ("install", None,
             "npm ERR! code EACCES\nnpm ERR! syscall mkdir\nnpm ERR! path {path}\nnpm ERR! errno -13\nnpm ERR! A complete log of this run can be found in: /home/dev/.npm/_logs/{uid}-debug-0.log",
             "npm ERR! code EACCES: mkdir {variant}"),
            ("config", None,
             "npm ERR! code ERESOLVE\nnpm ERR! ERESOLVE unable to resolve dependency tree\nnpm ERR! peer {pkg}@\"^{ver}\" from the root project\nnpm ERR! A complete log of this run can be found in: /home/dev/.npm/_logs/{uid}-debug-0.log",
             "npm ERR! ERESOLVE unable to resolve dependency tree ({pkg})"),
            ("network", NET_CATEGORY,
             "npm ERR! code ETIMEDOUT\nnpm ERR! network request to https://{host}/{pkg} failed, reason: connect ETIMEDOUT\nnpm ERR! A complete log of this run can be found in: /home/dev/.npm/_logs/{uid}-debug-0.log",
             "npm ERR! code ETIMEDOUT reaching {variant}"),
        ],
    },
    "pip": {
        "title": "pip",
        "description": "Synthetic Python package installer errors for the benchmark corpus.",
        "homepage": "https://docs.example.org/pip/",
        "category": "Package Managers",
        "patterns": [
            ("install", None,
             "ERROR: Could not find a version that satisfies the requirement {pkg}=={ver}.{uidn} (from versions: none)",
             "No matching distribution found for {pkg}=={ver}"),
            ("install", None,
             "error: subprocess-exited-with-error\n  x Building wheel for {pkg} (pyproject.toml) did not run successfully.\n  | exit code: 1\n  | build dir: /tmp/pip-install-{uid}/{pkg}",
             "Building wheel for {pkg} did not run successfully"),
            ("network", NET_CATEGORY,
             "WARNING: Retrying (Retry(total=4, connect=None, read=None)) after connection broken by 'SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED]'))': /simple/{pkg}/ (session {uid})",
             "SSL CERTIFICATE_VERIFY_FAILED fetching {pkg}"),
            ("config", None,
             "error: externally-managed-environment\n\nx This environment is externally managed\n  (marker /usr/lib/python3.{uidn}/EXTERNALLY-MANAGED)",
             "externally-managed-environment on {variant}"),
        ],
    },
    "git": {
        "title": "Git",
        "description": "Synthetic version-control errors for the benchmark corpus.",
        "homepage": "https://docs.example.org/git/",
        "category": "Version Control",
        "patterns": [
            ("auth", None,
             "remote: Invalid username or password.\nfatal: Authentication failed for 'https://{host}/{org}/{pkg}-{uid}.git/'",
             "fatal: Authentication failed for {host} ({variant})"),
            ("runtime", None,
             "! [rejected]        main -> main (non-fast-forward)\nerror: failed to push some refs to '{host}:{org}/{pkg}-{uid}.git'",
             "failed to push some refs: non-fast-forward ({variant})"),
            ("runtime", None,
             "CONFLICT (content): Merge conflict in src/{file}_{uid}.rs\nAutomatic merge failed; fix conflicts and then commit the result.",
             "Merge conflict in {variant}"),
            ("network", NET_CATEGORY,
             "fatal: unable to access 'https://{host}/{org}/{pkg}-{uid}.git/': SSL certificate problem: unable to get local issuer certificate",
             "SSL certificate problem cloning from {host}"),
        ],
    },
    "docker": {
        "title": "Docker",
        "description": "Synthetic container engine errors for the benchmark corpus.",
        "homepage": "https://docs.example.org/docker/",
        "category": "Containers",
        "patterns": [
            ("auth", None,
             "Error response from daemon: pull access denied for {pkg}-{uid}, repository does not exist or may require 'docker login': denied: requested access to the resource is denied",
             "pull access denied for {pkg}"),
            ("runtime", None,
             "Cannot connect to the Docker daemon at unix:///run/user/{uidn}/docker.sock. Is the docker daemon running?",
             "Cannot connect to the Docker daemon ({variant})"),
            ("network", NET_CATEGORY,
             "Error response from daemon: driver failed programming external connectivity on endpoint {pkg}-{uid}: Error starting userland proxy: listen tcp4 0.0.0.0:{port}: bind: address already in use",
             "bind: address already in use on port {port}"),
            ("runtime", None,
             "failed to register layer: write /var/lib/docker/overlay2/{uid}{hex}/diff: no space left on device",
             "no space left on device while pulling {pkg}"),
        ],
    },
    "kubectl": {
        "title": "kubectl",
        "description": "Synthetic Kubernetes command-line errors for the benchmark corpus.",
        "homepage": "https://docs.example.org/kubectl/",
        "category": "Containers",
        "patterns": [
            ("auth", None,
             'Error from server (Forbidden): pods is forbidden: User "{user}" cannot list resource "pods" in API group "" in the namespace "{ns}-{uid}"',
             "pods is forbidden for user {user} in {ns}"),
            ("network", NET_CATEGORY,
             "The connection to the server {host}:6443 was refused - did you specify the right host or port? (context {uid})",
             "connection to the server {host}:6443 was refused"),
            ("runtime", None,
             "Back-off restarting failed container {pkg} in pod {pkg}-{uid}_{ns}({uuid})",
             "CrashLoopBackOff: back-off restarting {pkg}"),
            ("install", None,
             'Failed to pull image "{host}/{pkg}:{ver}-{uid}": rpc error: code = NotFound desc = failed to resolve reference',
             "ErrImagePull: {pkg}:{ver} not found"),
        ],
    },
    "cargo": {
        "title": "Cargo",
        "description": "Synthetic Rust build tool errors for the benchmark corpus.",
        "homepage": "https://docs.example.org/cargo/",
        "category": "Build Tools",
        "patterns": [
            ("config", None,
             "error[E0432]: unresolved import `{crate}::{item}`\n --> src/{file}.rs:{uidn}:5",
             "E0432 unresolved import {crate}::{item}"),
            ("install", None,
             "error: failed to select a version for the requirement `{crate} = \"^{ver}\"`\ncandidate versions found which didn't match: {ver2}\nlocation searched: registry `crates-io` (index {uid})",
             "failed to select a version for {crate} ^{ver}"),
            ("config", None,
             "error[E0502]: cannot borrow `{item}` as mutable because it is also borrowed as immutable\n --> src/{file}.rs:{uidn}:{m}",
             "E0502 cannot borrow {item} as mutable ({variant})"),
            ("install", None,
             "error: linking with `cc` failed: exit status: 1\n  = note: /usr/bin/ld: cannot find -l{lib}\n  = note: target/debug/deps/app-{uid}",
             "linking with cc failed: cannot find -l{lib}"),
        ],
    },
}

COMMANDS = {
    "anthropic-api": ["curl -sS https://api.example.test/v1/models -H \"x-api-key: $API_KEY\"",
                      "echo \"${API_KEY:0:10}\"", "env | grep -i api_key", "export API_KEY=\"$(cat ~/.config/key)\"",
                      "python -c 'import os; print(bool(os.environ.get(\"API_KEY\")))'"],
    "claude-code": ["claude --version", "claude doctor", "ls -la ~/.claude", "cat ~/.claude/settings.json | python -m json.tool",
                    "env | grep -i proxy"],
    "npm": ["npm config get registry", "npm cache verify", "npm install --verbose", "rm -rf node_modules package-lock.json",
            "npm ls --all", "npm whoami"],
    "pip": ["python -m pip --version", "python -m pip install --upgrade pip", "python -m venv .venv",
            "pip index versions {pkg}", "pip config list", "pip download {pkg} --no-deps -d /tmp/wheels"],
    "git": ["git remote -v", "git fetch --all --prune", "git status", "git config --get credential.helper",
            "git log --oneline -5", "git pull --rebase origin main"],
    "docker": ["docker info", "docker system df", "systemctl status docker", "docker ps -a", "docker login {host}",
               "docker system prune --volumes"],
    "kubectl": ["kubectl config current-context", "kubectl auth can-i list pods -n {ns}", "kubectl get pods -n {ns}",
                "kubectl describe pod {pkg} -n {ns}", "kubectl logs {pkg} -n {ns} --previous"],
    "cargo": ["cargo --version", "cargo tree -i {crate}", "cargo update -p {crate}", "cargo clean", "cargo check --all-targets",
              "rustup show"],
}

WORDS = {
    "pkg": ["left-pad", "requests", "numpy", "webapp", "api-gateway", "auth-service", "billing", "lodash", "react-dom",
            "pydantic", "worker", "scheduler", "frontend", "cryptography", "express", "redis", "nginx", "postgres"],
    "crate": ["serde", "tokio", "reqwest", "clap", "rayon", "hyper", "tera", "walkdir", "regex", "anyhow"],
    "item": ["Deserialize", "runtime", "Client", "Parser", "prelude", "Value", "config", "cache", "buf", "entries"],
    "host": ["github.com", "gitlab.example.com", "registry.example.org", "proxy.corp.local", "10.0.0.12", "mirror.internal"],
    "org": ["acme", "platform", "infra", "data-team", "oss"],
    "path": ["/usr/local/lib/node_modules", "~/.claude/settings.json", "src/main.rs", "/var/lib/docker/overlay2",
             "package.json", "config/app.yaml", "/home/dev/.npm/_cacache", "README.md"],
    "file": ["main", "lib", "config", "server", "render", "entry", "site"],
    "user": ["system:serviceaccount:ci:deployer", "dev@example.com", "system:anonymous", "jenkins"],
    "ns": ["default", "staging", "prod", "kube-system", "ci"],
    "lib": ["ssl", "z", "sqlite3", "pq", "crypto"],
    "variant": ["CI runner", "corporate proxy", "fresh install", "WSL 2", "macOS", "Docker container", "monorepo",
                "GitHub Actions", "air-gapped network", "shared server", "VPN", "new laptop", "after an upgrade"],
}

TERMS = ["cache", "token", "proxy", "lockfile", "environment variable", "config file", "credential helper", "registry",
         "mirror", "certificate bundle", "service account", "permission bit", "retry policy", "timeout", "workspace",
         "virtual environment", "daemon", "socket", "namespace", "feature flag", "build script", "dependency tree"]

PLATFORMS = ["Linux", "macOS", "Windows 11", "WSL 2", "GitHub Actions", "GitLab CI", "Docker Desktop", "Ubuntu 24.04",
             "Debian 12", "Fedora 41"]

SENTENCES = [
    "The message comes from {tool} itself, not from the shell, so the exit code is not the whole story.",
    "Most reports of this error trace back to a stale {term} that survived an upgrade.",
    "Check whether `{var}` is set in the same shell that runs `{cmd}`; a value exported in another terminal does not count.",
    "On shared machines the {term} often belongs to another user, and {tool} cannot rewrite it.",
    "If the error appeared right after a change to the {term}, revert that change first and retry.",
    "Running `{cmd}` prints the effective settings, which is faster than reading every file by hand.",
    "A second, quieter cause is a {term} that points at an old {term2}.",
    "In CI the {term} is rebuilt on every run, so the error there usually means the secret or the image changed.",
    "The code `{code}` is stable across versions, which makes it a reliable key for searching logs.",
    "Do not delete the whole {term} unless the narrower fixes below failed; it is slow to rebuild.",
    "When the same command works on another machine, compare the {term} on both machines line by line.",
    "Proxies and VPN clients rewrite traffic in ways that {tool} reports as this error.",
    "The fix is usually one command, but confirming the cause first saves a second round of guessing.",
    "Look at the first line of the output: later lines are often consequences of the first failure.",
    "Setting `{var}` explicitly removes one source of ambiguity while you debug.",
    "Version mismatches between the {term} and {tool} produce the same text with a different root cause.",
    "Some editors cache the {term}, so restart them after changing it.",
    "If `{cmd}` hangs instead of failing, the problem is the network path, not the credentials.",
    "Logs under `{path}` keep the full request, including headers that the terminal hides.",
    "Teams that pin the {term} in version control rarely see this error again.",
    "A {term} copied from an older project can carry settings that {tool} no longer accepts.",
    "Compare the output of `{cmd}` before and after the change to the {term} to see what moved.",
    "The {term} and the {term2} are read in a fixed order, and the first match wins.",
    "An expired {term} looks the same as a missing one from the point of view of {tool}.",
    "Write down the value of `{var}` before changing it, so you can put it back if the fix fails.",
    "On {platform} the {term} lives in a different folder than the documentation suggests.",
    "Restarting the terminal clears a stale `{var}` that an old profile script exported.",
    "The error tends to come back after every {platform} update until the {term} is fixed for good.",
]

OPENERS = ["In practice, ", "On {platform}, ", "Usually, ", "In our experience, ", "For most teams, ", "As a rule, ",
           "With {tool} on {platform}, ", "During an incident, ", "Before anything else, ", "Once the {term2} is fixed, ",
           "In a container, ", "After an upgrade, ", "On a fresh checkout, ", "Behind a proxy, "]

SECTION_HEADS = [
    ("What this error means", "Why it happens", "How to fix it", "Verify the fix", "If nothing works"),
    ("Meaning", "Common root causes", "Fix it step by step", "Confirm it is fixed", "Still failing?"),
    ("Overview", "Root causes", "Resolution", "Verification", "Escalation"),
]

FAQ_Q = ["Is it safe to run `{cmd}`?", "Why does this only happen in CI?", "Does upgrading {tool} fix it?",
         "Can a proxy cause this?", "Why does it work on a colleague's machine?", "Do I need to restart anything?",
         "Will clearing the {term} lose data?", "How do I know which {term} is used?"]

VARS = ["API_KEY", "HTTPS_PROXY", "NODE_OPTIONS", "PIP_INDEX_URL", "KUBECONFIG", "DOCKER_HOST", "CARGO_HOME",
        "GIT_SSH_COMMAND", "NO_PROXY", "SSL_CERT_FILE"]

TAGS = {"auth": ["authentication", "credentials", "token", "login"],
        "quota": ["rate limit", "retry-after", "quota", "backoff"],
        "model": ["model", "context window", "max tokens"],
        "runtime": ["runtime", "retry", "crash", "daemon"],
        "config": ["configuration", "settings", "environment", "syntax"],
        "network": ["network", "proxy", "tls", "certificate", "timeout"],
        "install": ["install", "permissions", "dependencies", "registry"]}

DAYS = 170  # dates fall in the DAYS days up to --today: never stale (180) nor in the future


# ---------------------------------------------------------------------------
# Entry model
# ---------------------------------------------------------------------------

def uid_for(i):
    """An 8-hex-digit token unique for every i < 2**32 (multiplication by an odd number)."""
    return "%08x" % ((i * 2654435761 + 0x9E3779B9) % 2 ** 32)


def fill(rng, pattern, env):
    """Replace {name} placeholders, drawing a value once per name per call environment."""
    def rep(m):
        key = m.group(1)
        if key not in env:
            if key in WORDS:
                env[key] = rng.choice(WORDS[key])
            elif key == "hex":
                env[key] = "%012x" % rng.getrandbits(48)
            elif key == "uuid":
                env[key] = "%08x-%04x-%04x" % (rng.getrandbits(32), rng.getrandbits(16), rng.getrandbits(16))
            elif key in ("n", "m"):
                env[key] = str(rng.randint(2, 200000))
            elif key == "port":
                env[key] = str(rng.choice([3000, 5432, 6379, 8000, 8080, 8443, 9000]))
            elif key in ("ver", "ver2"):
                env[key] = "%d.%d.%d" % (rng.randint(0, 9), rng.randint(0, 30), rng.randint(0, 20))
            elif key in ("term", "term2"):
                env[key] = rng.choice(TERMS)
            elif key == "platform":
                env[key] = rng.choice(PLATFORMS)
            else:
                return m.group(0)
        return env[key]
    return re.sub(r"\{(\w+)\}", rep, pattern)


def slugify(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60].strip("-")


# errdex's repeated-sentence warning (W003, src/entry.rs): text is split into sentences at
# `.`, `?` or `!` followed by whitespace (or the end) and at blank lines; a sentence is its
# words lowercased with leading/trailing non-alphanumerics trimmed; 8+ words count.
_SPLIT = re.compile(r"[.?!](?=\s|$)|\n(?=\n)")


def pieces(text):
    out, start = [], 0
    for m in _SPLIT.finditer(text):
        out.append(text[start:m.end()])
        start = m.end()
    out.append(text[start:])
    return out


def norm(sentence):
    words = (re.sub(r"^\W+|\W+$", "", w.replace("_", "\0")).replace("\0", "_").lower()
             for w in sentence.split())
    return " ".join(w for w in words if w)


class Writer:
    """Draws sentences for one entry, never repeating an 8+-word sentence within the entry."""

    def __init__(self, rng, tool, cmds, code):
        self.rng, self.tool, self.cmds, self.code = rng, tool, cmds, code
        self.seen = set()

    def accept(self, text):
        """Record text's sentences; False (and nothing recorded) if one would repeat."""
        keys = [k for k in (norm(p) for p in pieces(text)) if len(k.split(" ")) >= 8]
        if any(k in self.seen for k in keys) or len(set(keys)) < len(keys):
            return False
        self.seen.update(keys)
        return True

    def raw(self, opener):
        rng = self.rng
        env = {"tool": self.tool, "cmd": rng.choice(self.cmds), "var": rng.choice(VARS), "code": self.code}
        s = fill(rng, rng.choice(SENTENCES), env)
        if opener:
            s = fill(rng, rng.choice(OPENERS), env) + (s[0].lower() + s[1:] if s[1:2].islower() else s)
        return s

    def sentence(self):
        for attempt in range(40):
            s = self.raw(opener=attempt >= 4 or self.rng.random() < 0.3)
            if self.accept(s):
                return s
        k = 2
        while True:  # practically unreachable: the combinations run out first
            s = "%s (case %d)" % (self.raw(True)[:-1], k) + "."
            if self.accept(s):
                return s
            k += 1

    def fixed(self, text):
        """A fixed-form line; recorded so later sentences do not repeat it."""
        self.accept(text)
        return text

    def paragraph(self, words):
        out, count = [], 0
        while count < words or not out:
            s = self.sentence()
            out.append(s)
            count += len(s.split())
        return " ".join(out)


def make_entry(seed, i, today):
    """Everything about entry i except `related` (which needs N)."""
    rng = random.Random("%s-%d" % (seed, i))
    tools = sorted(TOOLS)
    tool = tools[i % len(tools)]
    spec = TOOLS[tool]
    kind, category, sig_pat, title_pat = spec["patterns"][(i // len(tools)) % len(spec["patterns"])]
    env = {"tool": tool, "uid": uid_for(i), "uidn": str(10 + i)}
    signature = fill(rng, sig_pat, env)
    title = fill(rng, title_pat, env)
    code_match = re.search(r"\b(E\d{3,4}|E[A-Z]{3,}|[45]\d\d|[a-z_]+_error)\b", signature)
    code = code_match.group(1) if code_match else None
    slug = "%s-%06d" % (slugify(title), i)
    cmds = [fill(rng, c, dict(env)) for c in COMMANDS[tool]]
    w = Writer(rng, tool, cmds, code or kind)

    first_line = signature.splitlines()[0]
    variants = []
    if "\n" in signature:
        variants.append(first_line)
    if rng.random() < 0.5:
        variants.append("%s (retried %d times)" % (first_line[:80].rstrip(), rng.randint(2, 9)))

    updated_day = today - datetime.timedelta(days=rng.randint(0, DAYS - 20))
    sources = []
    for k in range(rng.randint(2, 3)):
        checked = updated_day - datetime.timedelta(days=rng.randint(0, 20))
        sources.append({
            "url": "https://docs.example.org/%s/%s/%d" % (tool, kind, rng.randint(1, 999)),
            "title": "%s documentation: %s errors (%d)" % (spec["title"], kind, k + 1),
            "note": w.sentence(),
            "checked": checked.isoformat(),
        })
    faq = []
    for q in rng.sample(FAQ_Q, 3):
        question = fill(rng, q, {"tool": tool, "cmd": rng.choice(cmds), "term": rng.choice(TERMS)})
        faq.append({"q": w.fixed(question), "a": " ".join(w.sentence() for _ in range(rng.randint(1, 2)))})
    summary = "%s reports `%s` when the %s does not match what the server expects." % (
        spec["title"], code or kind, rng.choice(TERMS))
    if len(summary) > 160:
        summary = "%s reports `%s`." % (spec["title"], code or kind)
    ver = "%d.%d" % (rng.randint(1, 9), rng.randint(0, 30))
    entry = {
        "tool": tool,
        "title": title,
        "summary": w.fixed(summary),
        "signature": signature,
        "variants": variants,
        "code": code,
        "kind": kind,
        "category": category,  # None: from the tool's _section.yaml defaults
        "quick_fix": w.fixed("Run `%s`, then retry the command that failed." % rng.choice(cmds)),
        "updated": updated_day.isoformat(),
        "causes": [w.sentence() for _ in range(rng.randint(3, 5))],
        "quick_fixes": [w.fixed("Run `%s`." % c) for c in rng.sample(cmds, rng.randint(2, 4))],
        "checks": [w.fixed("`%s` succeeds without the error." % c) for c in rng.sample(cmds, rng.randint(2, 3))],
        "steps": [w.sentence() for _ in range(rng.randint(3, 5))],
        "prevention": [w.sentence() for _ in range(rng.randint(2, 3))],
        "sources": sources,
        "faq": faq,
        "applies_to": ["%s %s.x" % (spec["title"], ver), rng.choice(PLATFORMS)],
        "tags": rng.sample(TAGS[kind], min(3, len(TAGS[kind]))),
        "aliases": ["/old/%s/%d/" % (tool, i)] if i % 10 == 3 else [],
    }
    entry["body"] = body(rng, w, cmds, signature)
    return slug, entry


def words(text):
    return sum(1 for t in text.split() if re.search(r"[A-Za-z0-9]", t))


def body(rng, w, cmds, signature):
    """400-700 words; `{RELATED}` marks where the links to related entries go (~25 words)."""
    heads = rng.choice(SECTION_HEADS)
    items = "\n".join("- %s" % w.sentence() for _ in range(rng.randint(3, 5)))
    code = "```bash\n%s\n```" % "\n".join(rng.sample(cmds, rng.randint(3, min(5, len(cmds)))))
    numbered = "\n".join("%d. %s" % (k + 1, w.sentence()) for k in range(3))
    quote = "The exact text was:\n\n```text\n%s\n```" % signature
    note = "_Synthetic benchmark entry generated by benches/corpus.py; not a fact source._"
    fixed = words(" ".join(heads + (items, code, numbered, quote, note))) + 6 + 25
    prose = max(60, rng.randint(410, 665) - fixed)
    # Paragraph shares; each paragraph makes up for the previous ones' overshoot.
    shares = [0.2, 0.15, 0.1, 0.1, 0.1, 0.2, 0.15]
    paras, planned, done = [], 0.0, 0
    for share in shares:
        planned += prose * share
        text = w.paragraph(int(planned - done))
        done += words(text)
        paras.append(text)
    parts = ["## %s\n\n%s" % (heads[0], paras[0]),
             "## %s\n\n%s\n\n%s\n\n{RELATED}" % (heads[1], paras[1], items),
             "\n\n".join(["## %s" % heads[2]] + ["### Step %d\n\n%s" % (k + 1, paras[2 + k]) for k in range(3)]
                          + [code]),
             "## %s\n\n%s\n\n%s" % (heads[3], paras[5], numbered),
             "## %s\n\n%s\n\n%s" % (heads[4], paras[6], quote),
             note]
    return "\n\n".join(parts) + "\n"


def build_corpus(n, seed, today):
    slugs, entries = [], []
    for i in range(n):
        slug, entry = make_entry(seed, i, today)
        slugs.append(slug)
        entries.append(entry)
    rel_rng = random.Random("%s-related-%d" % (seed, n))
    for i, entry in enumerate(entries):
        k = min(rel_rng.randint(2, 3), n - 1)
        picks = set()
        while len(picks) < k:
            j = rel_rng.randrange(n)
            if j != i:
                picks.add(j)
        entry["related"] = sorted(picks)
    return slugs, entries


# ---------------------------------------------------------------------------
# Serialisation
# ---------------------------------------------------------------------------

def q(s):
    """A double-quoted YAML scalar (ASCII only: JSON escapes are valid YAML escapes)."""
    return json.dumps(s, ensure_ascii=True)


FIELD_ORDER = ["title", "summary", "signature", "variants", "code", "kind", "category", "quick_fix", "updated",
               "causes", "quick_fixes", "checks", "steps", "prevention", "sources", "related", "faq",
               "applies_to", "tags", "aliases"]


def yaml_front(entry, related_ids, hugo):
    lines = ["---"]
    for key in FIELD_ORDER:
        val = related_ids if key == "related" else entry[key]
        if key == "category" and hugo:
            val = [entry["category"] or TOOLS[entry["tool"]]["category"]]  # a taxonomy in Hugo
        if val is None or val == []:
            continue
        if key == "updated":
            lines.append("updated: %s" % val)
        elif isinstance(val, str):
            lines.append("%s: %s" % (key, q(val)))
        else:
            lines.append("%s:" % key)
            for item in val:
                if isinstance(item, dict):
                    first = True
                    for k2, v2 in item.items():
                        v2s = v2 if k2 == "checked" else q(v2)
                        lines.append("%s%s: %s" % ("  - " if first else "    ", k2, v2s))
                        first = False
                else:
                    lines.append("  - %s" % q(item))
    if hugo:
        lines.append("tools:\n  - %s" % q(entry["tool"]))
    lines.append("---")
    return "\n".join(lines) + "\n\n"


def toml_front(entry, related_paths):
    """Zola's TOML front matter: title, description (the summary), updated, aliases, the `tools`
    and `category` taxonomies, and every other field under [extra]."""
    cat = entry["category"] or TOOLS[entry["tool"]]["category"]
    lines = ["+++", "title = %s" % q(entry["title"]), "description = %s" % q(entry["summary"]),
             "updated = %s" % entry["updated"]]
    if entry["aliases"]:
        lines.append("aliases = [%s]" % ", ".join(q(a) for a in entry["aliases"]))
    lines += ["", "[taxonomies]", "tools = [%s]" % q(entry["tool"]), "category = [%s]" % q(cat), "", "[extra]"]
    for key in FIELD_ORDER:
        if key in ("title", "updated", "aliases"):
            continue
        val = related_paths if key == "related" else cat if key == "category" else entry[key]
        if val is None or val == []:
            continue
        if isinstance(val, str):
            lines.append("%s = %s" % (key, q(val)))
        elif val and isinstance(val[0], dict):
            lines.append("%s = [%s]" % (key, ", ".join(
                "{ %s }" % ", ".join("%s = %s" % (k2, q(v2)) for k2, v2 in item.items()) for item in val)))
        else:
            lines.append("%s = [%s]" % (key, ", ".join(q(v) for v in val)))
    lines.append("+++")
    return "\n".join(lines) + "\n\n"


def md_text(s):
    return re.sub(r"([\[\]\\`*_])", r"\\\1", s)


def related_paragraph(entries, slugs, rel):
    links = ["[%s](/%s/%s/)" % (md_text(entries[j]["title"]), entries[j]["tool"], slugs[j]) for j in rel]
    j = rel[0]
    return ("Related errors: %s. The [questions about the first one](/%s/%s/#faq) cover the setup it shares "
            "with this error." % ("; ".join(links), entries[j]["tool"], slugs[j]))


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def write_corpus(out, fmt, n, seed, today):
    slugs, entries = build_corpus(n, seed, today)
    kinds = {"both": ["errdex", "hugo"], "all": ["errdex", "hugo", "zola"]}.get(fmt, [fmt])
    targets = {k: [out if len(kinds) == 1 else os.path.join(out, k)] for k in kinds}
    for i, entry in enumerate(entries):
        tool, slug = entry["tool"], slugs[i]
        ids = ["%s/%s" % (entries[j]["tool"], slugs[j]) for j in entry["related"]]
        text = entry["body"].replace("{RELATED}", related_paragraph(entries, slugs, entry["related"]))
        for kind, dirs in targets.items():
            if kind == "zola":
                front = toml_front(entry, ["%s.md" % rid for rid in ids])
            else:
                front = yaml_front(entry, ids, hugo=(kind == "hugo"))
            write(os.path.join(dirs[0], "content", tool, slug + ".md"), front + text)
    tools = sorted({e["tool"] for e in entries})
    if "errdex" in targets:
        d = targets["errdex"][0]
        write(os.path.join(d, "site.yaml"), "title: Bench errors\ndescription: Synthetic benchmark corpus; "
              "not a fact source.\nbase_url: https://bench.example.org/\nlanguage: en\n")
        for tool in tools:
            s = TOOLS[tool]
            write(os.path.join(d, "content", tool, "_section.yaml"),
                  "title: %s\ndescription: %s\nhomepage: %s\ndefaults:\n  category: %s\n"
                  % (q(s["title"]), q(s["description"]), s["homepage"], q(s["category"])))
    if "hugo" in targets:
        write_hugo_site(targets["hugo"][0], tools)
    if "zola" in targets:
        write_zola_site(targets["zola"][0], tools)
    return len(entries)


# ---------------------------------------------------------------------------
# Hugo site: templates that render what errdex's default templates render
# ---------------------------------------------------------------------------

CSS = """body{font-family:system-ui,sans-serif;max-width:48rem;margin:0 auto;padding:1rem;line-height:1.5}
pre{background:#f4f4f4;padding:.75rem;overflow-x:auto}.signature{border-left:4px solid #c00}
nav a{margin-right:1rem}.muted{color:#666}
"""

HUGO_BASEOF = """<!doctype html>
<html lang="{{ site.LanguageCode }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if .IsHome }}{{ site.Title }}{{ else }}{{ .Title }} | {{ site.Title }}{{ end }}</title>
<meta name="description" content="{{ with .Params.summary }}{{ . }}{{ else }}{{ with .Params.description }}{{ . }}{{ else }}{{ site.Params.description }}{{ end }}{{ end }}">
<link rel="canonical" href="{{ .Permalink }}">
<link rel="stylesheet" href="{{ "style.css" | relURL }}">
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site-header">
  <a class="site-title" href="{{ "/" | relURL }}">{{ site.Title }}</a>
  <nav aria-label="Tools"><ul>
  {{ range site.Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
  {{ end }}</ul></nav>
</header>
<main id="main">
{{ block "main" . }}{{ end }}
</main>
<footer class="site-footer">
  <p>{{ site.Title }}: {{ site.Params.description }}</p>
  <p><a href="{{ "sitemap.xml" | relURL }}">Sitemap</a></p>
</footer>
</body>
</html>
"""

HUGO_SINGLE = """{{ define "main" }}
{{ $cat := index (.GetTerms "category") 0 }}
<nav aria-label="Breadcrumb" class="breadcrumbs"><ol>
  {{ with .Parent }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}
  <li><a href="{{ $cat.RelPermalink }}">{{ $cat.Title }}</a></li>
</ol></nav>
<article class="entry">
  <header class="entry-header">
    <h1>{{ .Title }}</h1>
    <p class="summary">{{ .Params.summary }}</p>
  </header>
  <dl class="facts" id="facts">
    <div><dt>Category</dt><dd><a href="{{ $cat.RelPermalink }}">{{ $cat.Title }}</a></dd></div>
    <div class="fact-signature"><dt>Error signature</dt><dd><code class="signature">{{ .Params.signature }}</code>
    {{ with .Params.variants }}<details class="variants"><summary>Also seen as ({{ len . }})</summary>
      <ul>{{ range . }}<li><code>{{ . }}</code></li>{{ end }}</ul>
    </details>{{ end }}</dd></div>
    <div class="fact-fix"><dt>Quick fix</dt><dd>{{ .Params.quick_fix | markdownify }}</dd></div>
    <div><dt>Updated</dt><dd><time datetime="{{ .Lastmod.Format "2006-01-02" }}">{{ .Lastmod.Format "2 January 2006" }}</time></dd></div>
    {{ with .Params.code }}<div><dt>Code</dt><dd><code>{{ . }}</code></dd></div>{{ end }}
    {{ with .Params.applies_to }}<div><dt>Applies to</dt><dd>{{ delimit . ", " }}</dd></div>{{ end }}
  </dl>
  <nav class="toc" aria-label="On this page">
    <h2 id="toc">On this page</h2>
    {{ .TableOfContents }}
    <ol>
    {{ with .Params.causes }}<li><a href="#causes">Common causes</a></li>{{ end }}
    {{ with .Params.quick_fixes }}<li><a href="#quick-fixes">Quick fixes</a></li>{{ end }}
    {{ with .Params.checks }}<li><a href="#checks">Platform/tool-specific checks</a></li>{{ end }}
    {{ with .Params.steps }}<li><a href="#steps">Step-by-step troubleshooting</a></li>{{ end }}
    {{ with .Params.prevention }}<li><a href="#prevention">How to prevent it</a></li>{{ end }}
    {{ with .Params.sources }}<li><a href="#sources">Sources checked</a></li>{{ end }}
    {{ with .Params.related }}<li><a href="#related">Related errors</a></li>{{ end }}
    {{ with .Params.faq }}<li><a href="#faq">FAQ</a></li>{{ end }}
    </ol>
  </nav>
  <div class="body">
{{ .Content }}
  </div>
  {{ with .Params.causes }}<section aria-labelledby="causes"><h2 id="causes">Common causes</h2>
    <ul>{{ range . }}<li>{{ . | markdownify }}</li>{{ end }}</ul></section>{{ end }}
  {{ with .Params.quick_fixes }}<section aria-labelledby="quick-fixes"><h2 id="quick-fixes">Quick fixes</h2>
    <ul>{{ range . }}<li>{{ . | markdownify }}</li>{{ end }}</ul></section>{{ end }}
  {{ with .Params.checks }}<section aria-labelledby="checks"><h2 id="checks">Platform/tool-specific checks</h2>
    <ul>{{ range . }}<li>{{ . | markdownify }}</li>{{ end }}</ul></section>{{ end }}
  {{ with .Params.steps }}<section aria-labelledby="steps"><h2 id="steps">Step-by-step troubleshooting</h2>
    <ol>{{ range . }}<li>{{ . | markdownify }}</li>{{ end }}</ol></section>{{ end }}
  {{ with .Params.prevention }}<section aria-labelledby="prevention"><h2 id="prevention">How to prevent it</h2>
    <ul>{{ range . }}<li>{{ . | markdownify }}</li>{{ end }}</ul></section>{{ end }}
  {{ with .Params.sources }}<section aria-labelledby="sources"><h2 id="sources">Sources checked</h2>
    <ol class="sources">{{ range . }}
      <li><a href="{{ .url }}" rel="nofollow noopener">{{ .title }}</a>
        <p class="note"><strong>Evidence note:</strong> {{ .note | markdownify }}</p>
        {{ with .checked }}<p class="checked">Checked <time datetime="{{ time.Format "2006-01-02" . }}">{{ time.Format "2006-01-02" . }}</time></p>{{ end }}</li>
    {{ end }}</ol></section>{{ end }}
  {{ with .Params.related }}<section aria-labelledby="related"><h2 id="related">Related errors</h2>
    <ul class="related">{{ range . }}{{ with site.GetPage (printf "/%s" .) }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <span class="muted">{{ .Parent.Title }}</span></li>{{ end }}{{ end }}</ul></section>{{ end }}
  {{ with .Params.faq }}<section aria-labelledby="faq" class="faq"><h2 id="faq">FAQ</h2>
    {{ range . }}<h3>{{ .q | markdownify }}</h3>
    {{ $.RenderString (dict "display" "block") .a }}
    {{ end }}</section>{{ end }}
  <footer class="entry-footer"><p>Last updated <time datetime="{{ .Lastmod.Format "2006-01-02" }}">{{ .Lastmod.Format "2 January 2006" }}</time></p></footer>
</article>
{{ end }}
"""

# A tool's page (section), a category or tool term page: the entries with summary and signature.
HUGO_LIST = """{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ with .Params.description }}<p class="summary">{{ . }}</p>{{ end }}
{{ with .Params.homepage }}<p><a href="{{ . }}" rel="nofollow noopener">Official documentation</a></p>{{ end }}
<p class="muted">{{ len .Pages }} entries</p>
<ul class="entry-list">
{{ range .Pages.ByTitle }}
  <li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <span class="muted">{{ .Parent.Title }}</span>
    <p>{{ .Params.summary }}</p>
    <code class="signature">{{ .Params.signature }}</code></li>
{{ end }}
</ul>
{{ end }}
"""

HUGO_TERMS = """{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> <span class="count">{{ .Count }}</span></li>{{ end }}</ul>
{{ end }}
"""

HUGO_INDEX = """{{ define "main" }}
<h1>{{ site.Title }}</h1>
<p class="summary">{{ site.Params.description }}</p>
<section aria-labelledby="tools-heading"><h2 id="tools-heading">Tools</h2>
  <ul class="cards">{{ range site.Sections }}
    <li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <span class="count">{{ len .Pages }} entries</span>
    {{ with .Params.description }}<p>{{ . }}</p>{{ end }}</li>{{ end }}
  </ul></section>
<section aria-labelledby="categories-heading"><h2 id="categories-heading">Categories</h2>
  <ul>{{ range site.Taxonomies.category.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> <span class="count">{{ .Count }}</span></li>{{ end }}</ul></section>
<section aria-labelledby="recent-heading"><h2 id="recent-heading">Recently updated</h2>
  <ul class="entry-list">{{ range first 10 site.RegularPages.ByLastmod.Reverse }}
    <li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <span class="muted">{{ .Parent.Title }} · <time datetime="{{ .Lastmod.Format "2006-01-02" }}">{{ .Lastmod.Format "2006-01-02" }}</time></span>
      <p>{{ .Params.summary }}</p></li>{{ end }}
  </ul></section>
{{ end }}
"""

HUGO_404 = """{{ define "main" }}
<h1>Page not found</h1>
<p>There is no page at this address. It may have moved, or the link may be mistyped.</p>
<p><a href="{{ "/" | relURL }}">Go to the home page</a> to browse the tools and their errors.</p>
{{ end }}
"""

HUGO_CONFIG = """baseURL = "https://bench.example.org/"
languageCode = "en"
title = "Bench errors"
disableKinds = ["RSS"]
enableRobotsTXT = true

[params]
description = "Synthetic benchmark corpus; not a fact source."

[taxonomies]
tool = "tools"
category = "category"

[frontmatter]
lastmod = ["updated", ":default"]

[markup.highlight]
codeFences = false

[markup.tableOfContents]
startLevel = 2
endLevel = 3
"""


def write_hugo_site(out, tools):
    write(os.path.join(out, "config.toml"), HUGO_CONFIG)
    for tool in tools:
        s = TOOLS[tool]
        write(os.path.join(out, "content", tool, "_index.md"), "---\ntitle: %s\ndescription: %s\nhomepage: %s\n---\n"
              % (q(s["title"]), q(s["description"]), s["homepage"]))
    lay = os.path.join(out, "layouts")
    write(os.path.join(lay, "_default", "baseof.html"), HUGO_BASEOF)
    write(os.path.join(lay, "_default", "single.html"), HUGO_SINGLE)
    write(os.path.join(lay, "_default", "list.html"), HUGO_LIST)
    write(os.path.join(lay, "_default", "terms.html"), HUGO_TERMS)
    write(os.path.join(lay, "index.html"), HUGO_INDEX)
    write(os.path.join(lay, "404.html"), HUGO_404)
    write(os.path.join(out, "static", "style.css"), CSS)


# ---------------------------------------------------------------------------
# Zola site: the same pages as the Hugo site, in Tera templates
# ---------------------------------------------------------------------------

ZOLA_BASE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}{{ config.title }}{% endblock title %}</title>
<meta name="description" content="{% block description %}{{ config.description }}{% endblock description %}">
<link rel="canonical" href="{{ current_url | default(value=config.base_url) }}">
<link rel="stylesheet" href="{{ get_url(path='style.css') }}">
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site-header">
  <a class="site-title" href="{{ get_url(path='/') }}">{{ config.title }}</a>
  <nav aria-label="Tools"><ul>{% set root = get_section(path="_index.md", metadata_only=true) %}{% for s in root.subsections %}{% set sub = get_section(path=s, metadata_only=true) %}
  <li><a href="{{ sub.permalink }}">{{ sub.title }}</a></li>{% endfor %}
  </ul></nav>
</header>
<main id="main">
{% block main %}{% endblock main %}
</main>
<footer class="site-footer">
  <p>{{ config.title }}: {{ config.description }}</p>
  <p><a href="{{ get_url(path='sitemap.xml') }}">Sitemap</a></p>
</footer>
</body>
</html>
"""

ZOLA_PAGE = """{% extends "base.html" %}
{% block title %}{{ page.title }} | {{ config.title }}{% endblock title %}
{% block description %}{{ page.description }}{% endblock description %}
{% block main %}
{% set parent = get_section(path=page.ancestors | last, metadata_only=true) %}
{% set cat = page.taxonomies.category | first %}{% set cat_url = get_taxonomy_url(kind="category", name=cat) %}
<nav aria-label="Breadcrumb" class="breadcrumbs"><ol>
  <li><a href="{{ parent.permalink }}">{{ parent.title }}</a></li>
  <li><a href="{{ cat_url }}">{{ cat }}</a></li>
</ol></nav>
<article class="entry">
  <header class="entry-header">
    <h1>{{ page.title }}</h1>
    <p class="summary">{{ page.description }}</p>
  </header>
  <dl class="facts" id="facts">
    <div><dt>Category</dt><dd><a href="{{ cat_url }}">{{ cat }}</a></dd></div>
    <div class="fact-signature"><dt>Error signature</dt><dd><code class="signature">{{ page.extra.signature }}</code>
    {% if page.extra.variants %}<details class="variants"><summary>Also seen as ({{ page.extra.variants | length }})</summary>
      <ul>{% for v in page.extra.variants %}<li><code>{{ v }}</code></li>{% endfor %}</ul>
    </details>{% endif %}</dd></div>
    <div class="fact-fix"><dt>Quick fix</dt><dd>{{ page.extra.quick_fix | markdown(inline=true) | safe }}</dd></div>
    <div><dt>Updated</dt><dd><time datetime="{{ page.updated }}">{{ page.updated | date(format="%-d %B %Y") }}</time></dd></div>
    {% if page.extra.code %}<div><dt>Code</dt><dd><code>{{ page.extra.code }}</code></dd></div>{% endif %}
    {% if page.extra.applies_to %}<div><dt>Applies to</dt><dd>{{ page.extra.applies_to | join(sep=", ") }}</dd></div>{% endif %}
  </dl>
  <nav class="toc" aria-label="On this page">
    <h2 id="toc">On this page</h2>
    <ul>{% for h in page.toc %}<li><a href="#{{ h.id }}">{{ h.title }}</a>{% if h.children %}<ul>{% for c in h.children %}<li><a href="#{{ c.id }}">{{ c.title }}</a></li>{% endfor %}</ul>{% endif %}</li>{% endfor %}</ul>
    <ol>
    {% if page.extra.causes %}<li><a href="#causes">Common causes</a></li>{% endif %}
    {% if page.extra.quick_fixes %}<li><a href="#quick-fixes">Quick fixes</a></li>{% endif %}
    {% if page.extra.checks %}<li><a href="#checks">Platform/tool-specific checks</a></li>{% endif %}
    {% if page.extra.steps %}<li><a href="#steps">Step-by-step troubleshooting</a></li>{% endif %}
    {% if page.extra.prevention %}<li><a href="#prevention">How to prevent it</a></li>{% endif %}
    {% if page.extra.sources %}<li><a href="#sources">Sources checked</a></li>{% endif %}
    {% if page.extra.related %}<li><a href="#related">Related errors</a></li>{% endif %}
    {% if page.extra.faq %}<li><a href="#faq">FAQ</a></li>{% endif %}
    </ol>
  </nav>
  <div class="body">
{{ page.content | safe }}
  </div>
  {% if page.extra.causes %}<section aria-labelledby="causes"><h2 id="causes">Common causes</h2>
    <ul>{% for c in page.extra.causes %}<li>{{ c | markdown(inline=true) | safe }}</li>{% endfor %}</ul></section>{% endif %}
  {% if page.extra.quick_fixes %}<section aria-labelledby="quick-fixes"><h2 id="quick-fixes">Quick fixes</h2>
    <ul>{% for c in page.extra.quick_fixes %}<li>{{ c | markdown(inline=true) | safe }}</li>{% endfor %}</ul></section>{% endif %}
  {% if page.extra.checks %}<section aria-labelledby="checks"><h2 id="checks">Platform/tool-specific checks</h2>
    <ul>{% for c in page.extra.checks %}<li>{{ c | markdown(inline=true) | safe }}</li>{% endfor %}</ul></section>{% endif %}
  {% if page.extra.steps %}<section aria-labelledby="steps"><h2 id="steps">Step-by-step troubleshooting</h2>
    <ol>{% for c in page.extra.steps %}<li>{{ c | markdown(inline=true) | safe }}</li>{% endfor %}</ol></section>{% endif %}
  {% if page.extra.prevention %}<section aria-labelledby="prevention"><h2 id="prevention">How to prevent it</h2>
    <ul>{% for c in page.extra.prevention %}<li>{{ c | markdown(inline=true) | safe }}</li>{% endfor %}</ul></section>{% endif %}
  {% if page.extra.sources %}<section aria-labelledby="sources"><h2 id="sources">Sources checked</h2>
    <ol class="sources">{% for s in page.extra.sources %}
      <li><a href="{{ s.url }}" rel="nofollow noopener">{{ s.title }}</a>
        <p class="note"><strong>Evidence note:</strong> {{ s.note | markdown(inline=true) | safe }}</p>
        {% if s.checked %}<p class="checked">Checked <time datetime="{{ s.checked }}">{{ s.checked }}</time></p>{% endif %}</li>
    {% endfor %}</ol></section>{% endif %}
  {% if page.extra.related %}<section aria-labelledby="related"><h2 id="related">Related errors</h2>
    <ul class="related">{% for p in page.extra.related %}{% set r = get_page(path=p, metadata_only=true) %}{% set rs = get_section(path=r.ancestors | last, metadata_only=true) %}<li><a href="{{ r.permalink }}">{{ r.title }}</a> <span class="muted">{{ rs.title }}</span></li>{% endfor %}</ul></section>{% endif %}
  {% if page.extra.faq %}<section aria-labelledby="faq" class="faq"><h2 id="faq">FAQ</h2>
    {% for f in page.extra.faq %}<h3>{{ f.q | markdown(inline=true) | safe }}</h3>
    {{ f.a | markdown | safe }}
    {% endfor %}</section>{% endif %}
  <footer class="entry-footer"><p>Last updated <time datetime="{{ page.updated }}">{{ page.updated | date(format="%-d %B %Y") }}</time></p></footer>
</article>
{% endblock main %}
"""

ZOLA_ENTRY_LIST = """<ul class="entry-list">
{% for p in pages %}
  <li><a href="{{ p.permalink }}">{{ p.title }}</a>
    <p>{{ p.description }}</p>
    <code class="signature">{{ p.extra.signature }}</code></li>
{% endfor %}
</ul>
"""

ZOLA_SECTION = """{% extends "base.html" %}
{% block title %}{{ section.title }} | {{ config.title }}{% endblock title %}
{% block description %}{{ section.description }}{% endblock description %}
{% block main %}
<h1>{{ section.title }}</h1>
<p class="summary">{{ section.description }}</p>
{% if section.extra.homepage %}<p><a href="{{ section.extra.homepage }}" rel="nofollow noopener">Official documentation</a></p>{% endif %}
<p class="muted">{{ section.pages | length }} entries</p>
{% set pages = section.pages %}{% include "entry_list.html" %}
{% endblock main %}
"""

ZOLA_TAX_LIST = """{% extends "base.html" %}
{% block main %}
<h1>{{ taxonomy.name }}</h1>
<ul>{% for t in terms %}<li><a href="{{ t.permalink }}">{{ t.name }}</a> <span class="count">{{ t.page_count }}</span></li>{% endfor %}</ul>
{% endblock main %}
"""

ZOLA_TAX_SINGLE = """{% extends "base.html" %}
{% block title %}{{ term.name }} | {{ config.title }}{% endblock title %}
{% block main %}
<h1>{{ term.name }}</h1>
<p class="muted">{{ term.page_count }} entries</p>
{% set pages = term.pages | sort(attribute="title") %}{% include "entry_list.html" %}
{% endblock main %}
"""

ZOLA_INDEX = """{% extends "base.html" %}
{% block main %}
<h1>{{ config.title }}</h1>
<p class="summary">{{ config.description }}</p>
<section aria-labelledby="tools-heading"><h2 id="tools-heading">Tools</h2>
  <ul class="cards">{% set recent = [] %}{% for s in section.subsections %}{% set sub = get_section(path=s) %}
    <li><a href="{{ sub.permalink }}">{{ sub.title }}</a> <span class="count">{{ sub.pages | length }} entries</span>
    <p>{{ sub.description }}</p></li>{% set recent = recent | concat(with=sub.pages | sort(attribute="updated") | reverse | slice(end=10)) %}{% endfor %}
  </ul></section>
<section aria-labelledby="categories-heading"><h2 id="categories-heading">Categories</h2>
  <ul>{% set cats = get_taxonomy(kind="category") %}{% for t in cats.items %}<li><a href="{{ t.permalink }}">{{ t.name }}</a> <span class="count">{{ t.page_count }}</span></li>{% endfor %}</ul></section>
<section aria-labelledby="recent-heading"><h2 id="recent-heading">Recently updated</h2>
  <ul class="entry-list">{% for p in recent | sort(attribute="updated") | reverse | slice(end=10) %}
    <li><a href="{{ p.permalink }}">{{ p.title }}</a> <span class="muted"><time datetime="{{ p.updated }}">{{ p.updated }}</time></span>
      <p>{{ p.description }}</p></li>{% endfor %}
  </ul></section>
{% endblock main %}
"""

ZOLA_404 = """{% extends "base.html" %}
{% block main %}
<h1>Page not found</h1>
<p>There is no page at this address. It may have moved, or the link may be mistyped.</p>
<p><a href="{{ get_url(path='/') }}">Go to the home page</a> to browse the tools and their errors.</p>
{% endblock main %}
"""

ZOLA_CONFIG = """base_url = "https://bench.example.org"
title = "Bench errors"
description = "Synthetic benchmark corpus; not a fact source."
default_language = "en"
compile_sass = false
build_search_index = false
generate_feeds = false
generate_sitemap = true
generate_robots_txt = true
taxonomies = [{ name = "tools", feed = false }, { name = "category", feed = false }]
"""


def write_zola_site(out, tools):
    write(os.path.join(out, "config.toml"), ZOLA_CONFIG)
    write(os.path.join(out, "content", "_index.md"), '+++\ntitle = "Bench errors"\nsort_by = "title"\n+++\n')
    for tool in tools:
        s = TOOLS[tool]
        write(os.path.join(out, "content", tool, "_index.md"),
              '+++\ntitle = %s\ndescription = %s\nsort_by = "title"\n\n[extra]\nhomepage = %s\n+++\n'
              % (q(s["title"]), q(s["description"]), q(s["homepage"])))
    tpl = os.path.join(out, "templates")
    for name, text in (("base.html", ZOLA_BASE), ("page.html", ZOLA_PAGE), ("section.html", ZOLA_SECTION),
                       ("entry_list.html", ZOLA_ENTRY_LIST), ("index.html", ZOLA_INDEX), ("404.html", ZOLA_404),
                       ("taxonomy_list.html", ZOLA_TAX_LIST), ("taxonomy_single.html", ZOLA_TAX_SINGLE)):
        write(os.path.join(tpl, name), text)
    write(os.path.join(out, "static", "style.css"), CSS)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--entries", type=int, required=True, help="number of entries (>= 4)")
    ap.add_argument("--out", required=True, help="output directory (must not exist or be empty)")
    ap.add_argument("--format", choices=["errdex", "hugo", "zola", "both", "all"], default="errdex",
                    help="both: OUT/errdex and OUT/hugo; all: also OUT/zola (default: errdex)")
    ap.add_argument("--seed", default="errdex-bench", help="seed (any string); same seed -> same corpus")
    ap.add_argument("--today", default="2026-11-28",
                    help="latest date written; run errdex with ERRDEX_TODAY set to it (default: 2026-11-28)")
    args = ap.parse_args(argv)
    if args.entries < 4:
        ap.error("--entries must be at least 4")
    try:
        today = datetime.date.fromisoformat(args.today)
    except ValueError:
        ap.error("--today must be YYYY-MM-DD")
    if os.path.exists(args.out) and os.listdir(args.out):
        ap.error("--out %s exists and is not empty" % args.out)
    n = write_corpus(args.out, args.format, args.entries, args.seed, today)
    print("wrote %d entries (%s) to %s" % (n, args.format, args.out), file=sys.stderr)


if __name__ == "__main__":
    main()
