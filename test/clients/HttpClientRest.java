import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * One MCC REST call through Java 11+'s java.net.http.HttpClient with its defaults: it prefers
 * HTTP/2, so over plain http it asks for `Upgrade: h2c` on a new connection.
 *
 * usage: java HttpClientRest.java METHOD URL [JSON_BODY]
 * Prints the HTTP version, a tab, the status, a tab, the body; exits non-zero on a transport error.
 */
public final class HttpClientRest {
    public static void main(String[] args) throws Exception {
        HttpRequest.BodyPublisher body = args.length > 2 ? HttpRequest.BodyPublishers.ofString(args[2]) : HttpRequest.BodyPublishers.noBody();
        HttpRequest request = HttpRequest.newBuilder(URI.create(args[1])).header("Content-Type", "application/json").method(args[0], body).build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        System.out.print(response.version() + "\t" + response.statusCode() + "\t" + response.body());
    }
}
