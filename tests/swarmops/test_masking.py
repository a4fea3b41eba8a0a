from swarmops.masking import Masker


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
