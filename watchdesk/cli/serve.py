"""`watchdesk serve`: the console in a web browser, through textual-serve.

    watchdesk serve [--host 127.0.0.1] [--port 8000] [--public] [--db PATH] [--lang zh|en]

Every browser tab gets a console process of its own (`python -m watchdesk` with the same --db,
--lang and --config), all on the one desk file, so tabs see each other's saves as two terminals
do. Each tab is a seat of its own: its console runs with `WATCHDESK_SEAT=web:<n>` (1, 2, … in the
order the tabs connect), which the audit log records with every write.

By default only loopback addresses may be bound. The websocket that drives a console is refused
when it comes from a page of another origin (a web page elsewhere cannot type into the desk) or
names no origin at all (a local program that cannot read the desk file could otherwise write to it
through this server), and, unless --public, when its Host is not a loopback name (DNS rebinding).
`--public` also needs a desk that requires PINs (`handover_pin = true` in the config).
"""

from __future__ import annotations

import argparse
import ipaddress
import shlex
import socket
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from watchdesk.cli.base import EXIT_OK, Commands, Ctx, Failure, UserError, os_problem

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


def port_number(text: str) -> int:
    from watchdesk.i18n import t

    try:
        port = int(text, 10)
    except ValueError:
        raise argparse.ArgumentTypeError(t("clitext.serve.not_port", value=repr(text))) from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(t("clitext.serve.port_range", port=port))
    return port


def _is_loopback_literal(host: str) -> bool:
    host = host.strip("[]")
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_loopback(host: str) -> bool:
    """True when every address `host` stands for is a loopback address."""
    if _is_loopback_literal(host):
        return True
    try:
        infos = socket.getaddrinfo(host.strip("[]"), None)
    except (socket.gaierror, UnicodeError):
        return False
    addrs = {str(info[4][0]) for info in infos}
    return bool(addrs) and all(_is_loopback_literal(a.split("%")[0]) for a in addrs)


SEAT_ENV = "WATCHDESK_SEAT"


def console_command(ctx: Ctx) -> str:
    """The shell command of the console each tab runs: this Python, this desk, these flags
    (`tab_command` gives it its seat)."""
    argv = [sys.executable, "-m", "watchdesk", "--db", str(ctx.db_path.resolve())]
    lang = getattr(ctx.args, "lang", None)
    if lang:
        argv += ["--lang", lang]
    config = getattr(ctx.args, "config", None)
    if config:
        argv += ["--config", str(Path(config).resolve())]
    return shlex.join(argv)


def tab_command(command: str, n: int) -> str:
    """`command` for the n-th tab: the same console, with a seat of its own (`web:<n>`)."""
    return f"{SEAT_ENV}=web:{n} {command}"


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def _unresolved(e: Exception) -> str:
    """Why a host name cannot be looked up, in the UI language where the reason is a usual one."""
    from watchdesk.i18n import t

    code = getattr(e, "errno", None)
    if code in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", None)):
        return t("clitext.os.no_name")
    if code == socket.EAI_AGAIN:
        return t("clitext.os.dns_unavailable")
    return str(e)


def _check_port_free(host: str, port: int) -> None:
    from watchdesk.i18n import t

    try:
        infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as e:
        why = _unresolved(e)
        raise UserError(t("clitext.serve.cannot_resolve", host=host, why=why)) from None
    family, _, _, _, addr = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as aiohttp binds
        try:
            s.bind(addr)
        except OSError as e:
            why = os_problem(e)
            raise UserError(
                t("clitext.serve.cannot_listen", port=port, host=host, why=why)
            ) from None


# What a browser shows of textual-serve's own page (its template's English), in the UI language.
PAGE_WORDS = {
    ">Start</button>": "clitext.serve.page.start",
    ">Session ended.</div>": "clitext.serve.page.ended",
    ">Restart</button>": "clitext.serve.page.restart",
}
HTML_LANG = {"zh": "zh-CN", "en": "en"}


def page_in_language(html: str) -> str:
    """textual-serve's page with its words (Start, Session ended., Restart) in the UI language
    and the language named on `<html>`, so that the browser picks a font for it."""
    from watchdesk.i18n import language, t

    for english, key in PAGE_WORDS.items():
        html = html.replace(english, english[0] + escape(t(key)) + english[english.index("<") :])
    return html.replace("<html>", f'<html lang="{HTML_LANG.get(language(), "en")}">', 1)


