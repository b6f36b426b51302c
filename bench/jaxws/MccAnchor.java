import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.Executors;
import javax.jws.WebService;
import javax.xml.ws.Endpoint;
import mcc.server.*;

/**
 * The JAX-WS RI anchor of the benchmark: the SEI that wsimport generated from the bridge's served
 * WSDL (package mcc.server), implemented with checkSessionState answering the bench's constant,
 * published on the JDK's own HttpServer with a fixed pool of 8 threads (run it with
 * -Dsun.net.httpserver.nodelay=true). Arguments: result sessionId status customMessage. Prints
 * "listening <port>" once it serves. The other operations are not measured and refuse.
 */
// The names of the served WSDL's service and port (the SEI carries the payload's namespace).
@WebService(
    endpointInterface = "mcc.server.MultiChannelConnector",
    targetNamespace = "http://ws.mcc.tvox.teleniasoft.com/",
    serviceName = "MultiChannelConnectorService",
    portName = "MultiChannelConnectorPort")
public class MccAnchor implements MultiChannelConnector {
  private final CheckSessionResult answer = new CheckSessionResult();

  MccAnchor(String[] args) {
    answer.setResult(CommandResult.fromValue(args[0]));
    answer.setSessionId(args[1]);
    answer.setStatus(SessionStatus.fromValue(args[2]));
    answer.setCustomMessage(args[3]);
  }

  public static void main(String[] args) throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
    server.setExecutor(Executors.newFixedThreadPool(8));
    Endpoint.create(new MccAnchor(args)).publish(server.createContext("/mc/cxf/soap"));
    server.start();
    System.out.println("listening " + server.getAddress().getPort());
  }

  @Override
  public CheckSessionResult checkSessionState(String sessionId) {
    return answer;
  }

  private static UnsupportedOperationException notMeasured() {
    return new UnsupportedOperationException("not measured by the bench");
  }

  @Override
  public StartSessionResult startSession(Integer channelId, String serviceid, String sessionId, String data, String description, String contactId, String contactValue) {
    throw notMeasured();
  }

  @Override
  public SessionAcceptResult sessionAccept(String sessionId, String user) {
    throw notMeasured();
  }

  @Override
  public CheckSessionWithDataResult checkSessionStateWithData(String sessionId) {
    throw notMeasured();
  }

  @Override
  public SetSessionDataResult setSessionData(String sessionId, String sessionData) {
    throw notMeasured();
  }

  @Override
  public CloseSessionResult closeSession(String sessionId, Reason reason) {
    throw notMeasured();
  }

  @Override
  public GetServiceStateResult getServiceState(Integer channelId, List<String> serviceCodes) {
    throw notMeasured();
  }

  @Override
  public LogoutAgentResult logoutAgentFromChannel(Integer channelId, String agentUsername) {
    throw notMeasured();
  }
}
