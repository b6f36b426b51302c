<?php
// The MCC scenario through PHP's SoapClient in WSDL mode, a client built from the served WSDL.
// usage: php php_scenario.php WSDL_URL CHANNEL_ID SERVICE_CODE AGENT_USERNAME
// Prints one JSON object {step: result}; exits non-zero on any fault or transport error.

function plain($result) {
    $out = json_decode(json_encode($result->return), true);
    if (isset($out['state'])) {
        $entries = $out['state']['entry'] ?? [];
        if (isset($entries['key'])) $entries = [$entries]; // a single entry is not wrapped in a list
        $out['state'] = [];
        foreach ($entries as $e) $out['state'][$e['key']] = $e['value'];
    }
    return $out;
}

[$script, $wsdl, $channel, $service, $agent] = $argv;
$channel = (int)$channel;
try {
    $mcc = new SoapClient($wsdl, ['trace' => true, 'exceptions' => true, 'cache_wsdl' => WSDL_CACHE_NONE, 'soap_version' => SOAP_1_1]);
    $steps = [];
    $steps['getServiceState'] = plain($mcc->getServiceState(['channelId' => $channel, 'serviceCodes' => [$service, 'NOPE']]));
    $started = plain($mcc->startSession(['channelId' => $channel, 'serviceid' => $service, 'data' => 'from-php', 'contactId' => 'c-php', 'contactValue' => '+39 000']));
    $steps['startSession'] = $started;
    $sid = $started['sessionId'];
    $steps['checkSessionState'] = plain($mcc->checkSessionState(['sessionId' => $sid]));
    $steps['sessionAccept'] = plain($mcc->sessionAccept(['sessionId' => $sid]));
    $steps['setSessionData'] = plain($mcc->setSessionData(['sessionId' => $sid, 'sessionData' => 'x&y <z>']));
    $steps['checkSessionStateWithData'] = plain($mcc->checkSessionStateWithData(['sessionId' => $sid]));
    $steps['closeSession'] = plain($mcc->closeSession(['sessionId' => $sid, 'reason' => 'REQUEST_FROM_CALLER']));
    $steps['checkSessionStateAfterClose'] = plain($mcc->checkSessionState(['sessionId' => $sid]));
    $steps['logoutAgentFromChannel'] = plain($mcc->logoutAgentFromChannel(['channelId' => $channel, 'agentUsername' => $agent]));
    $steps['startSessionBadChannel'] = plain($mcc->startSession(['channelId' => 42, 'serviceid' => $service]));
    echo json_encode($steps), "\n";
} catch (Throwable $e) {
    fwrite(STDERR, get_class($e) . ': ' . $e->getMessage() . "\n");
    exit(1);
}
