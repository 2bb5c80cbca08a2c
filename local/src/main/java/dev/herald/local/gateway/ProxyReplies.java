package dev.herald.local.gateway;

import dev.herald.local.http.HttpReply;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A Lambda proxy integration's response (REST or HTTP API) as the HTTP reply API Gateway sends. */
final class ProxyReplies {

    private ProxyReplies() {
    }

    /** Multi-value headers joined with commas, single-value ones over them; the content type apart; the body decoded. */
    static HttpReply of(int status, Map<String, List<String>> multiValueHeaders, Map<String, String> singleHeaders, String body,
                        boolean base64) {
        Map<String, String> headers = new HashMap<>();
        if (multiValueHeaders != null) {
            multiValueHeaders.forEach((name, values) -> headers.put(name, String.join(",", values)));
        }
        if (singleHeaders != null) {
            headers.putAll(singleHeaders);
        }
        String contentType = null;
        for (var it = headers.entrySet().iterator(); it.hasNext(); ) {
            var header = it.next();
            if (header.getKey().equalsIgnoreCase("content-type")) {
                contentType = header.getValue();
                it.remove();
            }
        }
        String text = body == null ? "" : body;
        byte[] bytes = base64 ? Base64.getDecoder().decode(text) : text.getBytes(StandardCharsets.UTF_8);
        return new HttpReply(status, contentType, bytes, headers);
    }
}
