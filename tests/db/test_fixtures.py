"""dumpdata / loaddata: rows out to JSON and back, all or nothing, on SQLite and PostgreSQL."""

import datetime as dt
import decimal
import json
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner
from testproject.blog.models import Author, Category, Post
from testproject.catalog.models import Node

from rustforge.db import fixtures
from rustforge.management.commands.dumpdata import command as dumpdata
from rustforge.management.commands.loaddata import command as loaddata


def run(command, *args):
    return CliRunner().invoke(command, list(args), catch_exceptions=False)


@pytest.fixture
def blog(db):
    ada = Author.create(name="Ada", email="ada@example.com")
    bob = Author.create(name="Bob")
    news = Category.create(name="News")
    Post.create(title="Live", author=ada, category=news, publish_date=dt.date(2026, 5, 1),
                created=dt.datetime(2026, 5, 1, 9, 30, 15, 250))
    gone = Post.create(title="Gone", author=bob)
    gone.delete_instance()                                   # soft-deleted: dumped too
    return ada, bob


def test_an_app_goes_out_and_comes_back_the_same(blog, tmp_path):
    before = {m: sorted(m.with_deleted().dicts() if hasattr(m, "with_deleted")
                        else m.select().dicts(), key=lambda r: r["id"])
              for m in (Author, Category, Post)}
    out = tmp_path / "blog.json"
    result = run(dumpdata, "blog.Author", "blog.Category", "blog.Post", "--indent", "2",
                 "-o", str(out))
    assert result.exit_code == 0, result.output
    objects = json.loads(out.read_text())
    assert [o["model"] for o in objects] == ["blog.author"] * 2 + ["blog.category"] + [
        "blog.post"] * 2                                     # parents first
    live = next(o for o in objects if o["fields"].get("title") == "Live")
    assert live["fields"]["created"] == "2026-05-01T09:30:15.000250"
    assert live["fields"]["author"] == blog[0].id           # a reference is the key
    Post.delete().execute()                                 # for good, soft-deleted too
    Author.delete().execute()
    Category.delete().execute()

    result = run(loaddata, str(out))
    assert result.exit_code == 0, result.output
    assert "Installed 5 object(s) from 1 fixture(s)." in result.output
    after = {m: sorted(m.with_deleted().dicts() if hasattr(m, "with_deleted")
                       else m.select().dicts(), key=lambda r: r["id"])
             for m in (Author, Category, Post)}
    assert after == before


def test_loading_again_updates_rows_by_key_instead_of_duplicating(blog, tmp_path):
    ada, _bob = blog
    out = tmp_path / "authors.jsonl"
    assert run(dumpdata, "blog.Author", "-o", str(out)).exit_code == 0
    lines = out.read_text().splitlines()
    assert len(lines) == 2 and all(json.loads(line)["model"] == "blog.author" for line in lines)
    Author.update(name="Renamed").where(Author.id == ada.id).execute()
    Author.create(name="Extra")
    assert run(loaddata, str(out)).exit_code == 0
    assert Author.get_by_id(ada.id).name == "Ada"
    assert sorted(a.name for a in Author.select()) == ["Ada", "Bob", "Extra"]


def test_every_column_kind_and_a_child_listed_before_its_parent(db, tmp_path):
    result = run(loaddata, "tree")                           # catalog/fixtures/tree.json
    assert result.exit_code == 0, result.output
    leaf = Node.get_by_id(2)
    assert leaf.parent.name == "root"
    root = Node.get_by_id(1)
    assert (root.weight, root.opens) == (decimal.Decimal("1.250"), dt.time(8, 30))
    Node.update(payload=b"\x00\xffbinary", token=uuid.UUID(int=7)).where(Node.id == 1).execute()
    out = tmp_path / "nodes.json"
    assert run(dumpdata, "catalog", "-o", str(out)).exit_code == 0
    Node.delete().execute()
    assert run(loaddata, str(out)).exit_code == 0
    root = Node.get_by_id(1)
    assert bytes(root.payload) == b"\x00\xffbinary" and root.token == uuid.UUID(int=7)
    assert [n.name for n in root.children] == ["leaf"]


