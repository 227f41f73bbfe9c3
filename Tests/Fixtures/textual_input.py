"""A Textual app with one Input: each submitted value is appended to argv[1] as a line.

Used to check that notify-pane neither mistakes Textual's empty input (placeholder text,
its own cursor) for a human draft nor loses the Enter after a bracketed paste."""
import sys

from textual.app import App, ComposeResult
from textual.widgets import Input, Static


class Recorder(App):
    def compose(self) -> ComposeResult:
        yield Static("textual>")
        yield Input(placeholder="Type a message and press Enter")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        with open(sys.argv[1], "a", encoding="utf-8") as out:
            out.write(event.value + "\n")
        event.input.value = ""


if __name__ == "__main__":
    Recorder().run()
