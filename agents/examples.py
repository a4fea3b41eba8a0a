"""Requests that belong to no specialist (greetings, thanks, out of scope), for the fast router.

The examples of each tool live beside the tool (tools/*/examples.py); these are the ones no tool
owns, so the fast router recognises them and leaves them to the model router.
"""

from __future__ import annotations

NONE: list[str] = [
    "hello",
    "hi there",
    "thanks",
    "thank you so much",
    "who are you",
    "what can you do",
    "help",
    "write me a poem",
    "tell me a joke",
    "what is the weather tomorrow",
    "book a flight to paris",
    "what's the capital of france",
    "translate this into german",
    "order a pizza",
    "what time is it",
    "good morning",
    "how are you",
    "recommend a movie",
    "summarise the news today",
    "what is 17 times 23",
]