def test_a_django_fixture_with_aware_times_loads_as_utc(db, tmp_path):
    path = tmp_path / "django.json"
    path.write_text(json.dumps([
        {"model": "blog.author", "pk": 100_000, "fields": {"name": "Dj"}},
        {"model": "blog.post", "pk": 41, "fields": {
            "title": "From Django", "author": 100_000, "created": "2026-01-02T03:04:05+02:00"}}]))
    assert run(loaddata, str(path)).exit_code == 0
    assert Post.get_by_id(41).created == dt.datetime(2026, 1, 2, 1, 4, 5)
    # The next id follows the loaded ones (on PostgreSQL the sequence is moved on).
    assert Author.create(name="Next").id == 100_001


BAD = [
    ("[{", "not valid JSON"),
    ('{"model": "blog.author"}', "a JSON list of objects"),
    ('[["blog.author"]]', "expected {\"model\""),
    ('[{"model": "nope.thing", "pk": 1, "fields": {}}]', "no installed model 'nope.thing'"),
    ('[{"model": "blog.author", "pk": 1, "fields": {"name": "x", "age": 3}}]',
     "has no field 'age'"),
    ('[{"model": "blog.author", "pk": 1, "fields": {"name": ["x"]}}]', "field 'name'"),
    ('[{"model": "blog.author", "pk": 1, "fields": {"name": "%s"}}]' % ("x" * 81),
     "longer than 80 characters"),
    (('[{"model": "blog.post", "pk": 1, "fields": {"title": "t", "author": 1, '
     '"publish_date": "yesterday"}}]'), "field 'publish_date'"),
    (('[{"model": "blog.post", "pk": 1, "fields": {"title": "t", "author": 1, '
     '"views": "many"}}]'), "field 'views'"),
    (('[{"model": "blog.post", "pk": 1, "fields": {"title": "t", "author": 1, '
     '"published": "yes"}}]'), "field 'published'"),
    ('[{"model": "catalog.node", "pk": 1, "fields": {"name": "n", "payload": "%%%"}}]',
     "field 'payload'"),
    ('[{"model": "catalog.node", "pk": "one", "fields": {"name": "n"}}]', "field 'pk'"),
    ('[{"model": "blog.post", "pk": 1, "fields": {"title": "t", "author": 999999}}]',
     "the database refused it"),                            # a reference to nothing
]


@pytest.mark.parametrize(("text", "message"), BAD)
def test_a_bad_fixture_is_one_line_and_writes_nothing(blog, tmp_path, text, message):
    good = '{"model": "blog.category", "pk": 500, "fields": {"name": "Would be new"}}'
    path = tmp_path / "bad.json"
    path.write_text(text if not text.startswith("[{\"model\"") else f"[{good}, {text[1:]}")
    counts = (Author.select().count(), Category.select().count(), Post.with_deleted().count())
    result = CliRunner().invoke(loaddata, [str(path)])
    assert result.exit_code == 1
    assert message in result.output, result.output
    assert len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert (Author.select().count(), Category.select().count(),
            Post.with_deleted().count()) == counts


def test_the_error_names_the_object_that_broke_a_big_batch(db, tmp_path):
    rows = [{"model": "blog.author", "pk": i, "fields": {"name": f"a{i}"}} for i in range(1, 700)]
    rows.append({"model": "blog.pin", "pk": 1, "fields": {"author": 12345}})
    path = tmp_path / "big.json"
    path.write_text(json.dumps(rows))
    result = CliRunner().invoke(loaddata, [str(path)])
    assert result.exit_code == 1
    assert "big.json object 700 (blog.pin)" in result.output
    assert Author.select().count() == 0


