from tools.masking import Masker


def test_known_secret_values_are_scrubbed_anywhere() -> None:
    m = Masker(["supersecretvalue"])
    out = m.data({"msg": "auth failed for supersecretvalue", "nested": [{"x": "a supersecretvalue b"}]})
    assert "supersecretvalue" not in repr(out)


def test_secret_looking_keys_are_masked() -> None:
    out = Masker().data({"api_key": "abcdefghijkl", "password": "hunter2hunter2", "bucket": "keep-me"})
    assert out["bucket"] == "keep-me" and "abcdefghijkl" not in repr(out) and "hunter2hunter2" not in repr(out)


def test_presigned_signatures_are_masked_in_logs() -> None:
    url = "http://h/b/k?X-Amz-Credential=AKIA%2Fx&X-Amz-Signature=deadbeef1234&X-Amz-Expires=60"
    out = Masker().text(url, signatures=True)
    assert "deadbeef1234" not in out and "AKIA" not in out and "X-Amz-Expires=60" in out


def test_provider_picks_up_secrets_that_appear_later() -> None:
    secrets: list[str] = []
    m = Masker(lambda: secrets)
    assert m.text("token-abcdef") == "token-abcdef"
    secrets.append("token-abcdef")
    assert "token-abcdef" not in m.text("token-abcdef")


def test_credentials_are_recognised_by_their_shape() -> None:
    """Keys nobody told us about: what a person pastes, what a log prints."""
    m = Masker()
    for secret, text in [
        ("sk-proj-abcdefghijklmnopqrstuvwxyz0123", "my key is sk-proj-abcdefghijklmnopqrstuvwxyz0123 thanks"),
        ("AKIAIOSFODNN7EXAMPLE", "aws AKIAIOSFODNN7EXAMPLE"),
        ("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", '{"secret_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}'),
        ("hunter2hunter2", "password=hunter2hunter2"),
        ("abcdefghijklmnopqrstuvwxyz0123", "Authorization: Bearer abcdefghijklmnopqrstuvwxyz0123"),
        ("pa55word", "s3 at http://admin:pa55word@minio:9000"),
        ("ghp_abcdefghijklmnopqrstuvwxyz0123456789", "token ghp_abcdefghijklmnopqrstuvwxyz0123456789"),
    ]:
        assert secret not in m.text(text), text


def test_ordinary_mlops_text_is_left_alone() -> None:
    m = Masker()
    for text in [
        "upload train.csv to raw-data",
        "run 3f2a6c1e-4b5d-4e6f-8a7b-9c0d1e2f3a4b with max_depth=7 and n_estimators=50",
        "LLM 3 calls, 1200/450 tokens",
        "tokens: 123456789",
        "the access key is wrong",
        "s3://raw-data/secret_plans.csv",
    ]:
        assert m.text(text) == text
