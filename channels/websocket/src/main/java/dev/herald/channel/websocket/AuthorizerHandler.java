package dev.herald.channel.websocket;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.IamPolicyResponseV1;
import dev.herald.channel.websocket.auth.InvalidTokenException;
import dev.herald.channel.websocket.auth.TokenVerifier;
import dev.herald.channel.websocket.auth.VerifiedToken;
import dev.herald.config.HeraldConfig;
import dev.herald.lambda.SnapStartPriming;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * API Gateway's Lambda REQUEST authorizer on the WebSocket API's {@code $connect} route (the cloud). A valid token
 * gets an IAM policy allowing the connect, with the token's user as {@code principalId}; {@link ConnectHandler} then
 * reads the user from the request context. Anything else fails with {@code Unauthorized}, which API Gateway turns
 * into a 401 before any Herald code stores anything.
 */
public final class AuthorizerHandler implements RequestHandler<APIGatewayCustomAuthorizerEvent, IamPolicyResponseV1> {

    /** The exact error message API Gateway maps to 401. */
    public static final String UNAUTHORIZED = "Unauthorized";

    private static final Logger LOG = LoggerFactory.getLogger(AuthorizerHandler.class);

    private final TokenVerifier tokens;
    // held here because the CRaC context may reference its resources weakly
    @SuppressWarnings("unused")
    private final SnapStartPriming priming = SnapStartPriming.register(getClass().getSimpleName(), this::prime);

    /** Lambda entry point: the verifier from the environment (JWKS in the cloud). */
    public AuthorizerHandler() {
        this(TokenVerifier.fromConfig(HeraldConfig.fromEnvironment(), Clock.systemUTC()));
    }

    public AuthorizerHandler(TokenVerifier tokens) {
        this.tokens = tokens;
    }

    /** SnapStart priming: a token check, which also fetches the issuer's keys (JWKS) once. */
    void prime() {
        ConnectHandler.verifyQuietly(tokens);
    }

    @Override
    public IamPolicyResponseV1 handleRequest(APIGatewayCustomAuthorizerEvent event, Context context) {
        VerifiedToken token;
        try {
            token = tokens.verify(RouteResponses.token(event.getQueryStringParameters(), event.getHeaders()).orElse(null));
        } catch (InvalidTokenException e) {
            LOG.info("refused WebSocket connect: {}", e.getMessage());
            throw new UnauthorizedException();
        }
        return IamPolicyResponseV1.builder()
                .withPrincipalId(token.userId())
                .withPolicyDocument(IamPolicyResponseV1.PolicyDocument.builder()
                        .withVersion(IamPolicyResponseV1.VERSION_2012_10_17)
                        .withStatement(List.of(IamPolicyResponseV1.allowStatement(event.getMethodArn())))
                        .build())
                .withContext(Map.of("userId", token.userId()))
                .build();
    }

    /** Thrown for every refused token; API Gateway answers 401 to exactly this message. */
    public static final class UnauthorizedException extends RuntimeException {

        public UnauthorizedException() {
            super(UNAUTHORIZED);
        }
    }
}
