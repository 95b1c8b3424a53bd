"""Block Kit as readable plain text, for the demo's output and for debugging tests.

Not a faithful renderer: just enough to read what a person would see. Headers are
underlined, mrkdwn is stripped lightly (``*bold*`` → ``bold``, ``<url|label>`` →
``label (url)``), buttons show as ``[ Label ]``, radio options as
``( ) label — description``, inputs as ``label: ____``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from typing import Any

_WIDTH = 60
_LINK = re.compile(r"<(https?://[^|>]+|mailto:[^|>]+)\|([^>]+)>")
_BARE_LINK = re.compile(r"<(https?://[^|>]+|mailto:[^|>]+)>")
_MENTION = re.compile(r"<([@#!])([^|>]+)(?:\|([^>]+))?>")
_BOLD = re.compile(r"(?<![\w*])\*(?!\s)([^*\n]+?)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?!\s)([^_\n]+?)_(?![\w_])")
_STRIKE = re.compile(r"(?<![\w~])~(?!\s)([^~\n]+?)~(?![\w~])")


def strip_mrkdwn(text: str) -> str:
    """Slack mrkdwn to plain text: emphasis markers off, links and mentions readable."""
    text = _LINK.sub(lambda m: f"{m.group(2)} ({m.group(1)})", text)
    text = _BARE_LINK.sub(lambda m: m.group(1), text)
    text = _MENTION.sub(
        lambda m: m.group(3) or (("@" if m.group(1) in "@!" else "#") + m.group(2)), text
    )
    text = _BOLD.sub(r"\1", text)
    text = _ITALIC.sub(r"\1", text)
    text = _STRIKE.sub(r"\1", text)
    return html.unescape(text)


def render_text(obj: Any) -> str:
    """A text object (plain_text or mrkdwn), a string, or "" for anything else."""
    if isinstance(obj, str):
        return obj
    if isinstance(obj, Mapping):
        text = str(obj.get("text", ""))
        return strip_mrkdwn(text) if obj.get("type") == "mrkdwn" else text
    return ""


def _option_line(option: Mapping[str, Any], mark: str) -> str:
    line = f"{mark} {render_text(option.get('text'))}"
    description = render_text(option.get("description"))
    return f"{line} — {description}" if description else line


def _same(a: Any, b: Any) -> bool:
    return isinstance(a, Mapping) and isinstance(b, Mapping) and a.get("value") == b.get("value")


def render_element(element: Mapping[str, Any]) -> list[str]:
    """One interactive element as lines of text."""
    kind = element.get("type")
    if kind == "button":
        return [f"[ {render_text(element.get('text'))} ]"]
    if kind == "radio_buttons":
        initial = element.get("initial_option")
        return [
            _option_line(o, "(•)" if _same(o, initial) else "( )")
            for o in element.get("options") or []
        ]
    if kind == "checkboxes":
        chosen = element.get("initial_options") or []
        return [
            _option_line(o, "[x]" if any(_same(o, c) for c in chosen) else "[ ]")
            for o in element.get("options") or []
        ]
    if kind == "overflow":
        return ["[ … ]"]
    if kind == "image":
        return [f"[image: {element.get('alt_text', '')}]"]
    if kind == "datepicker":
        return [f"[ {element.get('initial_date') or 'YYYY-MM-DD'} ▾ ]"]
    if kind == "timepicker":
        return [f"[ {element.get('initial_time') or 'HH:MM'} ▾ ]"]
    if isinstance(kind, str) and kind.endswith("_select"):
        initial = element.get("initial_option")
        shown = render_text(initial.get("text")) if isinstance(initial, Mapping) else ""
        return [f"[ {shown or render_text(element.get('placeholder')) or 'Choose'} ▾ ]"]
    if kind in ("plain_text_input", "email_text_input", "url_text_input", "number_text_input"):
        value = element.get("initial_value") or render_text(element.get("placeholder"))
        return [value if value else "____"]
    return [f"[{kind}]"]


def _rich_text(node: Any) -> str:
    if isinstance(node, Mapping):
        if node.get("type") == "text":
            return str(node.get("text", ""))
        if node.get("type") == "link":
            return str(node.get("text") or node.get("url", ""))
        if node.get("type") in ("user", "usergroup", "channel"):
            return "@" + str(node.get("user_id") or node.get("channel_id") or "")
        if node.get("type") == "emoji":
            return f":{node.get('name', '')}:"
        children = "".join(_rich_text(child) for child in node.get("elements") or [])
        if node.get("type") in ("rich_text_section", "rich_text_preformatted", "rich_text_quote"):
            return children + "\n"
        if node.get("type") == "rich_text_list":
            return "".join(
                f"• {_rich_text(child).strip()}\n" for child in node.get("elements") or []
            )
        return children
    return ""


def render_block(block: Mapping[str, Any]) -> list[str]:
    """One block as lines of text."""
    kind = block.get("type")
    if kind == "header":
        title = render_text(block.get("text"))
        return [title, "=" * min(len(title), _WIDTH)]
    if kind == "divider":
        return ["─" * _WIDTH]
    if kind == "section":
        lines: list[str] = []
        if block.get("text"):
            lines.extend(render_text(block.get("text")).splitlines() or [""])
        fields = [render_text(f) for f in block.get("fields") or []]
        for left, right in zip(fields[::2], [*fields[1::2], ""], strict=False):
            lines.append(f"{left:<28}  {right}".rstrip())
        accessory = block.get("accessory")
        if isinstance(accessory, Mapping):
            rendered = render_element(accessory)
            if len(rendered) == 1 and lines:
                lines[-1] = f"{lines[-1]}  {rendered[0]}"
            else:
                lines.extend(rendered)
        return lines
    if kind == "context":
        parts = [
            render_element(e)[0]
            if isinstance(e, Mapping) and e.get("type") == "image"
            else render_text(e)
            for e in block.get("elements") or []
        ]
        return ["  " + "  ·  ".join(p for p in parts if p)]
    if kind in ("actions", "context_actions"):
        inline: list[str] = []
        stacked: list[str] = []
        for element in block.get("elements") or []:
            rendered = render_element(element)
            (inline if len(rendered) == 1 else stacked).extend(rendered)
        return ([" ".join(inline)] if inline else []) + stacked
    if kind == "input":
        label = render_text(block.get("label"))
        if block.get("optional"):
            label += " (optional)"
        element = block.get("element") or {}
        rendered = render_element(element)
        if len(rendered) == 1 and not element.get("multiline"):
            lines = [f"{label}: {rendered[0]}"]
        else:  # several lines (options) or a multiline box: under the label
            lines = [f"{label}:", *(f"  {r}" for r in rendered)]
        hint = render_text(block.get("hint"))
        if hint:
            lines.append(f"  ({hint})")
        return lines
    if kind == "image":
        return [f"[image: {block.get('alt_text', '')}]"]
    if kind == "markdown":
        return strip_mrkdwn(str(block.get("text", ""))).splitlines()
    if kind == "rich_text":
        return _rich_text(block).rstrip("\n").splitlines()
    if kind == "table":
        rows = []
        for row in block.get("rows") or []:
            cells = [
                str(c.get("text", "")) if c.get("type") == "raw_text" else _rich_text(c).strip()
                for c in row
                if isinstance(c, Mapping)
            ]
            rows.append(" | ".join(cells))
        return rows
    return [f"[{kind} block]"]


def render_blocks(blocks: Sequence[Mapping[str, Any]] | None) -> str:
    """Blocks as text, one block after another."""
    lines: list[str] = []
    for block in blocks or []:
        lines.extend(render_block(block))
    return "\n".join(lines)


def render_view(view: Mapping[str, Any]) -> str:
    """A modal (title box, blocks, Close/Submit) or a Home tab (blocks) as text."""
    body = render_blocks(view.get("blocks") or [])
    if view.get("type") != "modal":
        return body
    title = render_text(view.get("title"))
    top = f"┌─ {title} " + "─" * max(0, _WIDTH - len(title) - 4) + "┐"
    footer = []
    if view.get("close"):
        footer.append(f"[ {render_text(view.get('close'))} ]")
    if view.get("submit"):
        footer.append(f"[ {render_text(view.get('submit'))} ]")
    bottom = "└" + "─" * (_WIDTH - 1) + "┘"
    parts = [top, body]
    if footer:
        parts.append(("  ".join(footer)).rjust(_WIDTH))
    parts.append(bottom)
    return "\n".join(parts)
