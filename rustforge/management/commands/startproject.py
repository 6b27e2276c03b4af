import os
import secrets
from importlib import resources
from pathlib import Path

import click

from rustforge import __version__
from rustforge.management import CommandError
from rustforge.management.commands._scaffold import render_tree, validate_name


def new_secret_key() -> str:
    return secrets.token_urlsafe(50)


@click.command("startproject")
@click.argument("name")
@click.argument("directory", required=False, type=click.Path(file_okay=False))
@click.option("--with-deploy", is_flag=True,
              help="Also write deploy/: entrypoint, nginx, systemd units, Dockerfile, "
                   "docker-compose.yml, Kubernetes manifests, Prometheus and Grafana files.")
@click.option("--with-ci", is_flag=True,
              help="Also write a CI workflow (.github/workflows/ci.yml): tests on SQLite and "
                   "PostgreSQL, makemigrations --check, check --deploy.")
def command(name: str, directory: str | None, with_ci: bool, with_deploy: bool) -> None:
    """Create project NAME in DIRECTORY (default: ./NAME)."""
    validate_name(name, "project")
    target = Path(directory) if directory else Path.cwd() / name
    if target.exists() and any(target.iterdir()) and (target / "manage.py").exists():
        raise CommandError(f"{target} already holds a project (manage.py exists)")
    if (target / name).exists():
        raise CommandError(f"{target / name} already exists")
    target.mkdir(parents=True, exist_ok=True)
    context = {
        "project_name": name,
        "secret_key": new_secret_key(),
        "rustforge_version": __version__,
    }
    render_tree("project", target, context, folders=("templates", "static"))
    if with_ci:
        render_tree("ci", target, context)
    if with_deploy:
        write_deploy_files(target / "deploy", name)
    (target / "manage.py").chmod(0o755)
    env_example = target / ".env.example"
    env_file = target / ".env"
    if not env_file.exists():
        # A development .env with DEBUG on and its own secret; never committed.
        text = env_example.read_text().replace("DEBUG=0", "DEBUG=1")
        text = text.replace("SECRET_KEY=", f"SECRET_KEY={new_secret_key()}", 1)
        env_file.write_text(text)
    rel = os.path.relpath(target)
    click.echo(f"Created project {name!r} in {rel}.\n\nNext:\n  cd {rel}\n"
               "  python manage.py migrate\n  python manage.py runserver")


def write_deploy_files(folder: Path, name: str, *, with_gunicorn_conf: bool = False) -> list[Path]:
    """Render deploy/ for project ``name`` into ``folder``.

    ``with_gunicorn_conf`` adds the project's ``gunicorn.conf.py`` (a project
    keeps it at its root; the framework's own ``deploy/`` shows it alongside).
    """
    context = {"project_name": name, "secret_key": "", "rustforge_version": __version__}
    written = render_tree("deploy", folder, context)
    if with_gunicorn_conf:
        source = resources.files("rustforge.project_template") / "project" / "gunicorn.conf.py-tpl"
        text = source.read_text(encoding="utf-8").replace("{{ project_name }}", name)
        (folder / "gunicorn.conf.py").write_text(text, encoding="utf-8")
        written.append(folder / "gunicorn.conf.py")
    (folder / "entrypoint.sh").chmod(0o755)
    return written
