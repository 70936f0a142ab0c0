"""The review app (Textual): walk proposed changes like `git add -p`, write only what was accepted.

Keys: y accept, n skip, a accept the rest of the file, d skip the rest of the file, A accept every
change of this rule (all files), u undo, w why (the current change explained, full screen), j/k
next/previous change, J/K or tab/shift+tab next/previous file, ? help, q write the accepted
changes and quit. Ctrl+C (or Ctrl+Q) quits WITHOUT writing, after a confirmation when something
accepted would be lost. Nothing is written before q.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, ScrollableContainer, Vertical, VerticalScroll
from textual.geometry import Size
from textual.screen import ModalScreen
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Static

from migrate.review import render
from migrate.review.model import ACCEPTED, SKIPPED, Session, WriteOutcome

HELP = """\
migrate review: keys (as in git add -p)

  y        accept this change            n        skip this change
  a        accept the rest of this file  d        skip the rest of this file
  A        accept every pending change of this rule, in all files
  u        undo the last decision
  w        why: rule, message, why and example of this change (full screen)
  j / k    next / previous change        J / K    next / previous file
  tab      next file                     shift+tab previous file
  up/down, page up/down, home/end, left/right: scroll the diff
  q        write the accepted changes and quit (pending: not written)
  ctrl+c   quit WITHOUT writing (asks first if you accepted something)
  ?        this help (any key closes it)

Only accepted changes are written, each file atomically (temp file + rename,
mode bits kept). Files changed on disk during the review are not written.
"""

NARROW_BELOW = 110  # columns: below, the file list is a strip above the diff; from here on a column
FILES_WIDTH = 30  # the file list column (with its border)
FOOTER = "y/n yes/no a/d rest of file A rule j/k J/K move u undo w why q write+quit ?help"


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Static { width: auto; max-width: 100%; height: auto; max-height: 100%;
                          border: round $accent; padding: 0 1; background: $panel; }
    """

    def compose(self) -> ComposeResult:
        yield Static(HELP, id="help-text")

    def on_key(self, event) -> None:
        event.stop()
        self.dismiss()


class ExplainScreen(ModalScreen[None]):
    """The details of the current change on the whole screen (at 80x24 the panel shows only the
    start): rule, safety, message, why, the rule's example. Arrows/page keys scroll; any other key closes."""

    SCROLL_KEYS = {"up", "down", "pageup", "pagedown", "home", "end"}
    DEFAULT_CSS = """
    ExplainScreen { align: center middle; }
    ExplainScreen > VerticalScroll { width: 100%; height: 100%; border: round $accent; background: $panel;
                                     padding: 0 1; scrollbar-size-vertical: 1; }
    """

    def __init__(self, text: Text):
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="explain"):
            yield Static(self.text, id="explain-text")

    def on_mount(self) -> None:
        self.query_one("#explain").focus()
        self.query_one("#explain").border_subtitle = "arrows scroll, any other key closes"

    def on_key(self, event) -> None:
        if event.key in self.SCROLL_KEYS:
            return
        event.stop()
        event.prevent_default()
        self.dismiss()


