"""Composing a reminder: the one home of what a reminder says and looks like.

- `context`: the plain data a reminder template is rendered with (an action's, or a
  customer's for a preview); time and the portal address come from the caller.
- `templating`: the sandboxed Jinja2 engine, its checks and the sample context.
- `formatting`: amounts, dates and numbers written in the reminder's language.
- `wording`: an action's subject and body as they will read.
- `messages`: a message's snapshot per channel (recipients, text, HTML, attachments).
- `documents`: the letters and invoice summaries, as PDF bytes.

Composing reads the database but never writes to it, and never reads the clock: the
sending path (relance.delivery) issues portal links and stores what was composed.
"""
