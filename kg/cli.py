"""The `kg` command: build the knowledge base and query it from a terminal."""

import argparse
import json
import logging
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from kg import artifacts, evaluation
from kg.config import Settings
from kg.corpus import CorpusError
from kg.kb import KnowledgeBase, UnknownEntity
from kg.publish import StoreNotReady, publish, require_published
from kg.qa.model import QAModel
from kg.remote import RemoteStore
from kg.search import SearchMode
from kg.sparql import SparqlError
from kg.store import QueryError, StoreUnavailable
from kg.validate import ShapeViolation


def _settings(args: argparse.Namespace) -> Settings:
    overrides: dict[str, object] = {
        name: Path(value)
        for name in ("corpus_dir", "ontology_dir", "artifacts_dir")
        if (value := getattr(args, name, None)) is not None
    }
    for name in ("sparql_endpoint", "sparql_update_endpoint", "sparql_store_endpoint"):
        if value := getattr(args, name, None):
            overrides[name] = value
    return Settings(**overrides)  # type: ignore[arg-type]


def _print_json(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def cmd_build(args: argparse.Namespace) -> int:
    settings = _settings(args)
    started = time.perf_counter()
    manifest = artifacts.build(settings) if args.force else artifacts.ensure_built(settings)
    elapsed = time.perf_counter() - started
    if args.json:
        _print_json(manifest)
        return 0
    print(f"artifacts: {settings.artifacts_dir} ({elapsed:.2f} s)")
    for document in manifest["documents"]:
        print(f"  {document['file']}: {document['passages']} passages")
    for name, problem in manifest.get("problems", {}).items():
        print(f"  skipped {name}: {problem}")
    print(f"quads: {manifest['quads']}")
    width = max(len(name) for name in manifest["counts"])
    for name, count in manifest["counts"].items():
        print(f"  {name:<{width}}  {count:>5}")
    return 0


def cmd_sparql(args: argparse.Namespace) -> int:
    kb = KnowledgeBase.open(_settings(args))
    rows = kb.sparql(args.query)
    _print_json([{k: (None if v is None else str(v)) for k, v in row.items()} for row in rows])
    return 0


def cmd_entity(args: argparse.Namespace) -> int:
    kb = KnowledgeBase.open(_settings(args))
    _print_json(asdict(kb.entity(args.id)))
    return 0


def cmd_neighbours(args: argparse.Namespace) -> int:
    kb = KnowledgeBase.open(_settings(args))
    nodes, edges = kb.neighbours(args.id, args.depth)
    _print_json({"nodes": nodes, "edges": [asdict(edge) for edge in edges]})
    return 0


def cmd_path(args: argparse.Namespace) -> int:
    kb = KnowledgeBase.open(_settings(args))
    _print_json([asdict(edge) for edge in kb.path(args.source, args.target)])
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    kb = KnowledgeBase.open(_settings(args))
    hits = kb.search(args.query, args.k, SearchMode(args.mode))
    if args.json:
        _print_json({"query": args.query, "mode": args.mode, "hits": [asdict(h) for h in hits]})
        return 0
    for rank, hit in enumerate(hits, start=1):
        excerpt = " ".join(hit.text.split())[:110]
        print(f"{rank}. [{hit.score:.3f}] slide {hit.slide} · {hit.title}\n   {excerpt}…")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from kg import fitting  # SciPy: only for fitting, not in the server's workers

    settings = _settings(args)
    # Fitting and cross-validation fit their own models; only --questions uses the shipped one.
    kb = KnowledgeBase.open(settings, None if args.questions else QAModel.unfitted())
    quiet = args.json

    def say(message: str) -> None:
        if not quiet:
            print(f"  … {message}", file=sys.stderr)

    if args.fit:
        model = fitting.fit_model(kb, evaluation.default_questions(), progress=say)
        model.save(settings.qa_model)
        print(f"model fitted on {model.fitted_on} written to {settings.qa_model}")
        return 0
    if args.questions:
        sets = {Path(p).stem: evaluation.load_questions(Path(p)) for p in args.questions}
        rows = [
            evaluation.qa_scores(
                f"{name} (shipped model)", [evaluation.answer_question(kb, q) for q in questions]
            )
            for name, questions in sets.items()
        ]
        _print_json(rows) if args.json else print(evaluation.format_table(rows))
        return 0
    questions = evaluation.default_questions()
    result = fitting.cross_validate(kb, questions, args.folds, progress=say, seed=args.seed)
    by_set: dict[str, list[evaluation.AnswerRecord]] = {}
    for record in result.records:
        name = "dev" if record.question.id.startswith("d") else "more"
        by_set.setdefault(name, []).append(record)
    qa_rows = [evaluation.qa_scores(f"dev + more, {args.folds}-fold", result.records)]
    qa_rows += [evaluation.qa_scores(name, records) for name, records in sorted(by_set.items())]
    cross_validated = f"dev + more, {args.folds}-fold"
    retrieval = [
        evaluation.retrieval_scores(cross_validated, "hybrid", result.hybrid_ranks),
        evaluation.retrieval_scores(cross_validated, "reranked", result.reranked_ranks),
    ]
    found = evaluation.search_candidates(kb.searcher, result.search_questions)
    for mode in (SearchMode.LEXICAL, SearchMode.DENSE):
        ranks = evaluation.evidence_ranks(kb.searcher, result.search_questions, found, mode)
        retrieval.append(evaluation.retrieval_scores("dev + more (nothing fitted)", mode, ranks))
    kinds = evaluation.per_kind(result.records)
    if args.json:
        _print_json({"retrieval": retrieval, "qa": qa_rows, "kinds": kinds})
        return 0
    print(f"## Search, cross-validated ({args.folds} folds)\n")
    print(evaluation.format_table(retrieval))
    print(f"\n## Question answering, cross-validated ({args.folds} folds)\n")
    print(evaluation.format_table(qa_rows))
    print("\n## Per kind of question (held-out folds)\n")
    print(evaluation.format_table(kinds))
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    kb = KnowledgeBase.open(_settings(args))
    answer = kb.ask(args.question)
    if args.json:
        data = asdict(answer)
        _print_json(data)
        return 0
    print(answer.answer)
    for citation in answer.citations:
        print(f"  [{citation.number}] slide {citation.slide} · {citation.title}")
    if answer.suggestions:
        print("À demander ensuite : " + " | ".join(answer.suggestions))
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    settings = _settings(args)
    endpoints = settings.endpoints()
    if endpoints is None or not endpoints.update:
        print(
            "kg: error: give the store's endpoints (--endpoint and --update-endpoint, or "
            "VIRTUKG_SPARQL_ENDPOINT and VIRTUKG_SPARQL_UPDATE_ENDPOINT)",
            file=sys.stderr,
        )
        return 2
    artifacts.ensure_built(settings)
    store = RemoteStore(endpoints, settings.store_timeout)
    try:
        publication = publish(store, settings.artifacts_dir)
        require_published(store, publication.build)
    finally:
        store.close()
    if args.json:
        _print_json(asdict(publication))
    else:
        print(
            f"published build {publication.build} to {publication.endpoint}: "
            f"{publication.quads} quads in {publication.graphs} graphs"
        )
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Hand over to the API package (the library itself imports no web framework)."""
    command = [sys.executable, "-m", "api", "--workers", str(args.workers)]
    if args.host:
        command += ["--host", args.host]
    if args.port:
        command += ["--port", str(args.port)]
    os.execvp(sys.executable, command)


def parser() -> argparse.ArgumentParser:
    main_parser = argparse.ArgumentParser(prog="kg", description=__doc__)
    main_parser.add_argument("-v", "--verbose", action="store_true", help="log progress")
    paths = argparse.ArgumentParser(add_help=False)
    paths.add_argument("--corpus-dir", dest="corpus_dir")
    paths.add_argument("--ontology-dir", dest="ontology_dir")
    paths.add_argument("--artifacts-dir", dest="artifacts_dir")
    commands = main_parser.add_subparsers(dest="command", required=True)

    build = commands.add_parser("build", parents=[paths], help="build the graph and indexes")
    build.add_argument("--force", action="store_true", help="rebuild even when up to date")
    build.add_argument("--json", action="store_true", help="print the manifest as JSON")
    build.set_defaults(run=cmd_build)

    sparql = commands.add_parser("sparql", parents=[paths], help="run a SELECT query")
    sparql.add_argument("query")
    sparql.set_defaults(run=cmd_sparql)

    entity = commands.add_parser("entity", parents=[paths], help="describe an entity by id")
    entity.add_argument("id", help="e.g. product-xen")
    entity.set_defaults(run=cmd_entity)

    neighbours = commands.add_parser("neighbours", parents=[paths], help="graph neighbourhood")
    neighbours.add_argument("id")
    neighbours.add_argument("--depth", type=int, default=1)
    neighbours.set_defaults(run=cmd_neighbours)

    search = commands.add_parser("search", parents=[paths], help="search the passages")
    search.add_argument("query")
    search.add_argument("-k", type=int, default=5, help="number of hits (default 5)")
    search.add_argument("--mode", choices=[m.value for m in SearchMode], default="hybrid")
    search.add_argument("--json", action="store_true")
    search.set_defaults(run=cmd_search)

    evaluate = commands.add_parser(
        "eval",
        parents=[paths],
        help="cross-validate search and question answering on the question sets",
    )
    evaluate.add_argument(
        "--folds", type=int, default=5, help="folds of the cross-validation (default 5)"
    )
    evaluate.add_argument(
        "--seed", type=int, default=7, help="seed of the split into folds (default 7)"
    )
    evaluate.add_argument(
        "--fit", action="store_true", help="fit the model on every question and save it"
    )
    evaluate.add_argument(
        "--questions",
        nargs="+",
        default=[],
        help="measure the shipped model on these JSON-lines files instead (not cross-validated)",
    )
    evaluate.add_argument("--json", action="store_true")
    evaluate.set_defaults(run=cmd_eval)

    ask = commands.add_parser("ask", parents=[paths], help="ask a question in French")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true")
    ask.set_defaults(run=cmd_ask)

    publish_command = commands.add_parser(
        "publish", parents=[paths], help="load the built graph into an external SPARQL store"
    )
    publish_command.add_argument(
        "--endpoint", dest="sparql_endpoint", help="query URL (VIRTUKG_SPARQL_ENDPOINT)"
    )
    publish_command.add_argument(
        "--update-endpoint",
        dest="sparql_update_endpoint",
        help="update URL (VIRTUKG_SPARQL_UPDATE_ENDPOINT)",
    )
    publish_command.add_argument("--json", action="store_true")
    publish_command.set_defaults(run=cmd_publish)

    serve = commands.add_parser("serve", help="serve the HTTP API and the chat page")
    serve.add_argument("--host", help="default: VIRTUKG_HOST or 127.0.0.1")
    serve.add_argument("--port", type=int, help="default: VIRTUKG_PORT or 8000")
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(run=cmd_serve)

    path = commands.add_parser("path", parents=[paths], help="how two entities are linked")
    path.add_argument("source")
    path.add_argument("target")
    path.set_defaults(run=cmd_path)
    return main_parser


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format='{"level": "%(levelname)s", "logger": "%(name)s", "message": "%(message)s"}',
    )
    try:
        return int(args.run(args))
    except (
        CorpusError,
        ShapeViolation,
        artifacts.ArtifactsError,
        QueryError,
        SparqlError,
        StoreNotReady,
        StoreUnavailable,
    ) as error:
        print(f"kg: error: {error}", file=sys.stderr)
        return 2
    except UnknownEntity as error:
        print(f"kg: error: unknown entity {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
