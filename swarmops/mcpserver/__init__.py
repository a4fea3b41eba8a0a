"""`swarmops mcp`: swarmops' tools for any MCP host, through the same tool gate as the chat.

hints.py says what each tool is for an MCP host (title, read-only/destructive/idempotent hints,
and which flag exposes it); policy.py decides what a server started with given flags and a policy
file lists; tokens.py holds the single-use confirm tokens of the two-phase changes; calls.py runs
one call (preview, confirm or elicit, progress, cancellation); server.py serves it over stdio or
streamable HTTP (official MCP SDK, low-level server).
"""
