package dev.herald.local.aws;

import dev.herald.local.http.HttpCall;
import dev.herald.local.http.HttpReply;
import dev.herald.local.http.UrlEncoded;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks an AWS Signature Version 4 {@code Authorization} header the way AWS does: the access key must be one that
 * {@link LocalCredentials} issued (with its session token, for temporary credentials that have not expired), the
 * scope must name the service being called, the request time must be within 5 minutes of now, and the signature
 * must match one computed here from the request as received: method, path, query, the signed headers and the body.
 * So a client that signs with made-up keys, or whose request changed after signing, is refused exactly as in AWS.
 */
public final class SigV4 {

    public static final String ALGORITHM = "AWS4-HMAC-SHA256";
    /** How far a request's {@code X-Amz-Date} may be from now. */
    static final Duration MAX_SKEW = Duration.ofMinutes(5);
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final HexFormat HEX = HexFormat.of();

    /** Why a request is refused; each endpoint answers it in its own protocol's error shape (see {@link AwsErrors#auth}). */
    public enum Failure {
        /** No {@code Authorization} header. */
        MISSING_AUTHENTICATION,
        /** An {@code Authorization} header that is not a complete SigV4 one. */
        INCOMPLETE_SIGNATURE,
        /** An access key herald local never issued, or a temporary key without its session token. */
        UNRECOGNIZED_CLIENT,
        /** Temporary credentials past their expiration. */
        EXPIRED_TOKEN,
        /** The signature does not match, the scope names another service, or the request time is too far off. */
        INVALID_SIGNATURE
    }

    /** A refusal and its message, worded as AWS words it. */
    public record Refusal(Failure failure, String message) {
    }

    private final LocalCredentials credentials;
    private final Clock clock;

    public SigV4(LocalCredentials credentials, Clock clock) {
        this.credentials = credentials;
        this.clock = clock;
    }

    /** A call without any credentials, refused in {@code protocol}'s shape before its body is read. */
    public static Optional<HttpReply> refuseUnsigned(HttpCall head, AwsErrors.Protocol protocol) {
        return head.header("authorization").isPresent() ? Optional.empty()
                : Optional.of(AwsErrors.auth(protocol, new Refusal(Failure.MISSING_AUTHENTICATION, "Missing Authentication Token")));
    }

    /** {@link #verify}'s refusal as {@code protocol}'s error reply; empty when the call is properly signed. */
    public Optional<HttpReply> refuse(HttpCall call, String service, AwsErrors.Protocol protocol) {
        return verify(call, service).map(refusal -> AwsErrors.auth(protocol, refusal));
    }

