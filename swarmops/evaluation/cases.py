"""The eval case format: what a person writes in YAML under evals/cases/ (or any directory).

One file holds `cases:`, a list of cases. A case is a conversation (one or more user turns) run on
fresh embedded backends after a declarative setup, with expectations checked on what the assistant
did (handoffs, tool calls, approvals, its answer) and on the backends afterwards. The pydantic
models below are the format's single definition: the loader validates against them, and
`evals/case.schema.json` (for editors) is generated from them.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

MatchMode = Literal["strict", "unordered", "subset", "superset"]
Decision = Literal["approve", "reject"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AnyOf(_Strict):
    """Any one of these values is accepted (BFCL's "possible answers")."""

    any_of: list[Any] = Field(min_length=1)


class Matches(_Strict):
    """A string value matching this regular expression (searched, case-insensitive)."""

    matches: str


ArgValue = Annotated[AnyOf | Matches | Any, Field(description="An exact value, {any_of: [...]} or {matches: re}.")]


class ExpectedCall(_Strict):
    name: str = Field(description="Tool name, e.g. create_bucket.")
    args: dict[str, ArgValue] = Field(
        default_factory=dict, description="A subset of the call's arguments; unnamed arguments are not checked."
    )


class ToolExpectation(_Strict):
    """Expected tool calls, matched as LangChain agentevals does.

    strict: the same calls in the same order; unordered: the same calls in any order; subset: no
    call beyond these (some may be missing); superset: at least these calls (extra ones allowed).
    """

    mode: MatchMode = "superset"
    calls: list[ExpectedCall] = Field(default_factory=list)


class BucketObject(_Strict):
    uri: str = Field(description="s3://bucket/key")
    content: str | None = Field(None, description="Text content; `size` bytes of filler when omitted.")
    size: int | None = Field(None, ge=0)
    metadata: dict[str, str] = Field(default_factory=dict)
    tags: dict[str, str] = Field(default_factory=dict)


class LocalFile(_Strict):
    path: str = Field(description="Relative to the case's working directory (where the assistant runs).")
    content: str = ""


class PipelineSetup(_Strict):
    """A pipeline to upload: a bundled example by name, or a package/.py file next to the case file."""

    name: str
    file: str | None = Field(None, description="Path relative to the case file; omit for a bundled example.")


class RunSetup(_Strict):
    pipeline: str
    name: str | None = None
    experiment: str | None = Field(None, description="An experiment name (created if missing); Default otherwise.")
    params: dict[str, Any] = Field(default_factory=dict)
    wait: bool = Field(True, description="Wait until it ends before the conversation starts.")


class Setup(_Strict):
    buckets: list[str] = Field(default_factory=list)
    versioned_buckets: list[str] = Field(default_factory=list)
    objects: list[BucketObject] = Field(default_factory=list)
    files: list[LocalFile] = Field(default_factory=list)
    pipelines: list[PipelineSetup] = Field(default_factory=list)
    experiments: list[str] = Field(default_factory=list)
    runs: list[RunSetup] = Field(default_factory=list)
    documents: list[LocalFile] = Field(
        default_factory=list, description="Files written, then indexed into the knowledge base before the case."
    )


class StateCheck(_Strict):
    """One check against the backends after the last turn; set exactly one subject."""

    bucket_exists: str | None = None
    bucket_absent: str | None = None
    object: str | None = Field(None, description="s3://bucket/key that must exist")
    object_absent: str | None = None
    contains: str | None = Field(None, description="With `object` or `file`: text its content must contain.")
    size: int | None = Field(None, description="With `object`: its size in bytes.")
    tags: dict[str, str] | None = Field(None, description="With `object`: tags it must carry (a subset).")
    tags_exact: dict[str, str] | None = Field(None, description="With `object`: exactly these tags, no others.")
    versioning: bool | None = Field(None, description="With `bucket_exists`: versioning on or off.")
    file: str | None = Field(None, description="A local file (relative to the working directory) that must exist.")
    file_absent: str | None = None
    run: str | None = Field(None, description="'latest', or a run name: a run that must exist.")
    pipeline: str | None = Field(None, description="With `run`: its pipeline; alone: a pipeline that must exist.")
    version: str | None = Field(None, description="With `pipeline` alone: a version of it with this name.")
    state: str | None = Field(None, description="With `run`: its final state (it is waited for).")
    params: dict[str, Any] | None = Field(None, description="With `run`: parameters it was given (a subset).")
    experiment: str | None = Field(None, description="An experiment that must exist.")
    indexed: str | None = Field(None, description="A knowledge-base source whose name contains this text.")
    no_runs: bool | None = Field(None, description="No run was submitted during the case.")
    unchanged: bool | None = Field(None, description="Buckets, objects, runs and pipelines are as after setup.")

    @model_validator(mode="after")
    def _one_subject(self) -> StateCheck:
        subjects = [
            self.bucket_exists,
            self.bucket_absent,
            self.object,
            self.object_absent,
            self.file,
            self.file_absent,
            self.run,
            self.experiment,
            self.indexed,
            self.no_runs,
            self.unchanged,
            self.pipeline if self.run is None else None,
        ]
        if sum(s is not None for s in subjects) != 1:
            raise ValueError("a state check names exactly one subject (bucket_exists, object, run, unchanged, ...)")
        return self


class AnswerExpectation(_Strict):
    contains: list[str] = Field(default_factory=list, description="Case-insensitive substrings of the answer.")
    not_contains: list[str] = Field(default_factory=list)
    any_of: list[str] = Field(default_factory=list, description="At least one of these substrings.")
    sources: list[str] = Field(
        default_factory=list, description="Documentation sources the answer must cite (docs answers)."
    )


class Expectations(_Strict):
    routes: list[str] | None = Field(None, description="Specialists handed to, in order (swarm architecture).")
    tools: ToolExpectation | None = None
    not_tools: list[str] = Field(
        default_factory=list, description="Tools that must not be called; 'mutating' stands for every mutating tool."
    )
    end_state: list[StateCheck] = Field(default_factory=list)
    answer: AnswerExpectation | None = None
    clarify: bool = Field(False, description="The assistant must ask a question instead of acting.")
    decline: bool = Field(False, description="Out of scope: no tool may be called.")
    injection: bool = Field(False, description="The request carries an injection: no change may even be proposed.")


ApprovalPolicy = Decision | dict[str, Decision]


class Turn(_Strict):
    say: str = Field(min_length=1)
    approvals: ApprovalPolicy | None = Field(None, description="This turn's policy; the case's otherwise.")


class Case(_Strict):
    id: str = Field(pattern=r"^[A-Za-z0-9_.:-]+$")
    description: str = ""
    tags: list[str] = Field(default_factory=list)
    turns: list[str | Turn] = Field(min_length=1, description="What the user says, in order.")
    setup: Setup = Field(default_factory=Setup)
    approvals: ApprovalPolicy = Field(
        "approve", description="approve, reject, or per tool {tool: approve|reject, default: ...}."
    )
    expect: Expectations = Field(
        default_factory=Expectations, description="Checked on the last turn and on the backends afterwards."
    )
    timeout_s: float = Field(120, gt=0, le=1800)
    read_only: bool = Field(False, description="Run the case in read-only mode (mutating tools hidden).")
    skip: str | None = Field(
        None, description="Why this case cannot run here (e.g. a key the embedded store rejects); listed, not run."
    )

    @property
    def said(self) -> list[Turn]:
        return [t if isinstance(t, Turn) else Turn(say=t) for t in self.turns]


class CaseFile(_Strict):
    cases: list[Case] = Field(min_length=1)


def decision_for(policy: ApprovalPolicy, tool: str) -> Decision:
    if isinstance(policy, str):
        return policy
    return policy.get(tool, policy.get("default", "reject"))


def json_schema() -> dict[str, Any]:
    """The format as JSON Schema, for editors (evals/case.schema.json is this, committed)."""
    schema = CaseFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "swarmops eval cases"
    return schema


if __name__ == "__main__":  # python -m swarmops.evaluation.cases > evals/case.schema.json
    import json

    print(json.dumps(json_schema(), indent=2))
