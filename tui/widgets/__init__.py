"""Widgets of the terminal chat: conversation items, tool panels, approval cards, sidebar, status."""
