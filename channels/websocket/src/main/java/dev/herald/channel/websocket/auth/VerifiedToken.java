package dev.herald.channel.websocket.auth;

import java.time.Instant;

/** A token that passed verification: whose it is ({@code sub}) and until when it is valid. */
public record VerifiedToken(String userId, Instant expiresAt) {
}
