"""Schemathesis checks of our own, loaded by .ci/schemathesis through SCHEMATHESIS_HOOKS."""
import schemathesis


@schemathesis.check
def problem_details(ctx, response, case):
    """Every 4xx answer is an RFC 9457 problem: application/problem+json with type, title, status."""
    if not 400 <= response.status_code < 500:
        return None
    ctype = response.headers.get("content-type", [""])
    ctype = ctype[0] if isinstance(ctype, list) else ctype
    if not ctype.startswith("application/problem+json"):
        raise AssertionError(f"{response.status_code} with content-type {ctype!r}, not application/problem+json")
    body = response.json()
    for key in ("type", "title", "status"):
        if key not in body:
            raise AssertionError(f"problem body without {key!r}: {body}")
    if body["status"] != response.status_code:
        raise AssertionError(f"problem status {body['status']} but HTTP {response.status_code}")
    return None
