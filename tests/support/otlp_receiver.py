"""A real OTLP/HTTP logs receiver: decodes ``ExportLogsServiceRequest`` protobuf posted to ``/v1/logs``."""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import (
    ExportLogsServiceRequest,
    ExportLogsServiceResponse,
)
from opentelemetry.proto.logs.v1.logs_pb2 import LogRecord
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.support.loopback_server import LoopbackServer
from undercurrent.otlp.mapping import attribute_values


@dataclass(frozen=True)
class ReceivedRecord:
    record: LogRecord
    resource: Mapping[str, Any]
    attributes: Mapping[str, Any]
    headers: Mapping[str, str]


@dataclass
class OtlpLogReceiver:
    records: list[ReceivedRecord] = field(default_factory=list)
    _arrived: asyncio.Condition = field(default_factory=asyncio.Condition)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self._http.port}/v1/logs"

    async def wait_for(self, count: int, timeout_s: float = 60.0) -> list[ReceivedRecord]:
        async with self._arrived:
            await asyncio.wait_for(self._arrived.wait_for(lambda: len(self.records) >= count), timeout_s)
        return list(self.records)

    async def __aenter__(self) -> OtlpLogReceiver:
        self._http = LoopbackServer(Starlette(routes=[Route("/v1/logs", self._logs, methods=["POST"])]))
        await self._http.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._http.stop()

    async def _logs(self, request: Request) -> Response:
        body = await request.body()
        if request.headers.get("content-encoding") == "gzip":
            body = gzip.decompress(body)
        decoded = ExportLogsServiceRequest.FromString(body)
        headers = dict(request.headers)
        async with self._arrived:
            for resource_logs in decoded.resource_logs:
                resource = attribute_values(resource_logs.resource.attributes)
                for scope_logs in resource_logs.scope_logs:
                    self.records += [ReceivedRecord(r, resource, attribute_values(r.attributes), headers)
                                     for r in scope_logs.log_records]
            self._arrived.notify_all()
        return Response(ExportLogsServiceResponse().SerializeToString(), media_type="application/x-protobuf")
