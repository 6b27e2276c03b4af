"""``manage.py jobs`` against a real Redis and rqworker: what each subcommand shows and does."""

import pytest
from queue_helpers import wait_for
from testproject.worklog.jobs import boom, write_entry

from rustforge.queue import get_queue

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("rq_settings", "transactional_db")]


def failed_ids():
    return set(get_queue("default").failed_job_registry.get_job_ids())


@pytest.fixture
def two_failed(workers):
    jobs = [boom.enqueue("first"), boom.enqueue("second")]
    assert workers.run("rqworker", "--burst").returncode == 0
    assert failed_ids() == {j.id for j in jobs}
    return jobs


def test_failed_lists_newest_first_and_limit_cuts(workers, two_failed):
    first, second = two_failed
    listed = workers.run("jobs", "failed").stdout.splitlines()
    assert [line.split()[0] for line in listed] == [second.id, first.id]
    assert "boom" in listed[0] and listed[0].endswith("ValueError: boom: second")
    assert workers.run("jobs", "failed", "--limit", "1").stdout.split()[0] == second.id
    everything = workers.run("jobs", "failed", "--traceback").stdout
    assert everything.count("Traceback (most recent call last)") == 2


def test_delete_all_of_one_queue_leaves_other_queues(workers, two_failed):
    other = workers.run("jobs", "delete", "--all", "--queue", "mail")
    assert other.returncode == 0 and "Deleted 0 job(s)." in other.stdout
    assert len(failed_ids()) == 2
    done = workers.run("jobs", "delete", "--all")
    assert "Deleted 2 job(s)." in done.stdout
    assert failed_ids() == set()
    assert workers.run("jobs", "failed").stdout.strip() == "No failed jobs."


def test_naming_one_unknown_id_changes_nothing(workers, two_failed):
    first, _second = two_failed
    result = workers.run("jobs", "requeue", first.id, "nope")
    assert result.returncode == 1 and "no failed job with id nope" in result.stderr
    assert first.id in failed_ids()                      # the known one was not requeued either
    assert len(get_queue("default")) == 0
    again = workers.run("jobs", "requeue", first.id, first.id)
    assert "Requeued 1 job(s)." in again.stdout and len(get_queue("default")) == 1


@pytest.mark.parametrize("args", [["failed", "--limit", "0"], ["failed", "--limit", "x"],
                                  ["scheduled", "--limit", "-5"], ["requeue"], ["delete"]])
def test_bad_arguments_are_one_line_errors(workers, args):
    result = workers.run("jobs", *args)
    assert result.returncode in (1, 2), result
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].lower().startswith(("error", "manage.py",
                                                                      "rustforge", "usage"))


def test_scheduled_shows_when_each_job_runs(workers):
    later = write_entry.enqueue_in(3600, "later")
    listed = workers.run("jobs", "scheduled").stdout
    assert later.id in listed and "write_entry" in listed and "'later'" in listed
    assert workers.run("jobs", "scheduled", "--queue", "mail").stdout.strip() == (
        "No scheduled jobs.")


def test_workers_lists_a_live_worker(workers):
    process = workers.start()

    def rows():
        return workers.run("jobs", "workers").stdout.splitlines()[1:]

    assert wait_for(lambda: len(rows()) == 1, timeout=30), process
    _name, state, queues = rows()[0].split()[:3]
    assert state in ("idle", "starting", "busy") and "default" in queues.split(",")
