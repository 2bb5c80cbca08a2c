package dev.herald.channel.websocket.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

/** Issues development tokens (HS256), as {@code herald token --user U} prints them for herald local. */
public final class Tokens {

    private Tokens() {
    }

    /** A token for {@code userId}, valid for {@code ttl} from now. */
    public static String issueDev(String secret, String userId, Duration ttl) {
        return issue(secret, userId, null, null, Instant.now(), ttl);
    }

    /** As {@link #issueDev}, with an issuer and an audience (either may be null) and an explicit issue time. */
    public static String issue(String secret, String userId, String issuer, String audience, Instant issuedAt, Duration ttl) {
        if (userId == null || userId.isBlank()) {
            throw new IllegalArgumentException("a token needs a user id (its sub claim)");
        }
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .subject(userId)
                .issueTime(Date.from(issuedAt))
                .expirationTime(Date.from(issuedAt.plus(ttl)))
                .jwtID(UUID.randomUUID().toString());
        if (issuer != null) {
            claims.issuer(issuer);
        }
        if (audience != null) {
            claims.audience(audience);
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
        try {
            jwt.sign(new MACSigner(TokenVerifier.secretBytes(secret)));
        } catch (JOSEException e) {
            throw new IllegalArgumentException("cannot sign a token with this secret: " + e.getMessage(), e);
        }
        return jwt.serialize();
    }
}
