"""The edge of Palier on Slack: what every request goes through before a listener runs.

Slack's requests are signed, but a signed request can still be malformed (a bug,
a replay tool, a fuzzer). These keep a malformed one from becoming an HTTP 5xx
or a traceback:

* :class:`PalierRequestHandler`, Bolt's WSGI adapter, answers a request Bolt
  cannot even read (a ``user`` that is a number breaks ``BoltRequest`` itself):
  200 and nothing done when it is signed, 401 otherwise
  (:class:`PalierSocketModeHandler` acknowledges it in Socket Mode);
* :class:`EdgeMiddleware` answers 401 to a request whose
  ``X-Slack-Request-Timestamp`` is not a plain number of seconds (slack_sdk's
  verifier raises on ``int()`` of it, which Bolt turns into a 500), then parses
  the payload into its pydantic model (:mod:`handlers.slack.payloads`) before
  authorization and any listener;
* :class:`PalierBolt` guards every listener: one that fails — before or after its
  ``ack()``, or in the work it handed to ``later`` — is logged with its traceback, and
  the person is told something went wrong. Bolt's thread runner, after a failure that
  follows ``ack()``, replaces the acknowledgement with a 500 (or, outside
  ``process_before_response``, a 404 "unhandled request"): the guard never lets a
  failure reach it. It also answers Slack when the listener returns, the slow work
  following on the workers (:mod:`handlers.slack.workers`);
* :func:`on_error`, Bolt's global error handler, logs what fails in Bolt's own
  middleware and acknowledges it (200) rather than answering 500.
"""

from __future__ import annotations

import logging
import re
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor
from typing import Any

from pydantic import ValidationError
from slack_bolt import App, BoltContext
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.socket_mode.internals import run_bolt_app, send_response
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_bolt.kwargs_injection import Args
from slack_bolt.listener_matcher import ListenerMatcher
from slack_bolt.middleware import Middleware
from slack_bolt.middleware.request_verification import RequestVerification
from slack_bolt.request import BoltRequest
from slack_bolt.response import BoltResponse
from slack_bolt.util.utils import get_arg_names_of_callable
from slack_sdk.errors import SlackApiError
from slack_sdk.signature import SignatureVerifier
from slack_sdk.socket_mode.builtin import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from bot.i18n import Translator
from handlers.slack.client import RateLimited, gated
from handlers.slack.context import Actor, SlackDeps
from handlers.slack.markup import slack_translator
from handlers.slack.payloads import SLACK_ID, URL, parse_payload, problems
from handlers.slack.workers import Answering, Later, answers_a_person

log = logging.getLogger(__name__)

# Seconds since the epoch, as Slack sends them: ASCII digits only, no sign, no decimals,
# and short enough that ``int()`` is cheap and the five-minute window check meaningful.
TIMESTAMP = re.compile(r"[0-9]{1,12}")

# The language to answer a request in: the person's when Palier knows them.
Language = Callable[[Mapping[str, Any]], Translator]


class EdgeMiddleware(RequestVerification):
    """Slack's signature check, then the payload parsed; in Bolt's ``before_authorize`` slot.

    A malformed timestamp is refused (401) instead of crashing slack_sdk's verifier.
    A signed payload that does not parse stops here, before authorization and
    every listener, answered politely (:func:`refuse`): nothing runs for it, so
    nothing changes. A middleware object, not a function: Bolt builds a function's
    arguments from the payload (``body["actions"][0]`` …), which a malformed one breaks.
    """

    def __init__(self, signing_secret: str, language: Language) -> None:
        super().__init__(signing_secret)
        self.language = language

    def process(
        self,
        *,
        req: BoltRequest,
        resp: BoltResponse,
        next: Callable[[], BoltResponse],
    ) -> BoltResponse:
        if not self._can_skip(req.mode, req.body):
            stamp = req.headers.get("x-slack-request-timestamp", [""])[0]
            if not TIMESTAMP.fullmatch(stamp or ""):
                log.warning("refused a request with a malformed timestamp header")
                return self._build_error_response()
        return super().process(req=req, resp=resp, next=lambda: self._parse(req, next))

    def _parse(self, req: BoltRequest, next: Callable[[], BoltResponse]) -> BoltResponse:
        try:
            parse_payload(req.body)
        except (ValidationError, ValueError) as error:
            body = req.body
            kind = body.get("type") or ("command" if "command" in body else "unknown")
            log.warning("malformed %s payload refused: %s", kind, problems(error))
            return refuse(body, req.context, self.language)
        # The listeners' client (Bolt builds one per request) respects Slack's Retry-After
        # like the app's own; authorization sets its token afterwards.
        req.context["client"] = gated(req.context.client)
        return next()


Listener = Callable[..., BoltResponse | None]


