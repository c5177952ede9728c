"""`scr serve`: the web form and the HTTP API (see :mod:`scr_eligibility.cli.web`)."""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

import click

from ..errors import Problem, ScrError
from .params import SIGN_KEY, log_for_writing

#: The shortest token accepted: the server is then reachable from other machines.
MIN_TOKEN = 16
#: The Host header names answered on loopback without a token (a guard against DNS rebinding).
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine only: a loopback address, or a name resolving only to loopback."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except OSError:
        return False  # cannot tell: treat it as reachable from other machines
    return bool(infos) and all(ipaddress.ip_address(str(info[4][0]).split("%")[0]).is_loopback for info in infos)


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host``:``port`` (port 0: a free port the system chooses)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        family, kind, proto, _, address = infos[0]
        sock = socket.socket(family, kind, proto)
    except OSError as error:
        raise ScrError("cannot listen on that address", [Problem(
            "--host", host, "an address of this machine, such as 127.0.0.1", str(error))], exit_code=1,
            kind="serve_error") from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as error:
        sock.close()
        raise ScrError("cannot listen on that address and port", [Problem(
            "--port", str(port), "a free port", f"{error.strerror or error}; leave --port out to get a free one")],
            exit_code=1, kind="serve_error") from None
    sock.set_inheritable(True)
    return sock


def run(app: Any, sock: socket.socket) -> None:
    """Serve ``app`` on ``sock`` until Ctrl-C."""
    import uvicorn

    config = uvicorn.Config(app, log_level="warning", access_log=False, server_header=False, lifespan="off",
                            proxy_headers=False, timeout_keep_alive=5)
    uvicorn.Server(config).run(sockets=[sock])


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on. Any address but loopback needs --token.")
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default=True,
              help="The port to listen on (0: a free port, printed on start).")
@click.option("--token", envvar="SCR_SERVE_TOKEN", metavar="TOKEN",
              help=f"Require this token (at least {MIN_TOKEN} characters) on every request: the API as "
                   "'Authorization: Bearer TOKEN', the form asks once. Or set SCR_SERVE_TOKEN, which keeps it out "
                   "of the process list.")
@click.option("--log", "log_path", type=click.Path(dir_okay=False),
              help="Append every decision made to this decision log. Without it no file is written.")
@click.option("--origin", "origins", multiple=True, metavar="URL",
              help="An address browsers reach the server at besides its own, such as https://scr.example.org behind "
                   "a TLS proxy; posts from any other origin are refused. Repeat for several.")
@SIGN_KEY
def serve(host: str, port: int, token: str | None, log_path: str | None, origins: tuple[str, ...],
          sign_key: str | None) -> None:
    """Serve the web form (for subgroup members) and the HTTP API (for other systems).

    Nothing about a case is kept between requests. The form is at / and the API under /v1
    (its description at /openapi.json).
    """
    loopback = is_loopback(host)
    if token is not None and len(token) < MIN_TOKEN:
        raise click.UsageError(
            f"the token is too short: give at least {MIN_TOKEN} characters, for example the output of "
            "python -c \"import secrets; print(secrets.token_urlsafe())\"")
    if not loopback and not token:
        raise click.UsageError(
            f"listening on {host} lets other machines reach the form and the API: give --token TOKEN (or set "
            "SCR_SERVE_TOKEN) so that every request must carry it, or leave --host out to listen on this machine "
            "only")
    for origin in origins:
        from .web.guard import origin_of

        scheme, _, rest = origin.partition("://")
        if not rest or "/" in rest.rstrip("/") or origin_of(scheme, rest.rstrip("/")) is None:
            raise click.UsageError(f"--origin {origin!r} is not an origin: give a scheme and a host, such as "
                                   "https://scr.example.org (with :PORT if it is not the scheme's own)")
    # Open (or create) the log now: one that cannot be written would surface only as a server
    # error on every decision, after the server had said it was serving. The open log (with its
    # signing key) is what the app appends to.
    log = log_for_writing(log_path, sign_key)
    from .web import create_app

    app = create_app(token=token, log_path=log, origins=origins,
                     allowed_hosts=None if token else LOOPBACK_NAMES + ((host,) if host not in LOOPBACK_NAMES else ()))
    sock = bind(host, port)
    actual = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"Serving on http://{shown}:{actual} — press Ctrl-C to stop")
    if token:
        click.echo("Every request needs the token: the form asks for it once; the API takes "
                   "'Authorization: Bearer TOKEN'.")
    if not loopback:
        click.echo("Warning: this is plain HTTP. On a network, put it behind a TLS proxy so the token and the case "
                   "facts are encrypted.", err=True)
    try:
        run(app, sock)
    finally:
        sock.close()
