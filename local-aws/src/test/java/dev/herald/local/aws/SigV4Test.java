package dev.herald.local.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.local.http.HttpCall;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/** herald local's SigV4 check against requests signed by the AWS SDK's own signer. */
class SigV4Test {

    private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final String BODY = "{\"Entries\":[{\"Source\":\"demo.app\"}]}";

    private final LocalCredentials credentials = new LocalCredentials("AKIAHERALDTEST00001", "app-secret", CLOCK);
    private final SigV4 sigV4 = new SigV4(credentials, CLOCK);

    @Test
    void verify_requestSignedWithTheAppCredentials_isAccepted() {
        // given
        HttpCall call = signed(AwsCredentialsIdentity.create("AKIAHERALDTEST00001", "app-secret"), "events", NOW, BODY);

        // when / then
        assertThat(sigV4.verify(call, "events")).isEmpty();
    }

    @Test
    void verify_pathAndQueryThatNeedEncoding_isAccepted() {
        // given: a connection id with '=' (API Gateway's ids end in one), and a query with spaces
        SdkHttpRequest request = request(URI.create("http://127.0.0.1:8787/@connections/AbC%3D?x=a%20b&a=1"), BODY);
        HttpCall call = sign(request, AwsCredentialsIdentity.create("AKIAHERALDTEST00001", "app-secret"), "execute-api", NOW, BODY);

        // when / then
        assertThat(sigV4.verify(call, "execute-api")).isEmpty();
    }

    @Test
    void verify_functionSessionWithItsToken_isAccepted() {
        // given
        LocalCredentials.Issued session = credentials.functionSession();
        HttpCall call = signed(AwsSessionCredentialsIdentity.create(session.accessKeyId(), session.secretAccessKey(), session.sessionToken()),
                "sns", NOW, BODY);

        // when / then
        assertThat(sigV4.verify(call, "sns")).isEmpty();
    }

    @Test
    void verify_madeUpStaticKeys_areUnrecognized() {
        // given: what Herald's clients used to sign with whenever an endpoint was overridden
        HttpCall call = signed(AwsCredentialsIdentity.create("local", "local"), "events", NOW, BODY);

        // when / then
        assertThat(sigV4.verify(call, "events")).hasValueSatisfying(r -> {
            assertThat(r.failure()).isEqualTo(SigV4.Failure.UNRECOGNIZED_CLIENT);
            assertThat(r.message()).isEqualTo("The security token included in the request is invalid.");
        });
    }

    @Test
    void verify_wrongSecret_isAnInvalidSignature() {
        // given
        HttpCall call = signed(AwsCredentialsIdentity.create("AKIAHERALDTEST00001", "not-the-secret"), "events", NOW, BODY);

        // when / then
        assertThat(sigV4.verify(call, "events")).hasValueSatisfying(r -> {
            assertThat(r.failure()).isEqualTo(SigV4.Failure.INVALID_SIGNATURE);
            assertThat(r.message()).startsWith("The request signature we calculated does not match");
        });
    }

    @Test
    void verify_bodyChangedAfterSigning_isAnInvalidSignature() {
        // given
        HttpCall signed = signed(AwsCredentialsIdentity.create("AKIAHERALDTEST00001", "app-secret"), "events", NOW, BODY);
        HttpCall tampered = signed.withBody(BODY.replace("demo.app", "evil.app").getBytes(StandardCharsets.UTF_8), false);

        // when / then
        assertThat(sigV4.verify(tampered, "events")).map(SigV4.Refusal::failure).contains(SigV4.Failure.INVALID_SIGNATURE);
    }

    @Test
    void verify_sessionKeyWithoutItsToken_isUnrecognized() {
        // given
        LocalCredentials.Issued session = credentials.functionSession();
        HttpCall call = signed(AwsCredentialsIdentity.create(session.accessKeyId(), session.secretAccessKey()), "events", NOW, BODY);

        // when / then
        assertThat(sigV4.verify(call, "events")).map(SigV4.Refusal::failure).contains(SigV4.Failure.UNRECOGNIZED_CLIENT);
    }

