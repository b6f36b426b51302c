import java.lang.reflect.Method;
import java.net.URL;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import com.sun.xml.ws.developer.SchemaValidationFeature;

import mcc.client.GetServiceStateResult;
import mcc.client.MultiChannelConnector;
import mcc.client.MultiChannelConnectorService;
import mcc.client.Reason;

/**
 * The MCC scenario through JAX-WS RI: stubs that wsimport generated from the served WSDL, with
 * SchemaValidationFeature on, so the client loads the WSDL's schema and validates every request and
 * answer against it (a schema it cannot compile fails the first call).
 *
 * usage: java -cp STUBS:/usr/share/java/jaxws-rt.jar JaxwsScenario WSDL_URL CHANNEL_ID SERVICE_CODE AGENT_USERNAME
 * Prints one JSON object {step: result}; exits non-zero on any fault or transport error.
 */
public final class JaxwsScenario {
    public static void main(String[] args) throws Exception {
        URL wsdl = new URL(args[0]);
        int channel = Integer.parseInt(args[1]);
        String service = args[2];
        String agent = args[3];
        MultiChannelConnector mcc = new MultiChannelConnectorService(wsdl).getMultiChannelConnectorPort(new SchemaValidationFeature());

        Map<String, Object> steps = new LinkedHashMap<>();
        steps.put("getServiceState", plain(mcc.getServiceState(channel, Arrays.asList(service, "NOPE"))));
        Map<String, Object> started = plain(mcc.startSession(channel, service, null, "from-jaxws", null, "c-jaxws", "+39 000"));
        steps.put("startSession", started);
        String sid = (String) started.get("sessionId");
        steps.put("checkSessionState", plain(mcc.checkSessionState(sid)));
        steps.put("sessionAccept", plain(mcc.sessionAccept(sid, null)));
        steps.put("setSessionData", plain(mcc.setSessionData(sid, "x&y <z>")));
        steps.put("checkSessionStateWithData", plain(mcc.checkSessionStateWithData(sid)));
        steps.put("closeSession", plain(mcc.closeSession(sid, Reason.REQUEST_FROM_CALLER)));
        steps.put("checkSessionStateAfterClose", plain(mcc.checkSessionState(sid)));
        steps.put("logoutAgentFromChannel", plain(mcc.logoutAgentFromChannel(channel, agent)));
        steps.put("startSessionBadChannel", plain(mcc.startSession(42, service, null, null, null, null, null)));
        System.out.println(json(steps));
    }

    /** A JAXB result as {field: value}: its getters, enums by name, the state map as {code: state}. */
    private static Map<String, Object> plain(Object result) throws Exception {
        Map<String, Object> out = new TreeMap<>();
        for (Method m : result.getClass().getMethods()) {
            if (!m.getName().startsWith("get") || m.getParameterCount() != 0 || m.getDeclaringClass() == Object.class) continue;
            Object v = m.invoke(result);
            if (v == null) continue;
            String field = Character.toLowerCase(m.getName().charAt(3)) + m.getName().substring(4);
            if (v instanceof GetServiceStateResult.State) {
                Map<String, Object> state = new TreeMap<>();
                for (GetServiceStateResult.State.Entry e : ((GetServiceStateResult.State) v).getEntry()) state.put(e.getKey(), e.getValue().name());
                v = state;
            } else if (v instanceof Enum) {
                v = ((Enum<?>) v).name();
            }
            out.put(field, v);
        }
        return out;
    }

    private static String json(Object v) {
        if (v instanceof Map) {
            StringBuilder b = new StringBuilder("{");
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                if (b.length() > 1) b.append(',');
                b.append(json(String.valueOf(e.getKey()))).append(':').append(json(e.getValue()));
            }
            return b.append('}').toString();
        }
        if (v instanceof Number) return v.toString();
        StringBuilder b = new StringBuilder("\"");
        for (char c : String.valueOf(v).toCharArray()) {
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.append('"').toString();
    }
}
