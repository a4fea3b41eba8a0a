"""Drawing `tools.charts.Chart` records, one module per target.

- `swarmops.charts.png.png(chart)`: PNG bytes (matplotlib) for Slack, MCP, eval reports and
  `swarmops ask --save-charts`;
- `swarmops.charts.terminal.text(chart)` and `numbers(chart)`: plotext text and a rich table for
  the terminal chat and `swarmops ask`.

Nothing is imported here: each drawing library is loaded by the function that needs it, so code
that merely carries charts (the CLI at start-up, the session) never pays for matplotlib or plotext.
"""