    @Test
    void verify_sessionPastItsExpiration_isAnExpiredToken() {
        // given: a session issued two hours before now
        Clock earlier = Clock.fixed(NOW.minus(Duration.ofHours(2)), ZoneOffset.UTC);
        LocalCredentials issuing = new LocalCredentials("AKIAHERALDTEST00001", "app-secret", earlier);
        LocalCredentials.Issued session = issuing.functionSession();
        HttpCall call = signed(AwsSessionCredentialsIdentity.create(session.accessKeyId(), session.secretAccessKey(), session.sessionToken()),
                "events", NOW, BODY);

        // when / then
        assertThat(new SigV4(issuing, CLOCK).verify(call, "events")).map(SigV4.Refusal::failure).contains(SigV4.Failure.EXPIRED_TOKEN);
    }

    @Test
    void verify_signedTenMinutesAgo_isExpired() {
        // given
        HttpCall call = signed(AwsCredentialsIdentity.create("AKIAHERALDTEST00001", "app-secret"), "events", NOW.minus(Duration.ofMinutes(10)), BODY);

        // when / then
        assertThat(sigV4.verify(call, "events")).hasValueSatisfying(r -> {
            assertThat(r.failure()).isEqualTo(SigV4.Failure.INVALID_SIGNATURE);
            assertThat(r.message()).startsWith("Signature expired: 20261205T095000Z is now earlier than 20261205T095500Z");
        });
    }

    @Test
    void verify_signedForAnotherService_isRefused() {
        // given
        HttpCall call = signed(AwsCredentialsIdentity.create("AKIAHERALDTEST00001", "app-secret"), "sqs", NOW, BODY);

        // when / then
        assertThat(sigV4.verify(call, "events")).hasValueSatisfying(r -> assertThat(r.message()).contains("scoped to correct service: 'events'"));
    }

    @Test
    void verify_noAuthorization_isMissingAuthentication() {
        // given
        HttpCall call = new HttpCall("POST", "/", Map.of(), Map.of("host", "127.0.0.1:8787"), BODY.getBytes(StandardCharsets.UTF_8), false);

        // when / then
        assertThat(sigV4.verify(call, "events")).map(SigV4.Refusal::failure).contains(SigV4.Failure.MISSING_AUTHENTICATION);
        assertThat(SigV4.refuseUnsigned(call, AwsErrors.Protocol.AWS_QUERY)).hasValueSatisfying(reply -> {
            assertThat(reply.status()).isEqualTo(403);
            assertThat(reply.bodyText()).contains("<Code>MissingAuthenticationToken</Code>");
        });
    }

    @Test
    void verify_authorizationWithoutSignature_isIncomplete() {
        // given
        HttpCall call = new HttpCall("POST", "/", Map.of(), Map.of("host", "127.0.0.1:8787", "x-amz-date", "20261205T100000Z",
                "authorization", "AWS4-HMAC-SHA256 Credential=AKIAHERALDTEST00001/20261205/us-east-1/events/aws4_request"), new byte[0], false);

        // when / then
        assertThat(sigV4.verify(call, "events")).map(SigV4.Refusal::failure).contains(SigV4.Failure.INCOMPLETE_SIGNATURE);
    }

    private static HttpCall signed(AwsCredentialsIdentity identity, String service, Instant at, String body) {
        return sign(request(URI.create("http://127.0.0.1:8787/"), body), identity, service, at, body);
    }

    private static SdkHttpRequest request(URI uri, String body) {
        return SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(uri)
                .putHeader("Content-Type", "application/x-amz-json-1.1")
                .putHeader("X-Amz-Target", "AWSEvents.PutEvents")
                .putHeader("Content-Length", String.valueOf(body.getBytes(StandardCharsets.UTF_8).length))
                .build();
    }

    /** Signs as the SDK does, then turns the signed request into the call herald local's server would hand over. */
    private static HttpCall sign(SdkHttpRequest request, AwsCredentialsIdentity identity, String service, Instant at, String body) {
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r.identity(identity).request(request)
                .payload(ContentStreamProvider.fromUtf8String(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.REGION_NAME, "eu-west-1")
                .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, Clock.fixed(at, ZoneOffset.UTC)));
        SdkHttpRequest out = signed.request();
        Map<String, String> headers = new TreeMap<>();
        out.headers().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
        headers.put("host", out.host() + ":" + out.port());
        String rawPath = out.encodedPath();
        Optional<String> rawQuery = out.encodedQueryParameters();
        return new HttpCall(out.method().name(), rawPath, Map.of(), headers, body.getBytes(StandardCharsets.UTF_8), false, rawPath,
                rawQuery.orElse(null));
    }
}
