"""Sphinx extension of the book (not physics): a version stamp on every page, and the repository and
Binder launch buttons when the repository's public address is known.

* Footer of every page: the package version (``importlib.metadata``) and the git commit the book was built
  from (``git rev-parse``; ``+ local changes`` when the work tree differs from it), computed at build time.
* The repository's public URL: ``repository: url:`` of ``_config.yml``, else the environment variable
  ``SUPERCRYSTAL_REPOSITORY_URL``.  With one, the pages get the repository button and, through
  ``launch_buttons: binderhub_url:`` of ``_config.yml``, a Binder launch button (Binder builds the root
  ``environment.yml``); without one neither is shown (Binder needs a public repository), and the footer
  says how to set it.

Enabled in ``_config.yml`` (``sphinx: extra_extensions``).
"""
from __future__ import annotations

import html
import os
import subprocess

from supercrystal.paths import ROOT

#: the environment variable that gives the repository's public URL when _config.yml does not
REPOSITORY_ENV = "SUPERCRYSTAL_REPOSITORY_URL"


def package_version() -> str:
    """The installed version of the package (its metadata), else the source's ``__version__``."""
    from importlib import metadata

    try:
        return metadata.version("supercrystal")
    except metadata.PackageNotFoundError:
        from supercrystal import __version__

        return __version__


def git_commit(root=ROOT) -> str | None:
    """The commit of the work tree (12 hex digits), with ``+ local changes`` if tracked files differ from
    it; None outside a git checkout."""
    def git(*args):
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=30)

    try:
        head = git("rev-parse", "--short=12", "HEAD")
        if head.returncode:
            return None
        dirty = git("status", "--porcelain", "--untracked-files=no").stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return None
    return head.stdout.strip() + (" + local changes" if dirty else "")


def repository_url(options: dict) -> str:
    """The repository's public URL: the theme's ``repository_url`` (``_config.yml``), else the environment."""
    return (options.get("repository_url") or os.environ.get(REPOSITORY_ENV, "")).strip().rstrip("/")


def footer(version: str, commit: str | None, repo: str) -> str:
    """The version stamp (HTML)."""
    where = f"commit <code>{html.escape(commit)}</code>" if commit else "no git checkout"
    if commit and repo and "+" not in commit:
        where = f'commit <a href="{html.escape(repo)}/commit/{commit}"><code>{commit}</code></a>'
    text = f"Built by supercrystal {html.escape(version)} from {where}."
    if repo:
        text += f' Source: <a href="{html.escape(repo)}">{html.escape(repo)}</a>.'
    else:
        text += (" The launch button appears when the repository's public URL is set (<code>repository: url:"
                 f"</code> in <code>_config.yml</code>, or <code>{REPOSITORY_ENV}</code>).")
    return f'<p class="supercrystal-version">{text}</p>'


def _config_inited(app, config) -> None:
    options = dict(config.html_theme_options or {})
    repo = repository_url(options)
    if repo:
        options["repository_url"] = repo
        options["use_repository_button"] = True
    else:
        options.pop("repository_url", None)
        options.pop("launch_buttons", None)  # Binder needs a public repository
    stamp = footer(package_version(), git_commit(), repo)
    options["extra_footer"] = (options.get("extra_footer") or "") + stamp
    config.html_theme_options = options


def setup(app):
    app.connect("config-inited", _config_inited, priority=100)  # before the theme reads its options
    # MathJax on every page: the summary pages typeset units inside notebook outputs (raw HTML), which
    # Sphinx does not count as math when it decides where to load MathJax
    app.set_html_assets_policy("always")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