class DiffView(ScrollView, can_focus=True):
    """The diff as a Line API widget: only the rows on screen are turned into segments. A file with
    many changes or a generated kernel has hundreds of rows; drawing all of them on every key (as
    one Static) made each key take about half a second."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.lines: list[Text] = []
        self._strips: dict[int, Strip] = {}

    def set_lines(self, lines: list[Text]) -> None:
        self.lines = lines
        self._strips = {}
        self.virtual_size = Size(max((t.cell_len for t in lines), default=0), len(lines))
        self.refresh()

    @property
    def plain(self) -> str:
        return "\n".join(t.plain for t in self.lines)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        i = scroll_y + y
        if i >= len(self.lines):
            return Strip.blank(width, self.rich_style)
        strip = self._strips.get(i)
        if strip is None:
            text = self.lines[i]
            strip = self._strips[i] = Strip(list(text.render(self.app.console, end="")), text.cell_len)
        return strip.crop_extend(scroll_x, scroll_x + width, self.rich_style).apply_style(self.rich_style)


class ReviewApp(App[tuple[str, WriteOutcome | None]]):
    TITLE = "migrate review"
    CSS = """
    Screen { layout: vertical; }
    #title { height: 1; background: $primary-background; color: $text; }
    #body { height: 1fr; }
    #files { width: 30; height: 1fr; border-right: solid $primary; overflow: hidden hidden; }
    #diff { height: 1fr; width: 1fr; scrollbar-size-horizontal: 0; scrollbar-size-vertical: 1; }
    #details { height: 9; border-top: solid $primary; scrollbar-size-horizontal: 0; scrollbar-size-vertical: 1; }
    #footer { height: 1; background: $primary-background; }
    #footer.confirm { background: $error; color: $text; text-style: bold; }
    .narrow #body { layout: vertical; }
    .narrow #files { width: 1fr; height: 4; border-right: none; border-bottom: solid $primary; }
    .narrow #details { height: 7; }
    """
    BINDINGS = [
        Binding("y", "accept", "accept", show=False),
        Binding("n", "skip", "skip", show=False),
        Binding("a", "accept_rest", "accept rest of file", show=False),
        Binding("d", "skip_rest", "skip rest of file", show=False),
        Binding("A", "accept_rule", "accept rule", show=False),
        Binding("u", "undo", "undo", show=False),
        Binding("j", "next_change", "next change", show=False),
        Binding("k", "prev_change", "previous change", show=False),
        Binding("J", "next_file", "next file", show=False),
        Binding("K", "prev_file", "previous file", show=False),
        Binding("tab", "next_file", "next file", show=False, priority=True),
        Binding("shift+tab", "prev_file", "previous file", show=False, priority=True),
        Binding("w", "explain", "why: explain this change", show=False),
        Binding("question_mark", "help", "help", show=False),
        Binding("q", "write_quit", "write and quit", show=False),
        Binding("ctrl+c", "interrupt", "quit without writing", show=False, priority=True),
        Binding("ctrl+q", "interrupt", "quit without writing", show=False, priority=True),
    ]

    def __init__(self, session: Session, target=None):
        super().__init__()
        self.session = session
        self.target = target  # write here instead of in place (migrate run --out DST --review)
        self.fi = 0
        self.ci: int | None = None
        self.confirming = False
        self.outcome: WriteOutcome | None = None
        self._message = ""
        self._shown_file: int | None = None
        self._first_change(0)

    # --- layout --------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(id="title")
        with Horizontal(id="body"):
            yield Static(id="files")
            with Vertical():
                yield DiffView(id="diff")
                with ScrollableContainer(id="details", can_focus=False):
                    yield Static(id="details-text")
        yield Static(FOOTER, id="footer")

    def on_mount(self) -> None:
        self.query_one("#diff").focus()
        self._layout_for(self.size.width)
        self.refresh_view()

    def on_resize(self, event) -> None:
        self._layout_for(event.size.width)
        self.refresh_view()

    def _layout_for(self, width: int) -> None:
        self.screen.set_class(width < NARROW_BELOW, "narrow")

    # --- cursor --------------------------------------------------------------------------------
    @property
    def file(self):
        return self.session.files[self.fi] if self.session.files else None

    @property
    def change(self):
        fr = self.file
        return fr.changes[self.ci] if fr is not None and self.ci is not None and fr.changes else None

    def _first_change(self, fi: int) -> None:
        self.fi = fi
        fr = self.file
        if fr is None or not fr.changes:
            self.ci = None
            return
        pending = [i for i, c in enumerate(fr.changes) if self.session.state(c) is None]
        self.ci = pending[0] if pending else 0

    def _positions(self):
        return [(fi, ci) for fi, fr in enumerate(self.session.files) for ci in range(len(fr.changes))]

    def _advance(self) -> None:
        """To the next pending change after the cursor (across files, wrapping); stay if none."""
        pos = self._positions()
        if not pos:
            return
        here = pos.index((self.fi, self.ci)) if (self.fi, self.ci) in pos else -1
        for k in range(1, len(pos) + 1):
            fi, ci = pos[(here + k) % len(pos)]
            if self.session.state(self.session.files[fi].changes[ci]) is None:
                self.fi, self.ci = fi, ci
                return
        self._message = "every change is decided: q writes the accepted ones"

    # --- rendering -----------------------------------------------------------------------------
    def refresh_view(self) -> None:
        if not self.is_mounted:
            return
        # from the terminal size, not the widgets' (not laid out yet on the first frame after a resize)
        narrow = self.size.width < NARROW_BELOW
        width = max(40, self.size.width - (0 if narrow else FILES_WIDTH))
        side = self.size.width >= render.SIDE_BY_SIDE_MIN
        fr, c = self.file, self.change
        acc, skip, pend = self.session.counts()
        self.query_one("#title", Static).update(self._title(fr, c, acc, skip, pend))
        self.query_one("#files", Static).update(self._file_list())
        diff = self.query_one("#diff", DiffView)
        if fr is None:
            diff.set_lines([Text("Nothing to review: no proposed change and no open finding.", style="bold")])
        else:
            rendered = render.render_file(self.session, fr, self.ci, width - 1, side=side)
            diff.set_lines(rendered.lines)
            if self.ci is not None and self.ci in rendered.change_at:
                y = rendered.change_at[self.ci]
                diff.scroll_to(x=0, y=y, animate=False, immediate=True)  # the virtual size is already set
            elif self._shown_file != self.fi:  # a file without changes: from its top, not where the last one was
                diff.scroll_to(x=0, y=0, animate=False, immediate=True)
            self._shown_file = self.fi
        self.query_one("#details-text", Static).update(render.details(self.session, fr, c, width))
        self.query_one("#details").scroll_home(animate=False)
        footer = self.query_one("#footer", Static)
        if self.confirming:
            footer.set_class(True, "confirm")
            footer.update(f"Quit WITHOUT writing {acc} accepted? ctrl+c: yes  q: write+quit  other key: no")
        else:
            footer.set_class(False, "confirm")
            footer.update(self._message or FOOTER)
        self._message = ""

    def _title(self, fr, c, acc: int, skip: int, pend: int) -> Text:
        """` migrate review  PATH [i/n] change j/m  1 yes 2 no 3 pending`, made to fit one line: the
        counts always show; the badge goes first, then the path loses its head (`...data/loader.py`)."""
        where = f" [{self.fi + 1}/{len(self.session.files)}]" if fr is not None else ""
        if c is not None:
            where += f" change {self.ci + 1}/{len(fr.changes)}"
        counts = f"  {acc} yes {skip} no {pend} pending"
        path = fr.path if fr is not None else ""
        badge = " migrate review "
        width = self.size.width
        if len(badge) + 1 + len(path) + len(where) + len(counts) > width:
            badge = ""
            room = width - 1 - len(where) - len(counts)
            if len(path) > room:
                path = "..." + path[-max(1, room - 3):]
        title = Text(badge, style="bold reverse")
        if fr is not None:
            title.append(f" {path}", style="bold")
            title.append(where)
        title.append(counts)
        return title

    def _file_list(self) -> Text:
        t = Text()
        files = self.session.files
        narrow = self.screen.has_class("narrow")
        width = self.size.width if narrow else FILES_WIDTH - 1
        lo = 0
        if narrow:  # the 3-line strip shows the current file and its neighbours, one line each
            lo = max(0, min(self.fi - 1, len(files) - 3))

        def line(row: Text) -> None:  # one row each, cut with an ellipsis rather than wrapped
            row.truncate(max(1, width), overflow="ellipsis")
            t.append_text(row)
            t.append("\n")

        for i, fr in enumerate(files[lo:], start=lo):
            here = i == self.fi
            pend = any(self.session.state(c) is None for c in fr.changes)
            row = Text("> " if here else "  ", style="bold" if here else "")
            row.append(fr.path, style="bold reverse" if here else ("" if pend or not fr.changes else "dim"))
            counts = Text(render.file_counts(self.session, fr, short=not narrow), style="cyan" if pend else "dim")
            if narrow:
                line(row + Text("  ") + counts)
            else:
                line(row)
                line(Text("  ") + counts)
        return t

    # --- actions -------------------------------------------------------------------------------
    def _cancel_confirm(self) -> bool:
        if self.confirming:
            self.confirming = False
            self.refresh_view()
            return True
        return False

    def on_key(self, event) -> None:
        if self.confirming and event.key not in ("ctrl+c", "ctrl+q", "q"):
            event.stop()
            event.prevent_default()
            self._cancel_confirm()

    def _decide(self, keys, value: bool, then_next_file: bool = False) -> None:
        if self._cancel_confirm() or self.session.written:
            return
        if not keys:
            self._message = "no change here to decide (J/K: other files)"
            self.refresh_view()
            return
        self.session.decide(keys, value, (self.fi, self.ci))
        if then_next_file:
            self.ci = len(self.file.changes) - 1
        self._advance()
        self.refresh_view()

    def action_accept(self) -> None:
        c = self.change
        self._decide([c.key] if c else [], ACCEPTED)

    def action_skip(self) -> None:
        c = self.change
        self._decide([c.key] if c else [], SKIPPED)

    def _rest(self):
        fr = self.file
        if fr is None or self.ci is None:
            return []
        return [fr.changes[self.ci].key] + [c.key for c in fr.changes[self.ci + 1:] if self.session.state(c) is None]

    def action_accept_rest(self) -> None:
        self._decide(self._rest(), ACCEPTED, then_next_file=True)

    def action_skip_rest(self) -> None:
        self._decide(self._rest(), SKIPPED, then_next_file=True)

    def action_accept_rule(self) -> None:
        c = self.change
        keys = []
        if c is not None:
            keys = [c.key] + [x.key for fr in self.session.files for x in fr.changes
                              if x.rule == c.rule and x.key != c.key and self.session.state(x) is None]
            self._message = f"accepted {len(keys)} change(s) of {c.rule}"
        self._decide(keys, ACCEPTED)

    def action_undo(self) -> None:
        if self._cancel_confirm() or self.session.written:
            return
        cursor = self.session.undo()
        if cursor is None:
            self._message = "nothing to undo"
        else:
            self.fi, self.ci = cursor
        self.refresh_view()

    def _move(self, step: int) -> None:
        pos = self._positions()
        if not pos:
            return
        if (self.fi, self.ci) in pos:
            k = pos.index((self.fi, self.ci)) + step
        else:  # on a file without changes: the first change after / last before it
            k = next((i for i, p in enumerate(pos) if p[0] > self.fi), len(pos)) if step > 0 else \
                max([i for i, p in enumerate(pos) if p[0] < self.fi], default=-1)
        if 0 <= k < len(pos):
            self.fi, self.ci = pos[k]
        else:
            self._message = "last change" if step > 0 else "first change"

    def action_next_change(self) -> None:
        if not self._cancel_confirm():
            self._move(1)
            self.refresh_view()

    def action_prev_change(self) -> None:
        if not self._cancel_confirm():
            self._move(-1)
            self.refresh_view()

    def action_next_file(self) -> None:
        if not self._cancel_confirm() and self.session.files:
            self._first_change((self.fi + 1) % len(self.session.files))
            self.refresh_view()

    def action_prev_file(self) -> None:
        if not self._cancel_confirm() and self.session.files:
            self._first_change((self.fi - 1) % len(self.session.files))
            self.refresh_view()

    def action_help(self) -> None:
        if not self._cancel_confirm():
            self.push_screen(HelpScreen())

    def action_explain(self) -> None:
        if self._cancel_confirm():
            return
        width = max(40, self.size.width - 6)
        self.push_screen(ExplainScreen(render.details(self.session, self.file, self.change, width)))

    def action_write_quit(self) -> None:
        self.confirming = False
        if self.session.written:  # q pressed again while quitting: already written once
            return
        self.outcome = self.session.write(self.target)
        self.exit(("written", self.outcome))

    def action_interrupt(self) -> None:
        if self.session.written:
            return
        acc = self.session.counts()[0]
        if self.confirming or acc == 0:
            self.exit(("aborted", None), return_code=130)
            return
        self.confirming = True
        self.refresh_view()