    /** Empty when the call is signed, for {@code service}, with credentials herald local issued; else why not. */
    public Optional<Refusal> verify(HttpCall call, String service) {
        Optional<String> header = call.header("authorization");
        if (header.isEmpty()) {
            return refuse(Failure.MISSING_AUTHENTICATION, "Missing Authentication Token");
        }
        Optional<Authorization> parsed = Authorization.parse(header.get());
        if (parsed.isEmpty()) {
            return refuse(Failure.INCOMPLETE_SIGNATURE, "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' "
                    + "parameters of algorithm " + ALGORITHM + ". Authorization=" + firstWord(header.get()));
        }
        Authorization auth = parsed.get();
        Optional<String> amzDate = call.header("x-amz-date");
        if (amzDate.isEmpty()) {
            return refuse(Failure.INCOMPLETE_SIGNATURE, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
        }
        Instant requestTime;
        try {
            requestTime = Instant.from(AMZ_DATE.parse(amzDate.get()));
        } catch (DateTimeParseException e) {
            return refuse(Failure.INCOMPLETE_SIGNATURE, "Date must be in ISO-8601 'basic format'. Got '" + amzDate.get() + "'.");
        }
        Optional<LocalCredentials.Issued> issued = credentials.find(auth.accessKeyId());
        String sessionToken = call.header("x-amz-security-token").orElse(null);
        if (issued.isEmpty() || !issued.get().acceptsToken(sessionToken)) {
            return refuse(Failure.UNRECOGNIZED_CLIENT, "The security token included in the request is invalid.");
        }
        Instant now = clock.instant();
        if (issued.get().expiredAt(now)) {
            return refuse(Failure.EXPIRED_TOKEN, "The security token included in the request is expired");
        }
        if (!auth.service().equals(service)) {
            return refuse(Failure.INVALID_SIGNATURE, "Credential should be scoped to correct service: '" + service + "'. ");
        }
        if (!auth.date().equals(amzDate.get().substring(0, 8))) {
            return refuse(Failure.INVALID_SIGNATURE, "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '"
                    + auth.date() + "' != '" + amzDate.get().substring(0, 8) + "', from '" + amzDate.get() + "'.");
        }
        if (Duration.between(requestTime, now).abs().compareTo(MAX_SKEW) > 0) {
            String nowText = AMZ_DATE.format(now);
            return refuse(Failure.INVALID_SIGNATURE, requestTime.isBefore(now)
                    ? "Signature expired: " + amzDate.get() + " is now earlier than " + AMZ_DATE.format(now.minus(MAX_SKEW)) + " (" + nowText + " - 5 min.)"
                    : "Signature not yet current: " + amzDate.get() + " is still later than " + AMZ_DATE.format(now.plus(MAX_SKEW)) + " (" + nowText + " + 5 min.)");
        }
        if (!auth.signedHeaders().contains("host")) {
            return refuse(Failure.INVALID_SIGNATURE, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
        }
        String canonical = canonicalRequest(call, auth.signedHeaders());
        String stringToSign = ALGORITHM + "\n" + amzDate.get() + "\n" + auth.scope() + "\n" + hex(sha256(canonical.getBytes(StandardCharsets.UTF_8)));
        byte[] key = signingKey(issued.get().secretAccessKey(), auth.date(), auth.region(), auth.service());
        String expected = hex(hmac(key, stringToSign));
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), auth.signature().getBytes(StandardCharsets.US_ASCII))) {
            return refuse(Failure.INVALID_SIGNATURE, "The request signature we calculated does not match the signature you provided. "
                    + "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.");
        }
        return Optional.empty();
    }

    /** The canonical request of SigV4, built from the request as it arrived (so any change after signing shows). */
    static String canonicalRequest(HttpCall call, List<String> signedHeaders) {
        StringBuilder headers = new StringBuilder();
        for (String name : signedHeaders) {
            headers.append(name).append(':').append(call.header(name).map(SigV4::trimAll).orElse("")).append('\n');
        }
        String payloadHash = call.header("x-amz-content-sha256").filter("UNSIGNED-PAYLOAD"::equals)
                .orElseGet(() -> hex(sha256(call.body())));
        return call.method() + "\n" + canonicalUri(call.rawPath()) + "\n" + canonicalQuery(call.rawQuery()) + "\n"
                + headers + "\n" + String.join(";", signedHeaders) + "\n" + payloadHash;
    }

    /** Every service but S3 encodes the already-encoded path once more. */
    static String canonicalUri(String rawPath) {
        if (rawPath == null || rawPath.isEmpty()) {
            return "/";
        }
        return encode(rawPath).replace("%2F", "/");
    }

    static String canonicalQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        return UrlEncoded.pairs(rawQuery).stream()
                .map(pair -> Map.entry(encode(pair.getKey()), encode(pair.getValue())))
                .sorted(Map.Entry.<String, String>comparingByKey().thenComparing(Map.Entry.comparingByValue()))
                .map(pair -> pair.getKey() + "=" + pair.getValue())
                .collect(Collectors.joining("&"));
    }

    /** RFC 3986 percent-encoding, as SigV4 wants it: unreserved characters stay, spaces are %20. */
    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A").replace("%7E", "~");
    }

    private static String trimAll(String value) {
        return value.strip().replaceAll("\\s+", " ");
    }

    static byte[] signingKey(String secret, String date, String region, String service) {
        byte[] key = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), date);
        key = hmac(key, region);
        key = hmac(key, service);
        return hmac(key, "aws4_request");
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    private static String firstWord(String header) {
        int space = header.indexOf(' ');
        return space < 0 ? header : header.substring(0, space);
    }

    private static Optional<Refusal> refuse(Failure failure, String message) {
        return Optional.of(new Refusal(failure, message));
    }

    /** {@code AWS4-HMAC-SHA256 Credential=KEY/DATE/REGION/SERVICE/aws4_request, SignedHeaders=a;b, Signature=hex}. */
    record Authorization(String accessKeyId, String date, String region, String service, List<String> signedHeaders, String signature) {

        String scope() {
            return date + "/" + region + "/" + service + "/aws4_request";
        }

        static Optional<Authorization> parse(String header) {
            if (!header.startsWith(ALGORITHM + " ")) {
                return Optional.empty();
            }
            Map<String, String> parts = new TreeMap<>();
            for (String part : header.substring(ALGORITHM.length() + 1).split(",")) {
                int eq = part.indexOf('=');
                if (eq > 0) {
                    parts.put(part.substring(0, eq).strip(), part.substring(eq + 1).strip());
                }
            }
            String credential = parts.get("Credential");
            String signedHeaders = parts.get("SignedHeaders");
            String signature = parts.get("Signature");
            if (credential == null || signedHeaders == null || signature == null) {
                return Optional.empty();
            }
            String[] scope = credential.split("/");
            if (scope.length != 5 || !"aws4_request".equals(scope[4]) || scope[1].length() != 8) {
                return Optional.empty();
            }
            return Optional.of(new Authorization(scope[0], scope[1], scope[2], scope[3],
                    List.of(signedHeaders.toLowerCase(Locale.ROOT).split(";")), signature.toLowerCase(Locale.ROOT)));
        }
    }
}
