package dev.herald.channel.websocket.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.herald.config.HeraldConfig;
import dev.herald.config.HeraldEnv;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TokenVerifierTest {

    static final String SECRET = "a-dev-secret-that-is-at-least-32-bytes-long";

    private final Clock clock = Clock.systemUTC();
    private HttpServer jwksServer;

    @AfterEach
    void stopServer() {
        if (jwksServer != null) {
            jwksServer.stop(0);
        }
    }

    @Test
    void verify_devToken_returnsItsUser() {
        // given
        String token = Tokens.issueDev(SECRET, "alice", Duration.ofMinutes(5));

        // when
        VerifiedToken verified = TokenVerifier.hs256(SECRET, null, null, clock).verify(token);

        // then
        assertThat(verified.userId()).isEqualTo("alice");
        assertThat(verified.expiresAt()).isAfter(Instant.now());
    }

    @Test
    void verify_tokenSignedWithAnotherSecret_isRefused() {
        String forged = Tokens.issueDev("another-secret-that-is-also-32-bytes-long!", "alice", Duration.ofMinutes(5));

        assertThatThrownBy(() -> TokenVerifier.hs256(SECRET, null, null, clock).verify(forged))
                .isInstanceOf(InvalidTokenException.class).hasMessageContaining("refused");
    }

    @Test
    void verify_expiredToken_isRefused() {
        String expired = Tokens.issue(SECRET, "alice", null, null, Instant.now().minus(Duration.ofHours(2)), Duration.ofMinutes(5));

        assertThatThrownBy(() -> TokenVerifier.hs256(SECRET, null, null, clock).verify(expired))
                .isInstanceOf(InvalidTokenException.class).hasMessageContaining("xpired");
    }

    @Test
    void verify_wrongAudienceOrIssuer_isRefused() {
        TokenVerifier verifier = TokenVerifier.hs256(SECRET, "herald", "herald-ws", clock);
        String wrongAudience = Tokens.issue(SECRET, "alice", "herald", "someone-else", Instant.now(), Duration.ofMinutes(5));
        String wrongIssuer = Tokens.issue(SECRET, "alice", "evil", "herald-ws", Instant.now(), Duration.ofMinutes(5));
        String noAudience = Tokens.issue(SECRET, "alice", "herald", null, Instant.now(), Duration.ofMinutes(5));
        String right = Tokens.issue(SECRET, "alice", "herald", "herald-ws", Instant.now(), Duration.ofMinutes(5));

        assertThatThrownBy(() -> verifier.verify(wrongAudience)).isInstanceOf(InvalidTokenException.class).hasMessageContaining("aud");
        assertThatThrownBy(() -> verifier.verify(wrongIssuer)).isInstanceOf(InvalidTokenException.class).hasMessageContaining("iss");
        assertThatThrownBy(() -> verifier.verify(noAudience)).isInstanceOf(InvalidTokenException.class);
        assertThat(verifier.verify(right).userId()).isEqualTo("alice");
    }

    @Test
    void verify_missingOrMalformedOrUnsignedToken_isRefused() {
        TokenVerifier verifier = TokenVerifier.hs256(SECRET, null, null, clock);
        String unsigned = new PlainJWT(new JWTClaimsSet.Builder().subject("alice")
                .expirationTime(Date.from(Instant.now().plusSeconds(300))).build()).serialize();

        assertThatThrownBy(() -> verifier.verify(null)).isInstanceOf(InvalidTokenException.class).hasMessageContaining("no token");
        assertThatThrownBy(() -> verifier.verify("not-a-jwt")).isInstanceOf(InvalidTokenException.class);
        assertThatThrownBy(() -> verifier.verify(unsigned)).isInstanceOf(InvalidTokenException.class);
    }

    @Test
    void hs256_withShortSecret_saysHowLongItMustBe() {
        assertThatThrownBy(() -> TokenVerifier.hs256("short", null, null, clock))
                .hasMessageContaining("HERALD_JWT_SECRET must be at least 32 bytes");
    }

    @Test
    void fromConfig_withoutAnyAuthSetting_saysWhatToSet() {
        assertThatThrownBy(() -> TokenVerifier.fromConfig(HeraldConfig.of(Map.of()), clock))
                .hasMessageContaining("HERALD_JWKS_URL").hasMessageContaining("HERALD_JWT_SECRET");
    }

    @Test
    void jwks_rs256TokenFromTheIssuer_isAcceptedAndOthersAreRefused() throws Exception {
        // given an issuer publishing its key on a local JWKS endpoint
        RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
        RSAKey otherKey = new RSAKeyGenerator(2048).keyID("k1").generate();
        URI jwks = serveJwks(new JWKSet(key.toPublicJWK()));
        TokenVerifier verifier = TokenVerifier.fromConfig(HeraldConfig.of(Map.of(HeraldEnv.JWKS_URL, jwks.toString(),
                HeraldEnv.JWT_ISSUER, "https://issuer.example", HeraldEnv.JWT_AUDIENCE, "herald-ws")), clock);

        // when / then
        assertThat(verifier.verify(rs256(key, "https://issuer.example", "herald-ws", Instant.now().plusSeconds(300))).userId())
                .isEqualTo("bob");
        assertThatThrownBy(() -> verifier.verify(rs256(key, "https://issuer.example", "other-app", Instant.now().plusSeconds(300))))
                .isInstanceOf(InvalidTokenException.class);
        assertThatThrownBy(() -> verifier.verify(rs256(key, "https://issuer.example", "herald-ws", Instant.now().minusSeconds(3600))))
                .isInstanceOf(InvalidTokenException.class);
        assertThatThrownBy(() -> verifier.verify(rs256(otherKey, "https://issuer.example", "herald-ws", Instant.now().plusSeconds(300))))
                .isInstanceOf(InvalidTokenException.class);
        // an HS256 token must never pass an RS256 verifier (algorithm confusion)
        assertThatThrownBy(() -> verifier.verify(Tokens.issue(SECRET, "bob", "https://issuer.example", "herald-ws", Instant.now(), Duration.ofMinutes(5))))
                .isInstanceOf(InvalidTokenException.class);
    }

    @Test
    void jwks_withoutIssuerAndAudience_isAConfigurationError() {
        assertThatThrownBy(() -> TokenVerifier.jwks(URI.create("http://127.0.0.1:1/jwks"), null, "aud", clock))
                .hasMessageContaining("HERALD_JWT_ISSUER");
    }

    private static String rs256(RSAKey key, String issuer, String audience, Instant expires) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
                new JWTClaimsSet.Builder().subject("bob").issuer(issuer).audience(audience).expirationTime(Date.from(expires)).build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private URI serveJwks(JWKSet set) throws Exception {
        jwksServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        byte[] json = set.toString(true).getBytes(StandardCharsets.UTF_8);
        jwksServer.createContext("/.well-known/jwks.json", exchange -> {
            try (exchange) {
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, json.length);
                exchange.getResponseBody().write(json);
            }
        });
        jwksServer.start();
        return URI.create("http://127.0.0.1:" + jwksServer.getAddress().getPort() + "/.well-known/jwks.json");
    }
}
