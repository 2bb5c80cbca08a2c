package dev.herald.channel.websocket.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimNames;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.herald.config.HeraldConfig;
import dev.herald.config.HeraldEnv;
import java.net.MalformedURLException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.util.Date;
import java.util.HashSet;
import java.util.Set;

/**
 * Verifies the JWT a WebSocket client connects with and returns whose it is. Two modes, chosen by configuration:
 * <ul>
 *   <li>HS256 with a shared secret ({@code HERALD_JWT_SECRET}): herald local and {@code herald token};</li>
 *   <li>RS256 with keys from a JWKS URL ({@code HERALD_JWKS_URL}), e.g. a Cognito user pool, in the cloud.</li>
 * </ul>
 * Every token must carry {@code sub} and {@code exp}; issuer and audience are checked when configured (and the
 * JWKS mode requires both, since a JWKS issuer usually signs tokens for many audiences). Only the expected
 * algorithm is accepted, so a token cannot pick its own ({@code none}, or HS256 signed with the public key).
 * Thread-safe; the JWKS is fetched once and cached.
 */
public final class TokenVerifier {

    /** The shortest HS256 secret accepted: 256 bits, as RFC 7518 requires. */
    public static final int MIN_SECRET_BYTES = 32;

    private final DefaultJWTProcessor<SecurityContext> processor;

    private TokenVerifier(JWSAlgorithm algorithm, JWKSource<SecurityContext> keys, String issuer, String audience, Clock clock) {
        processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithm, keys));
        JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
        if (issuer != null) {
            exact.issuer(issuer);
        }
        Set<String> required = new HashSet<>(Set.of(JWTClaimNames.SUBJECT, JWTClaimNames.EXPIRATION_TIME));
        if (audience != null) {
            required.add(JWTClaimNames.AUDIENCE);
        }
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(audience == null ? null : Set.of(audience),
                exact.build(), required, null) {
            @Override
            protected Date currentTime() {
                return Date.from(clock.instant());
            }
        });
    }

    /** HS256 with a shared secret; {@code issuer} and {@code audience} are checked when not null. */
    public static TokenVerifier hs256(String secret, String issuer, String audience, Clock clock) {
        return new TokenVerifier(JWSAlgorithm.HS256, new ImmutableSecret<>(secretBytes(secret)), issuer, audience, clock);
    }

    /** RS256 with the issuer's published keys; issuer and audience are both required. */
    public static TokenVerifier jwks(URI jwksUrl, String issuer, String audience, Clock clock) {
        if (issuer == null || audience == null) {
            throw new IllegalArgumentException("a JWKS token verifier needs an issuer and an audience; set "
                    + HeraldEnv.JWT_ISSUER.variable() + " and " + HeraldEnv.JWT_AUDIENCE.variable());
        }
        try {
            JWKSource<SecurityContext> keys = JWKSourceBuilder.<SecurityContext>create(jwksUrl.toURL()).retrying(true).build();
            return new TokenVerifier(JWSAlgorithm.RS256, keys, issuer, audience, clock);
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new IllegalArgumentException(HeraldEnv.JWKS_URL.variable() + " is not a valid URL: " + jwksUrl, e);
        }
    }

    /** JWKS when {@code HERALD_JWKS_URL} is set, otherwise HS256 with {@code HERALD_JWT_SECRET}. */
    public static TokenVerifier fromConfig(HeraldConfig config, Clock clock) {
        String issuer = config.find(HeraldEnv.JWT_ISSUER).orElse(null);
        String audience = config.find(HeraldEnv.JWT_AUDIENCE).orElse(null);
        if (config.find(HeraldEnv.JWKS_URL).isPresent()) {
            return jwks(URI.create(config.require(HeraldEnv.JWKS_URL)), issuer, audience, clock);
        }
        if (config.find(HeraldEnv.JWT_SECRET).isPresent()) {
            return hs256(config.require(HeraldEnv.JWT_SECRET), issuer, audience, clock);
        }
        throw new IllegalStateException("WebSocket authentication is not configured: set " + HeraldEnv.JWKS_URL.variable()
                + " (with " + HeraldEnv.JWT_ISSUER.variable() + " and " + HeraldEnv.JWT_AUDIENCE.variable() + ") for an RS256 issuer, or "
                + HeraldEnv.JWT_SECRET.variable() + " for HS256 tokens");
    }

    /** The token's user, or an {@link InvalidTokenException} that says why it was refused. */
    public VerifiedToken verify(String token) {
        if (token == null || token.isBlank()) {
            throw new InvalidTokenException("no token: pass one as ?token=... or an Authorization: Bearer header");
        }
        try {
            JWTClaimsSet claims = processor.process(token.strip(), null);
            String subject = claims.getSubject();
            if (subject == null || subject.isBlank()) {
                throw new InvalidTokenException("token has an empty sub claim");
            }
            return new VerifiedToken(subject, claims.getExpirationTime().toInstant());
        } catch (ParseException e) {
            throw new InvalidTokenException("token is not a JWT: " + e.getMessage(), e);
        } catch (BadJOSEException e) {
            throw new InvalidTokenException("token refused: " + e.getMessage(), e);
        } catch (JOSEException e) {
            // the key could not be used or fetched (JWKS unreachable): still no authentication
            throw new InvalidTokenException("token could not be verified: " + e.getMessage(), e);
        }
    }

    static byte[] secretBytes(String secret) {
        byte[] bytes = secret == null ? new byte[0] : secret.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException(HeraldEnv.JWT_SECRET.variable() + " must be at least " + MIN_SECRET_BYTES
                    + " bytes for HS256; generate one with: openssl rand -base64 32");
        }
        return bytes;
    }
}
