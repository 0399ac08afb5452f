"""``leadgraph draft``: person records drafted from an interview article, with their evidence."""

from __future__ import annotations

import click

from leadgraph.cli import data_of, graph_of


@click.command("draft")
@click.argument("article", type=click.Path(dir_okay=False))
@click.option("--title", metavar="TEXT", default=None, help="The article's title (default: the page's metadata).")
@click.option("--publisher", metavar="TEXT", default=None, help="Who published it (default: the page's site name).")
@click.option("--date", metavar="YYYY-MM-DD", default=None,
              help="When it was published (default: the page's metadata; required for plain text).")
@click.option("--url", metavar="URL", default=None, help="Where it was published (default: the page's metadata).")
@click.option("-o", "--output", type=click.Path(file_okay=False), metavar="DIR", default="drafts", show_default=True,
              help="The folder the draft records go to (never the bundled data folder).")
@click.option("--review", type=click.Path(dir_okay=False), metavar="FILE", default=None,
              help="Also write a review page: the article with every drafted value highlighted.")
@click.option("--force", is_flag=True, help="Replace drafts already in the output folder.")
@click.pass_context
def draft(ctx: click.Context, article: str, title: str | None, publisher: str | None, date: str | None, url: str | None,
          output: str, review: str | None, force: bool) -> None:
    """Draft one person record per person ARTICLE introduces, every value with its evidence.

    ARTICLE is a plain-text file or a saved web page (.html: its main text is extracted with
    trafilatura, and its title, date and URL come from its metadata). Each person becomes
    DIR/<name>.yaml in the person-record format (docs/records.md), with the evidence of every
    value (the exact words, their character offsets, a confidence) as a comment above it and in
    DIR/<name>.evidence.json. What the text says ambiguously is a comment, never a value.
    Organisations and vocabulary come from the loaded graph (--data). Review the drafts, then
    check them with `leadgraph --data DIR validate`.

    Exit 2 when the date (or title) is not known: give --date YYYY-MM-DD (--title TEXT).

    \b
    Examples:
      leadgraph draft interview.txt --title "Meet our CIO" --date 2024-05-01 -o drafts/
      leadgraph draft saved-page.html --review review.html
    """
    from leadgraph.drafting import draft as run_draft

    result = run_draft(article, title=title, publisher=publisher, date=date, url=url, output=output,
                       review=review, force=force, data=data_of(ctx), graph=graph_of(ctx))
    for person, path in zip(result.people, result.files):
        facts = len(person.facts)
        click.echo(f"{path}: {person.name}, {facts} value{'s' if facts != 1 else ''}"
                   + (f", {len(person.notes)} not drafted (see the comments)" if person.notes else ""))
    if not result.people:
        click.echo("no people found: the article introduces nobody as 'Name is the <title> at <organisation>'",
                   err=True)
    if result.review is not None:
        click.echo(f"wrote {result.review}", err=True)