class PalierBolt(App):
    """Bolt's ``App`` with every listener guarded (see :func:`guard`), answering Slack
    when the listener returns (``process_before_response``): what a listener does after
    its ``ack()`` it hands to ``later`` (:class:`~handlers.slack.workers.Later`), which
    runs it on ``workers``.

    Registration goes through Bolt's one private entry point for listeners,
    ``_register_listener``, so every listener — ``action``, ``view``, ``command``,
    ``event``, ``shortcut``, today's and tomorrow's — is guarded without each
    module remembering to.
    """

    def __init__(
        self,
        *,
        language: Language,
        workers: Executor,
        answering: Answering | None = None,
        **kwargs: Any,
    ) -> None:
        self.language = language
        self.workers = workers
        self.answering = answering or Answering()
        super().__init__(process_before_response=True, listener_executor=workers, **kwargs)

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        with self.answering.answer():
            return super().dispatch(req)

    def _register_listener(
        self,
        functions: Sequence[Listener],
        primary_matcher: ListenerMatcher,
        matchers: Sequence[Callable[..., bool]] | None,
        middleware: Sequence[Callable[..., Any] | Middleware] | None,
        auto_acknowledgement: bool = False,
        ack_timeout: int = 3,
    ) -> Listener | None:
        functions = list(functions)
        original = functions[0]
        functions[0] = guard(original, self.language, self.workers)
        super()._register_listener(
            functions, primary_matcher, matchers, middleware, auto_acknowledgement, ack_timeout
        )
        return original  # a decorated function stays itself


def guard(listener: Listener, language: Language, workers: Executor) -> Listener:
    """``listener`` that never raises: a failure is logged and the person told.

    Bolt injects arguments by the listener's parameter names; the guard asks for
    all of them (``args``) and passes on the ones ``listener`` names, and ``later``
    (what follows the acknowledgement, run on ``workers``, guarded the same way).
    """
    names = get_arg_names_of_callable(listener)
    listener_name = getattr(listener, "__name__", "listener")

    def argument(args: Args, name: str) -> Any:
        if name != "later":
            return getattr(args, name)
        body: Mapping[str, Any] = args.body if isinstance(args.body, Mapping) else {}

        def failed() -> None:
            log.exception("listener %s failed after its acknowledgement", listener_name)
            tell_failure(args, language)

        return Later(workers, first=answers_a_person(body), failed=failed)

    def guarded(args: Args) -> BoltResponse | None:
        try:
            return listener(**{name: argument(args, name) for name in names})
        except Exception:
            log.exception("listener %s failed", listener_name)
            tell_failure(args, language)
            return None

    guarded.__name__ = listener_name  # Bolt logs listeners by name
    return guarded


def _rate_limited(error: BaseException | None) -> bool:
    """Slack refused the call for its rate limits (a 429, or a pause not elapsed yet)."""
    if isinstance(error, RateLimited):
        return True
    return isinstance(error, SlackApiError) and error.response.status_code == 429


def tell_failure(args: Args, language: Language) -> None:
    """Acknowledge if not done yet, and tell the person something went wrong — or, when
    Slack refused a call for its rate limits (a Thursday's peak: ``views.open`` beyond 100
    a minute per workspace), that it is busy and to try again in a minute. Called inside
    the ``except`` of the failure.

    A modal's submission keeps the modal open with the words on its first input
    (nothing typed is lost); a command, a click or a shortcut gets an ephemeral
    reply through its ``response_url``; a submission already acknowledged, a DM.
    An event has nobody to tell. Telling never raises: it is logged when it fails.
    """
    body: Mapping[str, Any] = args.body if isinstance(args.body, Mapping) else {}
    text = language(body)("busy.try_again" if _rate_limited(sys.exc_info()[1]) else "error")
    try:
        acknowledged = args.ack.response is not None
        if not acknowledged:
            block = _first_input_block(body)
            if body.get("type") == "view_submission" and block is not None:
                args.ack(response_action="errors", errors={block: text})
                return
            args.ack()
        if body.get("type") == "event_callback":
            return
        if isinstance(body.get("response_url"), str) or _response_urls(body):
            args.respond(text=text, response_type="ephemeral", replace_original=False)
            return
        user = body.get("user")
        user_id = user.get("id") if isinstance(user, Mapping) else body.get("user_id")
        if isinstance(user_id, str) and user_id:
            args.client.chat_postMessage(channel=user_id, text=text)
    except Exception:
        log.exception("could not tell the person that their request failed")


def _first_input_block(body: Mapping[str, Any]) -> str | None:
    view = body.get("view")
    blocks = view.get("blocks") if isinstance(view, Mapping) else None
    for block in blocks if isinstance(blocks, list) else []:
        if isinstance(block, Mapping) and block.get("type") == "input":
            block_id = block.get("block_id")
            if isinstance(block_id, str) and block_id:
                return block_id
    return None


def _response_urls(body: Mapping[str, Any]) -> bool:
    urls = body.get("response_urls")
    return isinstance(urls, list) and bool(urls)


