"""Example requests for the documentation tools, as people ask: several phrasings each.

They say what each tool is for, beside the tools themselves; the fast router (agents/fastroute.py)
routes by them, and tests/tools/test_examples.py fails when a tool has fewer than five. They are
written for the tools, not copied from any test or eval case.
"""

from __future__ import annotations

EXAMPLES: dict[str, list[str]] = {
    "search_docs": [
        "how do I turn off caching for a task",
        "what does presigned_get_object do",
        "how do I pass a secret to a component",
        "explain kubeflow experiments",
        "how to write a pipeline with a loop",
        "what is the difference between a pipeline and a run",
        "how do I set CPU limits on a step",
        "documentation on artifacts",
        "how can I retry a failed task in a pipeline",
        "what does the kfp compiler do",
        "how do I read a file from minio in a component",
        "why does my pipeline cache results",
        "explain how approvals work in swarmops",
    ],
    "list_sources": [
        "what documents are indexed",
        "list the sources in the knowledge base",
        "which docs do you know about",
        "what is in the knowledge base",
        "which documentation have you indexed",
    ],
    "index_documents": [
        "index the docs folder",
        "add handbook.pdf to the knowledge base",
        "index s3://docs/guides/",
        "learn the markdown files in ./notes",
        "index the pdf report.pdf",
        "add the folder ./wiki to your knowledge base",
    ],
}
