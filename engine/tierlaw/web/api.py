"""The JSON API: each endpoint answers with the CLI's `--format json` document for the same question,
byte for byte; bad input is `{"error": "<the CLI's one-line message>"}` with a 4xx status."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from .. import cli
from ..inputs import DEFAULT_FORWARD
from .questions import Audit, History, Rules, Scenario, Trade, WhatIf, scenario_text, shipped_scenario, shipped_scenarios


class Problem(BaseModel):
    error: str


PROBLEMS = {400: {"model": Problem, "description": "Bad input: the CLI's one-line message (exit code 2 there)."},
            413: {"model": Problem, "description": "The request body is larger than the server accepts."},
            503: {"model": Problem, "description": "The question took longer than the server's time limit."}}
DOCUMENT = {"description": "The CLI's JSON document (docs/reading-results.md)", "content": {"application/json": {}}}
OPTION = Query([], description="Interpretation option NAME=CHOICE, as --option (repeat).")

router = APIRouter(prefix="/api", tags=["the CLI's JSON"], responses=PROBLEMS)


def _document(data: bytes) -> Response:
    return Response(content=data, media_type="application/json")


def _engine(request: Request):
    return request.app.state.engine


@router.get("/whatif", responses={200: DOCUMENT}, summary="tierlaw whatif COUNTRY YEAR --tier TIER --format json")
async def api_whatif(request: Request,
                     country: str = Query(..., description="ISO3 code or report name (MYS, Malaysia)."),
                     year: int = Query(..., description="Report year."),
                     tier: str = Query(..., description="Hypothetical tier as the rulebook names it, or `all`."),
                     set_: list[str] = Query([], alias="set", description="YEAR=TIER or FIRST-LAST=TIER (repeat)."),
                     decide: list[str] = Query([], description="Settle an open decision: DECISION=OPTION (repeat)."),
                     on: str | None = Query(None, description="Evaluation date YYYY-MM-DD."),
                     forward: int | None = Query(None, ge=0, le=25,
                                                 description="Reports ahead on the forward clock (default 6)."),
                     option: list[str] = OPTION) -> Response:
    if tier.strip().lower() == "all":  # as the CLI: every tier side by side has no forward clock
        cli.refuse_with_every_tier(forward=forward is not None)
    question = WhatIf(option=tuple(option), country=country, year=year, tier=tier, set_=tuple(set_),
                      decide=tuple(decide), on=on, forward=DEFAULT_FORWARD if forward is None else forward)
    return _document(await _engine(request).json(question))


@router.get("/history", responses={200: DOCUMENT}, summary="tierlaw history COUNTRY --format json")
async def api_history(request: Request, country: str = Query(..., description="ISO3 code or report name."),
                      option: list[str] = OPTION) -> Response:
    return _document(await _engine(request).json(History(option=tuple(option), country=country)))


@router.get("/audit", responses={200: DOCUMENT},
            summary="tierlaw audit [COUNTRY]... [--from YEAR] [--to YEAR] [--only KIND] [--explain] --format json")
async def api_audit(request: Request,
                    country: list[str] = Query([], description="Countries to audit (default: the whole record)."),
                    first: int | None = Query(None, alias="from", description="First report year."),
                    last: int | None = Query(None, alias="to", description="Last report year."),
                    only: list[str] = Query([], description="conflicts, required, chosen, waivers, gaps or assumed (one)."),
                    explain: bool = Query(False, description="Keep the derivation trees (`because`)."),
                    option: list[str] = OPTION) -> Response:
    question = Audit(option=tuple(option), countries=tuple(country), first=first, last=last, only=cli.one_kind(only),
                     explain=explain)
    return _document(await _engine(request).json(question, keep=bool(country)))


@router.get("/trade", responses={200: DOCUMENT}, summary="tierlaw trade (COUNTRY... | --agreement NAME) --on DATE [--set ...] [--decide ...] --format json")
async def api_trade(request: Request,
                    partner: list[str] = Query([], description="Partner countries (or agreement)."),
                    agreement: str | None = Query(None, description="An agreement of the record (TPP)."),
                    on: str = Query(..., description="Date YYYY-MM-DD on which the implementing bill is considered."),
                    set_: list[str] = Query([], alias="set", description="COUNTRY:YEAR=TIER placement of a partner."),
                    decide: list[str] = Query([], description="COUNTRY:DECISION=OPTION for a partner's placement "
                                                               "in the report most recent on the date."),
                    option: list[str] = OPTION) -> Response:
    question = Trade(option=tuple(option), partners=tuple(partner), agreement=agreement, on=on, set_=tuple(set_),
                     decide=tuple(decide))
    return _document(await _engine(request).json(question))


@router.post("/run", responses={200: DOCUMENT}, summary="tierlaw run SCENARIO.yaml --format json",
             openapi_extra={"requestBody": {"required": True, "description": "The scenario file (YAML, docs/scenarios.md).",
                                            "content": {"application/yaml": {"schema": {"type": "string"}}}}})
async def api_run(request: Request,
                  name: str = Query("scenario.yaml", description="The file name that error messages give."),
                  option: list[str] = OPTION) -> Response:
    question = Scenario(option=tuple(option), text=scenario_text(await request.body(), name), name=name)
    return _document(await _engine(request).json(question))


@router.get("/run", responses={200: DOCUMENT}, summary="tierlaw run scenarios/NAME.yaml --format json (a shipped scenario)")
async def api_run_shipped(request: Request, scenario: str = Query(..., description="A shipped scenario (see /api/scenarios)."),
                          option: list[str] = OPTION) -> Response:
    return _document(await _engine(request).json(shipped_scenario(scenario, tuple(option))))


@router.get("/scenarios", summary="The shipped scenarios, by name")
async def api_scenarios() -> dict:
    return {"scenarios": list(shipped_scenarios())}


@router.get("/rules", responses={200: DOCUMENT}, summary="The rulebook: every rule with citation, enacting law, window, confidence")
async def api_rules(request: Request, option: list[str] = OPTION) -> Response:
    return _document(await _engine(request).json(Rules(option=tuple(option))))
