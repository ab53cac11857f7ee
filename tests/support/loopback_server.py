"""A Starlette app served by uvicorn on a free loopback port, for the tests' stand-in servers."""

from __future__ import annotations

import asyncio
import socket

import uvicorn
from starlette.applications import Starlette


class LoopbackServer:
    def __init__(self, app: Starlette) -> None:
        self.app = app
        self.port = 0

    async def start(self) -> None:
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(self.app, log_level="warning", lifespan="off", timeout_graceful_shutdown=1)
        self._server = uvicorn.Server(config)
        self._task = asyncio.create_task(self._server.serve(sockets=[sock]))
        while not self._server.started:
            await asyncio.sleep(0.01)

    async def stop(self) -> None:
        self._server.should_exit = True
        await self._task
