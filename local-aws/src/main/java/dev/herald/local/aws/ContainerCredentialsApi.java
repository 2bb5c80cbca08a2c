package dev.herald.local.aws;

import dev.herald.local.http.HttpCall;
import dev.herald.local.http.HttpEndpoint;
import dev.herald.local.http.HttpReply;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The container-credentials endpoint a Lambda function with SnapStart gets its execution role's credentials from:
 * such a function has no {@code AWS_ACCESS_KEY_ID} in its environment, only {@code AWS_CONTAINER_CREDENTIALS_FULL_URI}
 * (this endpoint) and {@code AWS_CONTAINER_AUTHORIZATION_TOKEN}, which the SDK's default credentials chain sends in
 * the {@code Authorization} header. It answers the current function session of {@link LocalCredentials} in the shape
 * the SDK's {@code ContainerCredentialsProvider} reads.
 */
public final class ContainerCredentialsApi implements HttpEndpoint {

    public static final String PATH = "/local/lambda-credentials";
    public static final String FULL_URI = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
    public static final String AUTHORIZATION_TOKEN = "AWS_CONTAINER_AUTHORIZATION_TOKEN";

    private final LocalCredentials credentials;
    private final String authorizationToken;

    public ContainerCredentialsApi(LocalCredentials credentials, String authorizationToken) {
        this.credentials = credentials;
        this.authorizationToken = authorizationToken;
    }

    /** The variables Lambda gives a SnapStart function, pointing at this endpoint of {@code baseUrl}. */
    public Map<String, String> environment(String baseUrl) {
        return Map.of(FULL_URI, baseUrl + PATH, AUTHORIZATION_TOKEN, authorizationToken);
    }

    @Override
    public Optional<HttpReply> handle(HttpCall call) {
        if (!call.path().equals(PATH)) {
            return Optional.empty();
        }
        if (!call.method().equals("GET")) {
            return Optional.of(HttpReply.error(405, "GET " + PATH + " with the Authorization token"));
        }
        String token = call.header("authorization").orElse("");
        if (!MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8), authorizationToken.getBytes(StandardCharsets.UTF_8))) {
            return Optional.of(HttpReply.error(401, "the Authorization header must hold AWS_CONTAINER_AUTHORIZATION_TOKEN"));
        }
        LocalCredentials.Issued session = credentials.functionSession();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("AccessKeyId", session.accessKeyId());
        body.put("SecretAccessKey", session.secretAccessKey());
        body.put("Token", session.sessionToken());
        body.put("Expiration", session.expiration().toString());
        return Optional.of(HttpReply.json(200, body));
    }
}
