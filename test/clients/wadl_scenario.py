"""The MCC scenario over REST/JSON, every call built from the served WADL by python3-wadllib.

usage: /usr/bin/python3 wadl_scenario.py WADL_URL CHANNEL_ID SERVICE_CODE AGENT_USERNAME
Prints one JSON object {step: result}; exits non-zero on a WADL the library cannot follow, a
parameter it refuses, or an HTTP error.

wadllib reads the 2006 WADL namespace only; the bridge serves the 2009 one, as CXF does. The
elements used here (resources, resource, method, request, param, option, representation) are the
same in both, so the one adaptation is the namespace URI, swapped before the library parses.
"""
import json
import sys
import urllib.request

from wadllib.application import Application

WADL_2009 = "http://wadl.dev.java.net/2009/02"
WADL_2006 = "http://research.sun.com/wadl/2006/10"


def load(url):
    with urllib.request.urlopen(url) as res:
        markup = res.read().decode("utf-8")
    if WADL_2009 not in markup:
        raise ValueError("the served WADL is not in the 2009 namespace")
    return Application(url, markup.replace(WADL_2009, WADL_2006))


class Mcc:
    """Each operation by its WADL method id: its resource, its HTTP method, its parameters."""

    def __init__(self, app):
        self.methods = {}
        for tag in app.resources:
            resource = app.get_resource_by_path(tag.attrib["path"])
            for method in resource.method_iter:
                self.methods[method.id] = (resource, method)

    def call(self, op, **values):
        resource, method = self.methods[op]
        body, headers = None, {}
        if method.name == "get":
            url = method.build_request_url(values)
        else:
            url = method.build_request_url()
            media_type, doc = method.build_representation("application/json", values)
            body, headers = doc.encode("utf-8"), {"Content-Type": media_type}
        request = urllib.request.Request(url, data=body, headers=headers, method=method.name.upper())
        with urllib.request.urlopen(request) as res:
            return json.loads(res.read().decode("utf-8"))


def main():
    wadl, channel, service, agent = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
    mcc = Mcc(load(wadl))
    steps = {"operations": sorted(mcc.methods)}
    # serviceCodes repeats; wadllib encodes one value per name, so the codes go comma-separated (the spec accepts both).
    steps["getServiceState"] = mcc.call("getServiceState", channelId=channel, serviceCodes=f"{service},NOPE")
    started = mcc.call("startSession", channelId=channel, serviceid=service, data="from-wadl", contactId="c-wadl", contactValue="+39 000")
    steps["startSession"] = started
    sid = started["sessionId"]
    steps["checkSessionState"] = mcc.call("checkSessionState", sessionId=sid)
    steps["sessionAccept"] = mcc.call("sessionAccept", sessionId=sid)
    steps["setSessionData"] = mcc.call("setSessionData", sessionId=sid, sessionData="x&y <z>")
    steps["checkSessionStateWithData"] = mcc.call("checkSessionStateWithData", sessionId=sid)
    steps["closeSession"] = mcc.call("closeSession", sessionId=sid, reason="REQUEST_FROM_CALLER")
    steps["checkSessionStateAfterClose"] = mcc.call("checkSessionState", sessionId=sid)
    steps["logoutAgentFromChannel"] = mcc.call("logoutAgentFromChannel", channelId=channel, agentUsername=agent)
    steps["startSessionBadChannel"] = mcc.call("startSession", channelId="42", serviceid=service)
    # The library checks values against the WADL: an undeclared parameter or an option outside the list is refused.
    refused = []
    for op, values in [("closeSession", {"sessionId": sid, "reason": "BECAUSE"}), ("setSessionData", {"sessionId": sid, "colour": "red"})]:
        try:
            mcc.call(op, **values)
        except ValueError as e:
            refused.append(str(e))
    steps["refusedByTheLibrary"] = refused
    print(json.dumps(steps))


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # a WADL the library cannot follow, or an HTTP error: say it and fail
        print(f"{type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(1)
