"""Dependencies the routers share, as ``Annotated`` aliases."""

from typing import Annotated

from fastapi import Depends, Request

from api.settings import ApiSettings
from kg.kb import KnowledgeBase


def _kb(request: Request) -> KnowledgeBase:
    kb: KnowledgeBase = request.app.state.kb
    return kb


def _settings(request: Request) -> ApiSettings:
    settings: ApiSettings = request.app.state.settings
    return settings


KB = Annotated[KnowledgeBase, Depends(_kb)]
AppSettings = Annotated[ApiSettings, Depends(_settings)]
