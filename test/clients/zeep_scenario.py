"""The MCC scenario through zeep (strict), a client generated from the served WSDL.

usage: /usr/bin/python3 zeep_scenario.py WSDL_URL CHANNEL_ID SERVICE_CODE AGENT_USERNAME
Prints one JSON object {step: result}; exits non-zero on any fault or transport error.
"""
import json
import sys

import zeep
from zeep.helpers import serialize_object


def plain(result):
    data = serialize_object(result, dict)
    out = {k: v for k, v in data.items() if v is not None}
    if isinstance(out.get("state"), dict):
        out["state"] = {e["key"]: e["value"] for e in out["state"].get("entry") or []}
    return out


def main():
    wsdl, channel, service, agent = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    client = zeep.Client(wsdl, settings=zeep.Settings(strict=True, raw_response=False))
    mcc = client.service
    steps = {}
    steps["getServiceState"] = plain(mcc.getServiceState(channelId=channel, serviceCodes=[service, "NOPE"]))
    started = plain(mcc.startSession(channelId=channel, serviceid=service, data="from-zeep", contactId="c-zeep", contactValue="+39 000"))
    steps["startSession"] = started
    sid = started["sessionId"]
    steps["checkSessionState"] = plain(mcc.checkSessionState(sessionId=sid))
    steps["sessionAccept"] = plain(mcc.sessionAccept(sessionId=sid))
    steps["setSessionData"] = plain(mcc.setSessionData(sessionId=sid, sessionData="x&y <z>"))
    steps["checkSessionStateWithData"] = plain(mcc.checkSessionStateWithData(sessionId=sid))
    steps["closeSession"] = plain(mcc.closeSession(sessionId=sid, reason="REQUEST_FROM_CALLER"))
    steps["checkSessionStateAfterClose"] = plain(mcc.checkSessionState(sessionId=sid))
    steps["logoutAgentFromChannel"] = plain(mcc.logoutAgentFromChannel(channelId=channel, agentUsername=agent))
    steps["startSessionBadChannel"] = plain(mcc.startSession(channelId=42, serviceid=service))
    print(json.dumps(steps))


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # a fault or a transport error: say it and fail
        print(f"{type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(1)