def on_error(error: Exception, response: BoltResponse | None) -> BoltResponse | None:
    """Bolt's global error handler (``@app.error``): what escapes Bolt's own middleware.

    Listener failures never get here (:func:`guard` handles them); this catches the
    rest — a middleware failing on a strange request — logs it with its traceback,
    and answers 200 with nothing, so that Slack does not retry a request that would
    fail again, and nobody sees a 5xx.
    """
    log.error("request failed in Bolt", exc_info=error)
    return BoltResponse(status=200, body="") if response is not None else None


def _actor(body: Mapping[str, Any]) -> Actor | None:
    """Who sent ``body``, when its ids look like Slack ids (a malformed one may not)."""
    user = body.get("user")
    if isinstance(user, Mapping):
        team = body.get("team")
        team_id = team.get("id") if isinstance(team, Mapping) else user.get("team_id")
        user_id = user.get("id")
    else:
        team_id, user_id = body.get("team_id"), body.get("user_id")
    if all(isinstance(v, str) and SLACK_ID.fullmatch(v) for v in (team_id, user_id)):
        return Actor(team_id=str(team_id), user_id=str(user_id))
    return None


def language_of(deps: SlackDeps) -> Language:
    """The person's language when Palier knows them, else the workspace default."""

    def language(body: Mapping[str, Any]) -> Translator:
        actor = _actor(body)
        if actor is not None:
            try:
                return slack_translator(deps.flows.summary.language(actor.ref))
            except Exception:
                log.exception("could not read the language of %s", actor.user_id)
        return slack_translator(deps.default_locale)

    return language


def refuse(body: Mapping[str, Any], context: BoltContext, language: Language) -> BoltResponse:
    """The polite answer to a malformed payload: an ephemeral reply to a command; the
    words on the first input of a submitted modal (kept open); an ephemeral reply
    through the ``response_url`` of a click or a shortcut; nothing for an event."""
    kind = body.get("type")
    if kind == "event_callback":
        return BoltResponse(status=200, body="")
    text = language(body)("malformed")
    if kind is None and "command" in body:
        return BoltResponse(status=200, body={"response_type": "ephemeral", "text": text})
    if kind == "view_submission":
        block = _first_input_block(body)
        if block is None:
            return BoltResponse(status=200, body="")
        return BoltResponse(status=200, body={"response_action": "errors", "errors": {block: text}})
    url = body.get("response_url")
    if isinstance(url, str) and URL.fullmatch(url) and context.respond is not None:
        try:
            context.respond(text=text, response_type="ephemeral", replace_original=False)
        except Exception:
            log.warning("could not answer a malformed payload through its response_url")
    return BoltResponse(status=200, body="")


class PalierRequestHandler(SlackRequestHandler):
    """Bolt's WSGI adapter, with a request Bolt cannot read answered instead of a 500.

    Bolt reads a payload's ids into its context while building the request, before
    any middleware: a ``user`` or ``team`` that is a number, an ``authorizations``
    that is a string, a ``payload`` that is not JSON raise there. Such a request,
    when Slack signed it, is acknowledged (200, nothing done, a warning logged) so
    that Slack does not retry it; unsigned, it gets Bolt's 401.
    """

    def __init__(self, app: App, signing_secret: str, path: str = "/slack/events") -> None:
        super().__init__(app, path=path)
        self._verifier = SignatureVerifier(signing_secret)

    def dispatch(self, request: WsgiHttpRequest) -> BoltResponse:
        headers = request.get_headers()
        try:
            body = request.get_body()
        except (ValueError, UnicodeDecodeError):
            return BoltResponse(status=400, body="")
        try:
            bolt_request = BoltRequest(body=body, query=request.query_string, headers=headers)
        except Exception as error:
            return self._unreadable(body, headers, error)
        return self.app.dispatch(bolt_request)

    def _unreadable(self, body: str, headers: Mapping[str, Any], error: Exception) -> BoltResponse:
        stamp, signature = (
            headers.get("x-slack-request-timestamp"),
            headers.get("x-slack-signature"),
        )
        if (
            isinstance(stamp, str)
            and isinstance(signature, str)
            and TIMESTAMP.fullmatch(stamp)
            and self._verifier.is_valid(body, stamp, signature)
        ):
            log.warning("a signed request Bolt cannot read was dropped: %s", type(error).__name__)
            return BoltResponse(status=200, body="")
        return BoltResponse(status=401, body={"error": "invalid request"})


class PalierSocketModeHandler(SocketModeHandler):
    """Bolt's Socket Mode handler, with a request Bolt cannot read acknowledged and dropped.

    The same failure :class:`PalierRequestHandler` answers over HTTP: without the
    acknowledgement Slack would deliver the envelope again. The WebSocket is the
    authentication, so there is no signature to check.
    """

    def handle(self, client: SocketModeClient, req: SocketModeRequest) -> None:  # type: ignore[override]
        start = time.time()
        try:
            response = run_bolt_app(self.app, req)
        except Exception as error:
            log.warning(
                "a Socket Mode request Bolt cannot read was dropped: %s", type(error).__name__
            )
            client.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id))
            return
        send_response(client, req, response, start)