@pytest.mark.parametrize(("args", "message"), [
    (["nope"], "no installed app with label 'nope'"),
    (["blog.Nope"], "no model 'Nope'"),
])
def test_dumpdata_names_what_it_does_not_know(db, args, message):
    result = CliRunner().invoke(dumpdata, args)
    assert result.exit_code == 1 and message in result.output


def test_dumpdata_to_a_missing_folder_leaves_nothing(db, tmp_path):
    result = CliRunner().invoke(dumpdata, ["blog", "-o", str(tmp_path / "no" / "x.json")])
    assert result.exit_code == 1 and "No such file or directory" in result.output
    assert not (tmp_path / "no").exists()


@pytest.mark.parametrize("name", ["missing", "../etc/passwd", "/etc/passwd"])
def test_loaddata_unknown_names_are_one_line(db, name):
    result = CliRunner().invoke(loaddata, [name])
    assert result.exit_code == 1 and "no fixture" in result.output


def test_exclude_and_the_default_of_every_model(blog):
    objects = list(fixtures.dump(fixtures.select_models(["blog"], exclude=["blog.Post"])))
    assert {o["model"] for o in objects} == {"blog.author", "blog.category"}
    everything = fixtures.select_models()
    assert Node in everything and Post in everything
    assert everything.index(Author) < everything.index(Post)


def test_tenant_scoped_rows_of_every_tenant_go_out_and_back(db, tmp_path):
    from testproject.crm.models import Company

    from rustforge.contrib.tenancy import use_tenant
    from rustforge.contrib.tenancy.lifecycle import create_tenant

    acme, bolt = create_tenant("acme"), create_tenant("bolt")
    for tenant in (acme, bolt):
        with use_tenant(tenant):
            Company.create(name="Rocket")
    out = tmp_path / "crm.json"
    assert run(dumpdata, "crm.Company", "-o", str(out)).exit_code == 0
    assert sorted(o["fields"]["tenant"] for o in json.loads(out.read_text())) == sorted(
        [acme.id, bolt.id])
    with use_tenant(acme):
        Company.update(name="Changed").execute()
    assert run(loaddata, str(out)).exit_code == 0
    for tenant in (acme, bolt):
        with use_tenant(tenant):
            assert [c.name for c in Company.select()] == ["Rocket"]


DOC = Path(__file__).resolve().parents[2] / "docs" / "models-and-migrations.md"


def test_the_docs_error_line_is_what_loaddata_prints(blog, tmp_path, monkeypatch):
    text = DOC.read_text().split("## Fixtures", 1)[1].split("\n## ", 1)[0]
    shown = next(line for line in text.splitlines() if line.startswith("Error: broken.json"))
    monkeypatch.chdir(tmp_path)
    Path("broken.json").write_text(json.dumps([
        {"model": "blog.author", "pk": 70, "fields": {"name": "A"}},
        {"model": "blog.category", "pk": 71, "fields": {"name": "C"}},
        {"model": "blog.post", "pk": 72, "fields": {"title": "T", "author": 70,
                                                    "publish_date": "yesterday"}}]))
    assert CliRunner().invoke(loaddata, ["broken.json"]).output.strip() == shown


def test_the_docs_python_example_runs(blog, tmp_path, monkeypatch):
    code = DOC.read_text().split("## Fixtures", 1)[1].split("```python\n", 1)[1].split("```")[0]
    monkeypatch.chdir(tmp_path)
    Path("blog/fixtures").mkdir(parents=True)
    with open("blog/fixtures/seed.json", "w") as out:
        fixtures.write(fixtures.dump(fixtures.select_models(["blog.Author"])), out)
    Author.update(name="changed").execute()
    namespace = {}
    exec(compile(code, str(DOC), "exec"), namespace)
    assert sorted(a.name for a in Author.select()) == ["Ada", "Bob"]
    assert [r["fields"]["name"] for r in namespace["rows"]] == ["Ada", "Bob"]
