package dev.herald.local.aws;

import dev.herald.json.Json;
import dev.herald.local.http.HttpReply;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

/** Errors in the shapes the AWS SDKs parse, so a refusal from herald local reads like one from AWS. */
public final class AwsErrors {

    public static final String AMZ_JSON_11 = "application/x-amz-json-1.1";
    public static final String AMZ_JSON_10 = "application/x-amz-json-1.0";

    private AwsErrors() {
    }

    /** awsJson 1.1 (EventBridge): {@code {"__type": code, "message": ...}}. */
    public static HttpReply json11(int status, String code, String message) {
        return new HttpReply(status, AMZ_JSON_11, Json.writeBytes(Map.of("__type", code, "message", message)), Map.of())
                .withHeader("x-amzn-ErrorType", code)
                .withHeader("x-amzn-RequestId", UUID.randomUUID().toString());
    }

    /** awsJson 1.0 (SQS): as {@link #json11}, with SQS's error code also in {@code x-amzn-query-error}. */
    public static HttpReply json10(int status, String code, String message) {
        return new HttpReply(status, AMZ_JSON_10, Json.writeBytes(Map.of("__type", "com.amazonaws.sqs#" + code, "message", message)), Map.of())
                .withHeader("x-amzn-query-error", code + ";" + (status >= 500 ? "Receiver" : "Sender"))
                .withHeader("x-amzn-RequestId", UUID.randomUUID().toString());
    }

    /** restJson (SES v2, API Gateway Management API): the code in {@code x-amzn-ErrorType}, {@code {"message": ...}}. */
    public static HttpReply restJson(int status, String code, String message) {
        return new HttpReply(status, HttpReply.JSON, Json.writeBytes(Map.of("message", message)), Map.of())
                .withHeader("x-amzn-ErrorType", code)
                .withHeader("x-amzn-RequestId", UUID.randomUUID().toString());
    }

    /** awsQuery (SNS): an {@code ErrorResponse} XML document. */
    public static HttpReply query(int status, String code, String message) {
        String type = status >= 500 ? "Receiver" : "Sender";
        String xml = "<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><Error><Type>" + type + "</Type><Code>"
                + xml(code) + "</Code><Message>" + xml(message) + "</Message></Error><RequestId>" + UUID.randomUUID()
                + "</RequestId></ErrorResponse>";
        return new HttpReply(status, "text/xml", xml.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** The wire protocols of the services herald local stands in for; each words an authentication failure its own way. */
    public enum Protocol { AWS_JSON, REST_JSON, AWS_QUERY }

    /** A request that failed authentication, in the code and status the protocol's services answer it with. */
    public static HttpReply auth(Protocol protocol, SigV4.Refusal refusal) {
        int status = refusal.failure() == SigV4.Failure.INCOMPLETE_SIGNATURE ? 400 : 403;
        return switch (protocol) {
            case AWS_JSON -> json11(400, jsonCode(refusal.failure()), refusal.message());
            case REST_JSON -> restJson(status, jsonCode(refusal.failure()), refusal.message());
            case AWS_QUERY -> query(status, switch (refusal.failure()) {
                case MISSING_AUTHENTICATION -> "MissingAuthenticationToken";
                case INCOMPLETE_SIGNATURE -> "IncompleteSignature";
                case UNRECOGNIZED_CLIENT -> "InvalidClientTokenId";
                case EXPIRED_TOKEN -> "ExpiredToken";
                case INVALID_SIGNATURE -> "SignatureDoesNotMatch";
            }, refusal.message());
        };
    }

    /** The JSON protocols' codes: awsJson answers them with 400, restJson with 403. */
    private static String jsonCode(SigV4.Failure failure) {
        return switch (failure) {
            case MISSING_AUTHENTICATION -> "MissingAuthenticationTokenException";
            case INCOMPLETE_SIGNATURE -> "IncompleteSignatureException";
            case UNRECOGNIZED_CLIENT -> "UnrecognizedClientException";
            case EXPIRED_TOKEN -> "ExpiredTokenException";
            case INVALID_SIGNATURE -> "InvalidSignatureException";
        };
    }

    public static String xml(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