def make_server(command: str, host: str, port: int, *, public: bool = False):
    """A textual-serve Server that only serves pages and websockets to its own origin, and
    starts each tab's console as a seat of its own. What a browser reads of it (the page's
    buttons, a refusal, a page not found) is in the UI language."""
    from aiohttp import web
    from textual_serve.server import Server

    from watchdesk.i18n import t

    @web.middleware
    async def in_language(request: web.Request, handler: Any) -> Any:
        try:
            return await handler(request)
        except web.HTTPNotFound as e:  # aiohttp's own "404: Not Found"
            if e.text == "404: Not Found":
                raise web.HTTPNotFound(text=t("clitext.serve.not_found")) from None
            raise
        except web.HTTPMethodNotAllowed as e:
            raise web.HTTPMethodNotAllowed(
                e.method, e.allowed_methods, text=t("clitext.serve.not_allowed")
            ) from None

    class DeskServer(Server):
        # textual-serve reads `self.command` once per tab, when the tab's websocket starts its
        # console (in one step with nothing awaited): each read is the next tab's command.
        @property
        def command(self) -> str:
            self._tabs += 1
            return tab_command(self._command, self._tabs)

        @command.setter
        def command(self, value: str) -> None:
            self._command, self._tabs = value, 0

        async def on_startup(self, app: web.Application) -> None:
            pass  # serve says what it serves, on stderr (textual-serve's banner names a tab)

        async def _make_app(self) -> web.Application:
            app = await super()._make_app()
            app.middlewares.append(in_language)
            return app

        def _refusal(self, request: web.Request, *, websocket: bool = False) -> str | None:
            hostname = urlsplit(f"//{request.host}").hostname or ""
            if not public and not _is_loopback_literal(hostname):
                return t("clitext.serve.refused_host", host=repr(request.host))
            origin = request.headers.get("Origin")
            if origin is None and websocket:  # every browser sends one with a websocket
                return t("clitext.serve.refused_no_origin")
            if origin is not None and urlsplit(origin).netloc.lower() != request.host.lower():
                return t("clitext.serve.refused_origin", origin=repr(origin))
            return None

        async def handle_index(self, request: web.Request) -> Any:
            if why := self._refusal(request):
                raise web.HTTPForbidden(text=why)
            # The page's websocket URL names the host the browser used (one event loop, and
            # nothing is awaited between setting it and the page's context being built).
            self.public_url = f"{request.scheme}://{request.host}"
            response = await super().handle_index(request)  # the page, rendered
            assert isinstance(response, web.Response) and response.text is not None
            response.text = page_in_language(response.text)
            return response

        async def handle_websocket(self, request: web.Request) -> Any:
            if why := self._refusal(request, websocket=True):
                raise web.HTTPForbidden(text=why)
            return await super().handle_websocket(request)

        async def handle_download(self, request: web.Request) -> Any:
            key = request.match_info["key"]
            try:
                await self.download_manager.get_download_metadata(key)
            except KeyError:  # textual-serve's own words are English
                raise web.HTTPNotFound(
                    text=t("clitext.serve.no_download", name=repr(key))
                ) from None
            return await super().handle_download(request)

    return DeskServer(
        command,
        host=host,
        port=port,
        title="watchdesk",
        public_url=f"http://{_url_host(host)}:{port}",
    )


def parse_host(text: str) -> str:
    """--host as the address to listen on: a name, an IPv4 address, or an IPv6 address bare
    (`::1`) or in brackets as URLs write it (`[::1]`, accepted and unwrapped). Brackets around
    anything else, a port (`127.0.0.1:8000`: that is --port) or an empty value: bad input."""
    from watchdesk.i18n import t

    host = text.strip()
    if not host:
        raise UserError(t("clitext.serve.host_empty"))
    if host.startswith("[") or host.endswith("]"):
        inner = host[1:-1] if host.startswith("[") and host.endswith("]") else ""
        try:
            ok = ipaddress.ip_address(inner.split("%")[0]).version == 6
        except ValueError:
            ok = False
        if not ok:
            if host.startswith("[") and "]:" in host:
                raise UserError(f"--host {t('input.host_port', value=host)}")
            raise UserError(f"--host {t('input.host_brackets', value=host)}")
        return inner
    if host.count(":") == 1:  # a name or IPv4 address with a port; IPv6 has two or more
        raise UserError(f"--host {t('input.host_port', value=host)}")
    return host


def cmd_serve(ctx: Ctx) -> int:
    from watchdesk.i18n import t

    a = ctx.args
    host = parse_host(a.host)
    if not a.public and not is_loopback(host):
        raise UserError(t("clitext.serve.not_loopback", host=host))
    if a.public and not ctx.settings.handover_pin:
        raise UserError(t("clitext.serve.public_needs_pins", path=ctx.config_path))
    if not ctx.db_path.exists():
        raise Failure(t("desk.missing", path=ctx.db_path))
    with ctx.store():  # migrate and validate once, before any tab starts a console
        pass
    try:
        import textual_serve  # noqa: F401
    except ImportError:
        raise Failure(t("clitext.serve.no_textual_serve")) from None
    _check_port_free(host, a.port)
    url = f"http://{_url_host(host)}:{a.port}"
    if a.public and not is_loopback(host):
        warning = t("clitext.serve.public_warning", url=url, path=ctx.db_path)
        print(f"watchdesk: {warning}", file=sys.stderr)
    serving = t("clitext.serve.serving", path=ctx.db_path.resolve(), url=url)
    print(f"watchdesk: {serving}", file=sys.stderr, flush=True)
    make_server(console_command(ctx), host, a.port, public=a.public).serve()
    return EXIT_OK


def register(commands: Commands) -> None:
    p = commands.add(
        "serve",
        cmd_serve,
        "serve the console in a web browser (textual-serve): one "
        "console process per tab, all on the same desk; localhost only unless --public",
    )
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1; loopback only unless --public)",
    )
    p.add_argument("--port", type=port_number, default=8000, help="TCP port (default: 8000)")
    p.add_argument(
        "--public",
        action="store_true",
        help="allow a non-loopback --host; needs a desk that requires PINs (handover_pin)",
    )
